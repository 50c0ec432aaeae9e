package dev.jspec.plan;

import java.util.List;

/**
 * One kernel call (or cgroup file write) with its exact arguments. The planner emits them;
 * the executor interprets them over {@code Syscalls}. Fields hold only strings, numbers,
 * booleans and lists of those, so a plan serializes to JSON and back without loss
 * ({@link PlanCodec}). Flag sets are lists of the kernel's constant names
 * ({@code MS_BIND}, {@code MNT_DETACH}); the tables that turn them into bits live in
 * {@code dev.jspec.exec}.
 */
public sealed interface Step {

    // ---- cgroups (parent) ----

    /**
     * mkdir of one cgroup directory, unless it exists. A {@code shared} directory is a parent
     * every jspec container shares (the default {@code /jspec}): created by whichever comes
     * first and removed by whichever leaves it empty. Any other directory this run creates is
     * removed on teardown.
     */
    record CgroupMkdir(String dir, boolean shared) implements Step {}

    /** v1 cpuset: copy {@code file} (cpuset.cpus or cpuset.mems) from the parent directory when empty, else joining fails with ENOSPC. */
    record CgroupCopyFromParent(String dir, String file) implements Step {}

    /** write(value) to {@code dir/file}. */
    record CgroupWrite(String dir, String file, String value) implements Step {}

    /**
     * cgroup v2's device rules: a BPF_PROG_TYPE_CGROUP_DEVICE program built from {@code rules}
     * (lines such as {@code allow c 1:3 rwm}, see {@code DeviceFilter}), loaded and attached
     * to {@code dir} with BPF_F_ALLOW_MULTI. The plan keeps the rules, not the instructions, so it stays readable.
     */
    record AttachDeviceFilter(String dir, List<String> rules) implements Step {}

    /** write(init's pid) to {@code cgroup.procs} of each directory: the init joins before any user code runs. */
    record CgroupJoin(List<String> dirs) implements Step {}

    // ---- namespaces and the init process ----

    /** unshare(2) of the namespace types named as in the spec: mount, uts, ipc, network, pid, cgroup. */
    record Unshare(List<String> types) implements Step {}

    /** setns(2) into the namespace at {@code path}. */
    record Setns(String type, String path) implements Step {}

    /**
     * posix_spawn of the init with this argv; its stdio is jspec's own unless a terminal is
     * requested, and it gets no other descriptor of jspec's but its two pipes.
     */
    record Spawn(List<String> argv, boolean terminal, int preservedFds) implements Step {

        /** Spawn with no descriptors of the caller's passed through. */
        public Spawn(List<String> argv, boolean terminal) {
            this(argv, terminal, 0);
        }
    }

    /**
     * Make a host path read-only in the spawner thread's new mount namespace, which the init
     * inherits: mount(path, path, MS_BIND|MS_REC) then mount_setattr(MOUNT_ATTR_RDONLY,
     * AT_RECURSIVE), which leaves nosuid, nodev and the rest as they are. The init's own files
     * (java, the JDK, the jars, JNA's library, the AOT cache) get this before it is spawned, so
     * every handle on them that the container could reach (/proc/PID/exe, fd, map_files) is
     * read-only.
     */
    record ReadonlyBind(String path) implements Step {}

    /** Bring a network interface up (ioctl SIOCSIFFLAGS IFF_UP), inside a new network namespace. */
    record LinkUp(String name) implements Step {}

    // ---- the root filesystem (init) ----

    /** mount(2). {@code source}, {@code fstype} and {@code data} may be null. */
    record Mount(String source, String target, String fstype, List<String> flags, String data) implements Step {}

    /**
     * mount_setattr(2), e.g. MOUNT_ATTR_RDONLY with AT_RECURSIVE for "rro". {@code attrClr}
     * carries what options such as "rrw" clear, and MOUNT_ATTR__ATIME whenever an access-time
     * mode is set, as the kernel requires.
     */
    record MountSetattr(String target, List<String> attrSet, List<String> attrClr, boolean recursive) implements Step {}

    /**
     * Make sure a mount point exists: mkdir -p for a directory, or an empty file when
     * {@code bindSource} names a file (bind mounts of single files).
     */
    record CreateMountPoint(String target, String bindSource) implements Step {}

    /** mknod(2) then chown; {@code type} is c, b, u or p. */
    record Mknod(String path, String type, long major, long minor, int mode, long uid, long gid) implements Step {}

    record Symlink(String target, String linkPath) implements Step {}

    /**
     * open(path, O_PATH): the container's root, a host path. Every container path in the
     * steps after it (mount targets, nodes, links, masked paths, cwd) is resolved inside it
     * with openat2(RESOLVE_IN_ROOT), never as a string the image's symlinks could redirect.
     */
    record OpenRoot(String path) implements Step {}

    /**
     * fchdir(root); pivot_root(".", "."); umount2(".", MNT_DETACH); chdir("/"): the root
     * becomes "/", and the host's tree is gone without ever having a name inside it.
     */
    record PivotRoot(String newRoot) implements Step {}

    record Chdir(String path) implements Step {}

    /** Hide a path: /dev/null bound over a file, an empty read-only tmpfs over a directory. */
    record MaskPath(String path) implements Step {}

    /** Bind a path onto itself and remount it read-only; absent paths are skipped. */
    record ReadonlyPath(String path) implements Step {}

    /** write(value) to /proc/sys/{key with dots as slashes}. */
    record WriteSysctl(String key, String value) implements Step {}

    record Sethostname(String name) implements Step {}

    record Setdomainname(String name) implements Step {}

    // ---- the process (init) ----

    /**
     * The container's console: a pseudo-terminal from the container's own /dev/ptmx, its
     * slave made descriptors 0, 1, 2 and the controlling terminal (setsid, TIOCSCTTY), its
     * master sent to jspec over the console socket (SCM_RIGHTS).
     */
    record OpenConsole() implements Step {}

    /** prlimit(2) on the init; {@code resource} is a name such as RLIMIT_NOFILE; -1 is unlimited. */
    record Setrlimit(String resource, long soft, long hard) implements Step {}

    /** write(value) to /proc/self/oom_score_adj. */
    record WriteOomScoreAdj(int value) implements Step {}

    /**
     * Capabilities are per thread: strip them from every thread of the init but the calling
     * one. glibc's setgroups, setresgid and setresuid act on every thread (its setxid
     * broadcast), so with PR_SET_KEEPCAPS on this thread only, going to {@code uid}/{@code gid}
     * leaves every other thread without capabilities; this thread then restores its
     * effective set and goes back to root with the raw, per-thread system calls. From here on
     * the credential steps use the per-thread calls only.
     */
    record ClearThreadCapabilities(long uid, long gid) implements Step {}

    /**
     * Reads CapPrm, CapEff and CapAmb of every other thread of the init from a procfs of its
     * own (fsopen/fsmount, attached nowhere and closed at once) and fails if any is not empty.
     */
    record CheckThreadCapabilities() implements Step {}

    /** prctl(PR_CAPBSET_DROP) for each capability named. */
    record CapbsetDrop(List<String> caps) implements Step {}

    /** prctl(PR_SET_KEEPCAPS): keep permitted capabilities across the uid change. */
    record SetKeepCaps(boolean keep) implements Step {}

    record Setgroups(List<Long> gids) implements Step {}

    record Setresgid(long gid) implements Step {}

    record Setresuid(long uid) implements Step {}

    record Umask(int mask) implements Step {}

    /** capset(2) of the three thread sets. */
    record Capset(List<String> effective, List<String> permitted, List<String> inheritable) implements Step {}

    /** prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE) for each capability named. */
    record AmbientRaise(List<String> caps) implements Step {}

    /**
     * The security label the program is exec'd into: {@code exec <profile>} to
     * /proc/thread-self/attr/apparmor/exec (or attr/exec on kernels before 5.1) for
     * {@code lsm} apparmor, the context to /proc/thread-self/attr/exec for selinux. It applies
     * to this thread's next execve, as runc sets it.
     */
    record SetExecLabel(String lsm, String label) implements Step {}

    /** prctl(PR_SET_NO_NEW_PRIVS, 1). */
    record SetNoNewPrivs() implements Step {}

    /**
     * A seccomp filter, compiled by libseccomp and loaded with TSYNC so that every thread of
     * the init takes it. {@code defaultAction} and each rule's action carry their return value
     * ({@code SCMP_ACT_ERRNO(1)}); {@code architectures} and {@code flags} are the spec's names;
     * each rule is one line in {@code SeccompRule}'s text form, e.g. {@code SCMP_ACT_ALLOW
     * personality a0==8}. A filter with SCMP_ACT_NOTIFY rules sends its listener descriptor
     * to the parent (SCM_RIGHTS), for the {@link SeccompListener} step that follows.
     */
    record Seccomp(String defaultAction, List<String> architectures, List<String> flags, List<String> rules) implements Step {}

    /**
     * The parent forwards the seccomp listener descriptor the init sent it to the agent at
     * {@code listenerPath} on the host: connect(2), then one sendmsg(2) of the container
     * process state (JSON) with the descriptor as SCM_RIGHTS. {@code annotations} are the
     * config's, as key, value, key, value.
     */
    record SeccompListener(String listenerPath, String metadata, String containerId, String bundle, List<String> annotations)
            implements Step {}

    /** close_range(first, ~0, CLOSE_RANGE_CLOEXEC): only 0..first-1 survive the execve. */
    record CloseFrom(int first) implements Step {}

    /**
     * `jspec create`'s end: the init resolves the program (so that a missing one fails the
     * create), tells the parent the container is created, then opens the exec FIFO at
     * {@code fifo} for writing, which blocks until `jspec start` opens it for reading, and
     * writes one byte. The parent passes the FIFO as a descriptor; the init reopens it
     * through the host's /proc, since the path is out of its reach after pivot_root.
     */
    record AwaitStart(String fifo) implements Step {}

    /**
     * The {@code tmpcopyup} mount option (runc's and crun's): the directory at {@code target}
     * is held open, and once the next mount on {@code target} (a tmpfs) is made, what the
     * directory held in the image is copied into it: files, directories and symlinks as
     * they are, owners and modes kept, no link followed.
     */
    record CopyUp(String target) implements Step {}

    /**
     * An OCI hook of the config (runtime-spec config.md): {@code path} spawned with
     * {@code args} as argv and exactly {@code env}, the container's state JSON on its stdin
     * ({@code containerId}, {@code bundle}, the config's {@code annotations} as key, value,
     * ...; the init's host pid; the status its {@code kind} implies), waited for at most
     * {@code timeout} seconds (0: no limit). A non-zero exit or a timeout fails the start.
     * prestart and createRuntime are the parent's, run in the runtime's namespaces before
     * pivot_root; createContainer is the init's at the same point (host paths still reach);
     * startContainer is the init's after `jspec start`, its path resolved in the container.
     */
    record Hook(String kind, int index, String path, List<String> args, List<String> env, int timeout,
            String containerId, String bundle, List<String> annotations) implements Step {}

    /** execve(2) after a PATH lookup inside the container for a bare {@code argv[0]}. */
    record Execve(List<String> argv, List<String> env) implements Step {}
}
