package dev.jspec.exec;

import dev.jspec.plan.Actor;
import dev.jspec.plan.Capability;
import dev.jspec.plan.HostFacts;
import dev.jspec.plan.Plan;
import dev.jspec.plan.Step;
import dev.jspec.plan.StepText;
import dev.jspec.seccomp.Libseccomp;
import dev.jspec.seccomp.NativeLibseccomp;
import dev.jspec.seccomp.SeccompLoader;
import dev.jspec.sys.Errno;
import dev.jspec.sys.MountFlags;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the INIT steps of a plan, in order, on the calling thread: the thread that ends in
 * execve. Capabilities, keep-caps and no_new_privs are per thread in Linux, which is why
 * everything happens on one thread. Steps after pivot_root may not open host paths: what
 * they need was loaded before it.
 */
public final class InitExecutor {

    /** prctl(2) option; public for the init's first call. */
    public static final int PR_SET_DUMPABLE = 4;
    private static final int PR_SET_KEEPCAPS = 8;
    private static final int PR_CAPBSET_DROP = 24;
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int PR_CAP_AMBIENT = 47;
    private static final int PR_CAP_AMBIENT_RAISE = 2;
    private static final int MNT_DETACH = 2;
    private static final int S_IFCHR = 0x2000;
    private static final int S_IFBLK = 0x6000;
    private static final int S_IFIFO = 0x1000;
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** statfs f_type of procfs. */
    private static final long PROC_SUPER_MAGIC = 0x9fa0;

    private final Syscalls sys;
    /** The container's root once the plan has opened it; container paths resolve inside it. */
    private ContainerRoot root;
    /** Whether pivot_root has happened: the host's /proc, and so /proc/self/fd, is gone then. */
    private boolean pivoted;
    /** The host's procfs, opened before anything of the container is touched: sysctls and oom_score_adj go through it. */
    private int proc = -1;
    private Libseccomp seccomp;
    /** Whether the plan has the parent forward a seccomp listener descriptor to an agent. */
    private boolean seccompListener;

    private Parent parent;
    private Plan plan;
    /** The program's path, found before the init waits for `jspec start` (so that create fails on a missing one). */
    private String program;
    /** The exec FIFO, open for writing from `jspec start` until the execve (see {@link #awaitStart}); -1 before. */
    private int startFifo = -1;

    /** Where the parent put the console and seccomp sockets. */
    private final InitFds fds;

    public InitExecutor(Syscalls sys) {
        this(sys, null, InitFds.DEFAULT);
    }

    public InitExecutor(Syscalls sys, Libseccomp seccomp) {
        this(sys, seccomp, InitFds.DEFAULT);
    }

    /** {@code seccomp} null: libseccomp is loaded when a plan first needs it (the init loads it before pivot_root). */
    public InitExecutor(Syscalls sys, Libseccomp seccomp, InitFds fds) {
        this.sys = sys;
        this.seccomp = seccomp;
        this.fds = fds;
    }

    /**
     * The parent's part in the middle of the init's steps: asks the parent to run its steps
     * from step {@code number} on, and returns once it has.
     */
    public interface Parent {
        void runStepsFrom(int number) throws StepFailure;

        /** The container is created (see {@link Step.AwaitStart}); the parent may go away after this. */
        default void created() {}
    }

    /** Runs every INIT entry; returns only if the plan has no Execve (tests), else execs or throws. */
    public void run(Plan plan) throws StepFailure {
        run(plan, number -> { });
    }

    /**
     * As {@link #run(Plan)}; PARENT entries after the first INIT entry are handed to
     * {@code parent}, which returns once they are done (the ones before it ran before the
     * init was spawned).
     */
    public void run(Plan plan, Parent parent) throws StepFailure {
        List<Plan.Entry> entries = plan.entries();
        try {
            proc = sys.openPath("/proc");
        } catch (SyscallException e) {
            proc = -1; // said when a step needs it
        }
        seccompListener = entries.stream().anyMatch(e -> e.step() instanceof Step.SeccompListener);
        openNamespaceFiles(entries);
        this.parent = parent;
        this.plan = plan;
        boolean started = false;
        for (int i = 0; i < entries.size(); i++) {
            Plan.Entry e = entries.get(i);
            if (e.actor() != Actor.INIT) {
                if (started && (i == 0 || entries.get(i - 1).actor() == Actor.INIT)) {
                    parent.runStepsFrom(i + 1);
                }
                continue;
            }
            started = true;
            try {
                execute(e.step());
            } catch (SyscallException ex) {
                throw toldStart(StepFailure.ofCall(i + 1, StepText.call(e.step()), ex, hint(e.step(), ex)));
            } catch (UnsafeContainer | ThreadsNotCleared | HookRunner.Failed ex) {
                throw toldStart(new StepFailure(i + 1, StepText.call(e.step()), ex.getMessage(), ExitCodes.START_FAILED, ex));
            } catch (ProgramNotRunnable ex) {
                throw toldStart(new StepFailure(i + 1, StepText.call(e.step()), ex.getMessage(), ex.exitCode, ex));
            }
        }
    }

    /**
     * The namespace files the init joins after it joined a mount namespace (`jspec exec`:
     * the container's cgroup namespace after its mount one) are opened first, in the host's
     * view: once in the container's mount namespace, /proc is the container's, where the
     * host's pids do not exist and whose files the image may have faked.
     */
    private void openNamespaceFiles(List<Plan.Entry> entries) {
        boolean afterMount = false;
        for (Plan.Entry e : entries) {
            if (e.actor() == Actor.INIT && e.step() instanceof Step.Setns s) {
                if (afterMount && !namespaceFiles.containsKey(s.path())) {
                    try {
                        namespaceFiles.put(s.path(), sys.openNonBlocking(s.path()));
                    } catch (SyscallException ex) {
                        // Said by the step itself, when it comes.
                    }
                }
                afterMount |= s.type().equals("mount");
            }
        }
    }

    /** tmpcopyup: the image's directory under a tmpfs about to be mounted, by target. */
    private final Map<String, Integer> copyUpSources = new java.util.HashMap<>();

    /** Namespace files opened before the init left the host's mount namespace, by path. */
    private final Map<String, Integer> namespaceFiles = new java.util.HashMap<>();

    /**
     * One step. A chain of instanceof tests, not a pattern switch: javac compiles a switch over
     * types to an invokedynamic whose bootstrap generates a class at its first use, 5-15 ms of
     * a cold JVM on the init's critical path that no AOT cache holds (JDK 25).
     */
    @SuppressWarnings("IfChainToSwitch") // see above
    private void execute(Step step) {
        if (step instanceof Step.Unshare s) {
            sys.unshare(Namespaces.flags(s.types()));
        } else if (step instanceof Step.Setns s) {
            if (s.type().equals("mount")) {
                sys.unshare(Namespaces.CLONE_FS);
            }
            Integer opened = namespaceFiles.remove(s.path());
            if (opened != null) {
                try {
                    sys.setnsFd(opened, Namespaces.flag(s.type()));
                } finally {
                    sys.close(opened);
                }
            } else {
                sys.setns(s.path(), Namespaces.flag(s.type()));
            }
        } else if (step instanceof Step.OpenRoot s) {
            root = new ContainerRoot(sys, s.path());
        } else if (step instanceof Step.Mount s) {
            mount(s);
        } else if (step instanceof Step.MountSetattr s) {
            int target = openTarget(s.target());
            try {
                sys.mountSetattr(targetPath(s.target(), target), s.recursive(), MountFlags.bits(s.attrSet()),
                        MountFlags.bits(s.attrClr()));
            } finally {
                closeIfOpen(target);
            }
        } else if (step instanceof Step.CreateMountPoint s) {
            createMountPoint(s);
        } else if (step instanceof Step.Mknod s) {
            mknod(s);
        } else if (step instanceof Step.Symlink s) {
            symlink(s);
        } else if (step instanceof Step.PivotRoot) {
            pivotRoot();
        } else if (step instanceof Step.Chdir s) {
            chdir(s.path());
        } else if (step instanceof Step.MaskPath s) {
            maskPath(s.path());
        } else if (step instanceof Step.ReadonlyPath s) {
            readonlyPath(s.path());
        } else if (step instanceof Step.WriteSysctl s) {
            writeProc("sys/" + s.key().replace('.', '/'), s.value());
        } else if (step instanceof Step.Sethostname s) {
            sys.sethostname(s.name());
        } else if (step instanceof Step.Setdomainname s) {
            sys.setdomainname(s.name());
        } else if (step instanceof Step.LinkUp s) {
            sys.linkUp(s.name());
        } else if (step instanceof Step.OpenConsole) {
            openConsole();
        } else if (step instanceof Step.Setrlimit s) {
            sys.setrlimit(Rlimits.number(s.resource()), s.soft(), s.hard());
        } else if (step instanceof Step.WriteOomScoreAdj s) {
            writeProc(sys.readlinkAt(procfs(), "self") + "/oom_score_adj", Integer.toString(s.value()));
        } else if (step instanceof Step.CapbsetDrop s) {
            for (String cap : s.caps()) {
                sys.prctl(PR_CAPBSET_DROP, Capability.numberOf(cap), 0);
            }
        } else if (step instanceof Step.SetKeepCaps s) {
            sys.prctl(PR_SET_KEEPCAPS, s.keep() ? 1 : 0, 0);
        } else if (step instanceof Step.ClearThreadCapabilities s) {
            clearThreadCapabilities(s);
        } else if (step instanceof Step.CheckThreadCapabilities) {
            checkThreadCapabilities();
        } else if (step instanceof Step.Setgroups s) {
            sys.setgroups(s.gids());
        } else if (step instanceof Step.Setresgid s) {
            sys.setresgid(s.gid());
            stayNonDumpable();
        } else if (step instanceof Step.Setresuid s) {
            sys.setresuid(s.uid());
            stayNonDumpable();
        } else if (step instanceof Step.Umask s) {
            sys.umask(s.mask());
        } else if (step instanceof Step.Capset s) {
            sys.capset(Capability.maskOf(s.effective()), Capability.maskOf(s.permitted()),
                    Capability.maskOf(s.inheritable()));
        } else if (step instanceof Step.AmbientRaise s) {
            for (String cap : s.caps()) {
                sys.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, Capability.numberOf(cap));
            }
        } else if (step instanceof Step.SetExecLabel s) {
            setExecLabel(s);
        } else if (step instanceof Step.SetNoNewPrivs) {
            sys.prctl(PR_SET_NO_NEW_PRIVS, 1, 0);
        } else if (step instanceof Step.Seccomp s) {
            loadSeccomp(s);
        } else if (step instanceof Step.CloseFrom s) {
            sys.closeRangeCloexec(s.first());
        } else if (step instanceof Step.AwaitStart) {
            awaitStart();
        } else if (step instanceof Step.CopyUp s) {
            copyUpSources.put(s.target(), root().open(s.target()));
        } else if (step instanceof Step.Hook s) {
            hook(s);
        } else if (step instanceof Step.Execve s) {
            execve(s);
        } else {
            // The parent's steps (cgroups, spawn, read-only binds, the seccomp listener's hand-over).
            throw wrongActor(step);
        }
    }

    /**
     * A change of euid or egid sets the process's dumpable flag to fs.suid_dumpable, which an
     * administrator may have set to 1: the init stays non-dumpable until its execve.
     */
    private void stayNonDumpable() {
        sys.prctl(PR_SET_DUMPABLE, 0, 0);
    }

    /** See {@link Step.ClearThreadCapabilities}. The init runs as root; this thread goes back to uid and gid 0. */
    private void clearThreadCapabilities(Step.ClearThreadCapabilities s) {
        long[] caps = sys.capget();
        sys.prctl(PR_SET_KEEPCAPS, 1, 0);
        sys.setxidAllThreads(s.uid(), s.gid());
        // Leaving uid 0 emptied this thread's effective set; keep-caps kept the permitted one.
        sys.capset(caps[0], caps[1], caps[2]);
        sys.setresgid(0);
        sys.setresuid(0);
        sys.capset(caps[0], caps[1], caps[2]);
        sys.prctl(PR_SET_KEEPCAPS, 0, 0);
        stayNonDumpable();
    }

    /** Fails closed when a thread other than this one holds a capability. See {@link Step.CheckThreadCapabilities}. */
    private void checkThreadCapabilities() {
        int self = sys.gettid();
        Map<Integer, String> threads = sys.threadStatuses();
        if (!threads.containsKey(self)) {
            throw new ThreadsNotCleared("this thread (" + self + ") is not among the threads listed: " + threads.keySet());
        }
        // Plain loops and no regular expressions: this runs in every start, in a cold JVM.
        List<String> holding = new ArrayList<>();
        for (Map.Entry<Integer, String> t : threads.entrySet()) {
            if (t.getKey() == self) {
                continue;
            }
            for (String set : CAPABILITY_SETS) {
                String value = statusField(t.getValue(), set);
                if (!allZeros(value)) {
                    holding.add("thread " + t.getKey() + " (" + statusField(t.getValue(), "Name") + ") " + set + "=" + value);
                }
            }
        }
        if (!holding.isEmpty()) {
            throw new ThreadsNotCleared("threads of the init still hold capabilities: " + String.join(", ", holding));
        }
    }

    private static final String[] CAPABILITY_SETS = {"CapPrm", "CapEff", "CapAmb"};

    /** The value of a "Name:\tvalue" line of a proc(5) status file, or null. */
    static String statusField(String status, String name) {
        for (int line = 0; line >= 0 && line < status.length(); ) {
            int end = status.indexOf('\n', line);
            if (status.startsWith(name, line) && status.startsWith(":", line + name.length())) {
                return status.substring(line + name.length() + 1, end < 0 ? status.length() : end).strip();
            }
            line = end < 0 ? -1 : end + 1;
        }
        return null;
    }

    private static boolean allZeros(String hex) {
        if (hex == null || hex.isEmpty()) {
            return false;
        }
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static IllegalStateException wrongActor(Step step) {
        return new IllegalStateException(step.getClass().getSimpleName() + " is a parent step");
    }

    private void openConsole() {
        int[] pty = sys.openPty();
        for (int fd = 0; fd <= 2; fd++) {
            sys.dup2(pty[1], fd);
        }
        if (pty[1] > 2) {
            sys.close(pty[1]);
        }
        sys.setsid();
        sys.setControllingTerminal(0);
        sys.sendFd(fds.console(), pty[0]);
        sys.close(pty[0]);
    }

    private ContainerRoot root() {
        if (root == null) {
            throw new IllegalStateException("the plan uses a container path before it opens the container's root");
        }
        return root;
    }

    /**
     * A mount target as a descriptor: before the plan opens the root its paths are the
     * host's (the rootfs bind), after it they are the container's; after pivot_root only "/"
     * is left to name, and it is the container's own.
     */
    private int openTarget(String target) {
        if (root == null || (pivoted && target.equals("/"))) {
            return -1;
        }
        if (pivoted) {
            throw new IllegalStateException("mount target " + target + " after pivot_root: plan mounts before it");
        }
        return root.open(target);
    }

    private static String targetPath(String target, int fd) {
        return fd < 0 ? target : ContainerRoot.fdPath(fd);
    }

    private void closeIfOpen(int fd) {
        if (fd >= 0) {
            sys.close(fd);
        }
    }

    private void mount(Step.Mount s) {
        long flags = MountFlags.bits(s.flags());
        boolean bindSource = s.source() != null && s.flags().contains("MS_BIND") && root != null && !pivoted;
        int source = bindSource ? root.openSource(s.source()) : -1;
        try {
            int target = openTarget(s.target());
            try {
                sys.mount(bindSource ? ContainerRoot.fdPath(source) : s.source(), targetPath(s.target(), target), s.fstype(),
                        flags, s.data());
            } finally {
                closeIfOpen(target);
            }
            Integer under = copyUpSources.remove(s.target());
            if (under != null) {
                // The first descriptor names the directory under the new mount; a new one, the mount.
                int mounted = root().open(s.target());
                try {
                    sys.copyTree(ContainerRoot.fdPath(under), ContainerRoot.fdPath(mounted));
                } finally {
                    sys.close(mounted);
                    sys.close(under);
                }
            }
        } finally {
            closeIfOpen(source);
        }
    }

    private void loadSeccomp(Step.Seccomp s) {
        if (seccomp == null) {
            seccomp = NativeLibseccomp.load();
        }
        int listener = new SeccompLoader(seccomp).load(s);
        if (listener < 0) {
            return;
        }
        // The parent forwards it to the agent in the next step. Without an agent (no
        // listenerPath) it is closed here, and the kernel fails the notifying calls with ENOSYS.
        try {
            if (seccompListener) {
                sys.sendFd(fds.seccomp(), listener);
            }
        } finally {
            sys.close(listener);
        }
    }

    private void createMountPoint(Step.CreateMountPoint s) {
        ContainerRoot r = root();
        int existing = r.openIfExists(s.target());
        if (existing >= 0) {
            sys.close(existing);
            return;
        }
        boolean wantFile = false;
        if (s.bindSource() != null) {
            int source = r.openSource(s.bindSource());
            try {
                wantFile = sys.fstat(source).kind() != Syscalls.FileKind.DIRECTORY;
            } finally {
                sys.close(source);
            }
        }
        if (!wantFile) {
            sys.close(r.mkdirAll(s.target(), 0755));
            return;
        }
        ContainerRoot.Parent p = r.parent(s.target());
        try {
            sys.close(sys.createAt(p.fd(), p.name()));
        } finally {
            sys.close(p.fd());
        }
    }

    private void mknod(Step.Mknod s) {
        int type = switch (s.type()) {
            case "b" -> S_IFBLK;
            case "p" -> S_IFIFO;
            default -> S_IFCHR;
        };
        ContainerRoot r = root();
        ContainerRoot.Parent p = r.parent(s.path());
        try {
            r.unlinkIfPresent(p);
            sys.mknodAt(p.fd(), p.name(), type | (s.mode() & 07777), s.major(), s.minor());
            int node = r.openNoFollow(p);
            try {
                // mknod(2) applies the umask; the config's mode is meant exactly.
                sys.chmod(ContainerRoot.fdPath(node), s.mode() & 07777);
                sys.fchown(node, s.uid(), s.gid());
            } finally {
                sys.close(node);
            }
        } finally {
            sys.close(p.fd());
        }
    }

    private void symlink(Step.Symlink s) {
        ContainerRoot r = root();
        ContainerRoot.Parent p = r.parent(s.linkPath());
        try {
            r.unlinkIfPresent(p);
            sys.symlinkAt(s.target(), p.fd(), p.name());
        } finally {
            sys.close(p.fd());
        }
    }

    /**
     * pivot_root(".", ".") from inside the new root stacks the old root on top of it, and a
     * lazy unmount of "." takes it away: the host's tree never has a name in the container,
     * not even for a moment (there is no put_old directory to follow a symlink through).
     */
    private void pivotRoot() {
        sys.fchdir(root().fd());
        sys.pivotRoot(".", ".");
        sys.umount2(".", MNT_DETACH);
        sys.chdir("/");
        pivoted = true;
    }

    /** chdir inside the container: a magic link (/proc/self/fd/N, /proc/1/cwd) cannot take it elsewhere. */
    private void chdir(String path) {
        int dir;
        if (root == null) {
            // No root of the plan's (exec, after joining the container's mount namespace):
            // "/" is the container's, and the path still resolves in it with no magic link,
            // or a cwd of /proc/self/fd/N would land on a descriptor the init holds, such as
            // the host's /proc (CVE-2024-21626).
            int slash = sys.openPath("/");
            try {
                dir = sys.openInRoot(slash, path, true);
            } finally {
                sys.close(slash);
            }
        } else {
            dir = root.open(path);
        }
        try {
            if (sys.fstat(dir).kind() != Syscalls.FileKind.DIRECTORY) {
                throw new SyscallException("chdir(\"" + path + "\")", Errno.ENOTDIR);
            }
            sys.fchdir(dir);
        } finally {
            sys.close(dir);
        }
    }

    private void maskPath(String path) {
        ContainerRoot r = root();
        int target = r.openIfExists(path);
        if (target < 0) {
            return;
        }
        try {
            if (sys.fstat(target).kind() == Syscalls.FileKind.DIRECTORY) {
                sys.mount("tmpfs", ContainerRoot.fdPath(target), "tmpfs", MountFlags.bits(List.of("MS_RDONLY")), null);
                return;
            }
            int devNull = realDevNull(r);
            try {
                sys.mount(ContainerRoot.fdPath(devNull), ContainerRoot.fdPath(target), null, MountFlags.bits(List.of("MS_BIND")), null);
            } finally {
                sys.close(devNull);
            }
        } finally {
            sys.close(target);
        }
    }

    /**
     * The container's /dev/null, only if it is the null device itself: a /dev the image
     * provides could make it a symlink or another file, and masking would then bind that
     * over the masked path, writable.
     */
    private int realDevNull(ContainerRoot r) {
        int fd;
        try {
            fd = sys.openInRoot(r.fd(), "/dev/null", false);
        } catch (SyscallException e) {
            throw new UnsafeContainer("cannot mask paths: the container's /dev/null is missing or a symlink ("
                    + Errno.name(e.errno()) + " from " + e.call() + ")");
        }
        Syscalls.FileInfo info = sys.fstat(fd);
        if (!info.charDevice() || info.rdevMajor() != 1 || info.rdevMinor() != 3) {
            sys.close(fd);
            throw new UnsafeContainer("cannot mask paths: the container's /dev/null is not the null device (char 1:3)");
        }
        return fd;
    }

    private void readonlyPath(String path) {
        ContainerRoot r = root();
        int target = r.openIfExists(path);
        if (target < 0) {
            return;
        }
        try {
            sys.mount(ContainerRoot.fdPath(target), ContainerRoot.fdPath(target), null, MountFlags.bits(List.of("MS_BIND", "MS_REC")), null);
        } finally {
            sys.close(target);
        }
        // Opened again: the first descriptor names the directory under the new mount, not the mount.
        int mounted = r.open(path);
        try {
            sys.mount(null, ContainerRoot.fdPath(mounted), null,
                    MountFlags.bits(List.of("MS_BIND", "MS_REMOUNT", "MS_RDONLY", "MS_REC")), null);
        } finally {
            sys.close(mounted);
        }
    }

    private int procfs() {
        if (proc < 0) {
            throw new UnsafeContainer("the host's /proc could not be opened when the init started");
        }
        return proc;
    }

    /**
     * Writes a file of the host's procfs, opened before the container's rootfs was touched:
     * no symlink, magic link or mount on the way, and the file checked to be on procfs.
     */
    private void writeProc(String relative, String value) {
        int fd = sys.openBeneathForWrite(procfs(), relative);
        try {
            if (sys.fsType(fd) != PROC_SUPER_MAGIC) {
                throw new UnsafeContainer("/proc/" + relative + " is not on procfs");
            }
            sys.writeAll(fd, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            sys.close(fd);
        }
    }

    /**
     * The label the kernel puts on the program at execve, written to this thread's attr
     * file through the host's procfs handle (the container's /proc is the image's to fake).
     * AppArmor has its own attr directory since Linux 5.1 (where modules stack); before
     * that its file is the shared attr/exec.
     */
    private void setExecLabel(Step.SetExecLabel s) {
        String thread = sys.readlinkAt(procfs(), "thread-self");
        switch (s.lsm()) {
            case HostFacts.APPARMOR -> {
                try {
                    writeProc(thread + "/attr/apparmor/exec", "exec " + s.label());
                } catch (SyscallException e) {
                    if (e.errno() != Errno.ENOENT) {
                        throw e;
                    }
                    // Kernels before 5.1 have only the shared attr file.
                    writeProc(thread + "/attr/exec", "exec " + s.label());
                }
            }
            case HostFacts.SELINUX -> writeProc(thread + "/attr/exec", s.label());
            default -> throw new IllegalStateException("no security module " + s.lsm());
        }
    }

    /**
     * Finds the program first, so that a create fails on a missing one; then says the
     * container is created and blocks on the exec FIFO until `jspec start` opens it.
     */
    private void awaitStart() {
        // A loop, not a stream: only `create` comes here, and the init's AOT cache is trained
        // on a `run`, so each lambda and method reference would be a class made at run time.
        Step.Execve exec = null;
        for (Plan.Entry e : plan.entries()) {
            if (e.step() instanceof Step.Execve s) {
                exec = s;
                break;
            }
        }
        if (exec == null) {
            throw new IllegalStateException("the plan awaits start but has no execve step");
        }
        program = resolve(exec);
        parent.created();
        int fifo = sys.reopenForWrite(procfs(), fds.execFifo());
        startFifo = fifo;
        // Left open (close-on-exec) until the execve, as runc's init does: `jspec start`
        // reads to the end, so it returns, and runs the poststart hooks, once the program
        // runs, after the startContainer hooks.
        try {
            sys.writeAll(fifo, new byte[] {'0'});
        } catch (RuntimeException e) {
            startFifo = -1;
            sys.close(fifo);
            throw e;
        }
        sys.close(fds.execFifo());
    }

    /**
     * createContainer (before pivot_root: the host's paths still reach) or startContainer
     * (after it: the path resolves in the container), spawned from this thread, so with its
     * namespaces and credentials. The state's pid is this init's on the host, as the host's
     * procfs, opened at the start, names it.
     */
    private void hook(Step.Hook s) {
        int pid = Integer.parseInt(sys.readlinkAt(procfs(), "self"));
        HookRunner.run(sys, s.path(), s.args(), s.env(), s.timeout(),
                HookRunner.state(s.containerId(), HookRunner.status(s.kind()), pid, s.bundle(), s.annotations()));
    }

    /**
     * A step after `jspec start` opened the exec FIFO failed (a startContainer hook, the
     * execve): the message goes down the FIFO, so that start, which reads it to the end,
     * fails with it.
     */
    private StepFailure toldStart(StepFailure f) {
        if (startFifo >= 0) {
            try {
                sys.writeAll(startFifo, (InitProtocol.oneLine(f.getMessage()) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (RuntimeException ignored) {
                // start is gone; the container's stderr still gets the message.
            }
        }
        return f;
    }

    private void execve(Step.Execve s) {
        String path = program != null ? program : resolve(s);
        try {
            sys.execve(path, s.argv(), s.env());
        } catch (SyscallException e) {
            int code = e.errno() == Errno.ENOENT ? ExitCodes.NOT_FOUND : ExitCodes.NOT_EXECUTABLE;
            throw new ProgramNotRunnable("execve(\"" + path + "\"): " + Errno.describe(e.errno())
                    + (e.errno() == Errno.ENOENT ? " (its interpreter or a library is missing?)" : ""), code);
        }
    }

    /** The program's path in the container, found through PATH as execvp(3) finds it. */
    private String resolve(Step.Execve s) {
        if (s.argv().isEmpty()) {
            throw new ProgramNotRunnable("no program to run: process.args is empty", ExitCodes.NOT_FOUND);
        }
        String program = s.argv().get(0);
        String path = program.contains("/") ? program : lookPath(program, s.env());
        // Not a switch over the enum: javac makes that a class of its own, loaded at the
        // first use, which `create`'s init could not find in its AOT cache (trained on `run`).
        Syscalls.FileKind kind = sys.kind(path, true);
        if (kind == Syscalls.FileKind.MISSING) {
            throw new ProgramNotRunnable("\"" + program + "\" not found in the container"
                    + (program.contains("/") ? "" : " (PATH=" + pathVar(s.env()) + ")"), ExitCodes.NOT_FOUND);
        }
        if (kind == Syscalls.FileKind.DIRECTORY) {
            throw new ProgramNotRunnable("\"" + path + "\" is a directory", ExitCodes.NOT_EXECUTABLE);
        }
        return path;
    }

    private String lookPath(String program, List<String> env) {
        String firstFound = null;
        for (String dir : pathVar(env).split(":")) {
            String candidate = (dir.isEmpty() ? "." : dir) + "/" + program;
            Syscalls.FileKind kind = sys.kind(candidate, true);
            if (kind == Syscalls.FileKind.MISSING || kind == Syscalls.FileKind.DIRECTORY) {
                continue;
            }
            if (sys.isExecutable(candidate)) {
                return candidate;
            }
            if (firstFound == null) {
                firstFound = candidate;
            }
        }
        if (firstFound != null) {
            throw new ProgramNotRunnable("\"" + firstFound + "\" is not executable", ExitCodes.NOT_EXECUTABLE);
        }
        throw new ProgramNotRunnable("\"" + program + "\" not found in the container (PATH=" + pathVar(env) + ")",
                ExitCodes.NOT_FOUND);
    }

    private static String pathVar(List<String> env) {
        for (String kv : env) {
            if (kv.startsWith("PATH=")) {
                return kv.substring(5);
            }
        }
        return DEFAULT_PATH;
    }

    /** Whether the call that failed was the open of a bind source on the host (see ContainerRoot#openSource), which is not there. */
    private boolean hostSourceMissing(String source, SyscallException ex) {
        return ex.errno() == Errno.ENOENT && source != null && ex.call().contains(source)
                && (root == null || !source.startsWith(root.hostPath() + "/"));
    }

    /** Why a step's errno happened, where the kernel's word alone does not say. */
    private String hint(Step step, SyscallException ex) {
        int errno = ex.errno();
        return switch (step) {
            case Step.PivotRoot s when errno == Errno.EINVAL -> " (the root is not a mount point, or a mount it sits on is shared)";
            case Step.Mount s when s.flags().contains("MS_BIND") && hostSourceMissing(s.source(), ex) ->
                    " (the source " + s.source() + " does not exist on the host)";
            case Step.CreateMountPoint s when hostSourceMissing(s.bindSource(), ex) ->
                    " (the source " + s.bindSource() + " does not exist on the host)";
            case Step.Mount s when errno == Errno.ELOOP ->
                    " (a path in the container goes through a /proc magic link)";
            case Step.Mount s when errno == Errno.ENODEV -> " (the kernel does not know filesystem type " + s.fstype() + ")";
            case Step.Sethostname s when errno == Errno.EINVAL -> " (a hostname is at most 64 bytes)";
            case Step.WriteSysctl s when errno == Errno.ENOENT -> " (no such sysctl in this kernel)";
            case Step.SetExecLabel s when errno == Errno.ENOENT || errno == Errno.EINVAL ->
                    " (the host's " + s.lsm() + " policy has no such label)";
            default -> "";
        };
    }

    /** The container is not what jspec can set up safely: a fake /dev/null, /proc that is not procfs. */
    static final class UnsafeContainer extends RuntimeException {
        UnsafeContainer(String message) {
            super(message);
        }
    }

    /** A thread other than the init's own holds capabilities it should not (125). */
    static final class ThreadsNotCleared extends RuntimeException {
        ThreadsNotCleared(String message) {
            super(message);
        }
    }

    /** The user's program cannot start: not found (127) or not executable (126). */
    static final class ProgramNotRunnable extends RuntimeException {
        final int exitCode;

        ProgramNotRunnable(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }
}
