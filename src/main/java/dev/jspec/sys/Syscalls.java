package dev.jspec.sys;

import java.util.List;
import java.util.Map;

/**
 * Every kernel call jspec makes, in one interface: {@link LinuxSyscalls} in production, a
 * recording fake in unit tests. Failures throw {@link SyscallException} with the errno;
 * {@code call} strings in those exceptions are the plain C call, the executor adds the step.
 */
public interface Syscalls {

    /** What a path is, by statx(2) without following a final symlink where noted. */
    enum FileKind { MISSING, DIRECTORY, REGULAR, SYMLINK, OTHER }

    // --- files ---
    FileKind kind(String path, boolean followLinks);

    boolean isExecutable(String path);

    void mkdir(String path, int mode);

    /** mkdir -p; existing directories are fine. */
    void mkdirs(String path, int mode);

    void rmdir(String path);

    /** Create an empty regular file if nothing is there (for bind mounts of single files). */
    void touch(String path);

    void mknod(String path, int modeAndType, long major, long minor);

    void chown(String path, long uid, long gid);

    void chmod(String path, int mode);

    void symlink(String target, String linkPath);

    void unlink(String path);

    /** open, write the whole value, close: for cgroup, sysctl and procfs files. */
    void writeFile(String path, String value);

    String readFile(String path);

    /**
     * open(O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC): a FIFO or a terminal opens at once
     * instead of waiting for its other end; the caller checks {@link #fstat(int)} before reading.
     */
    int openNonBlocking(String path);

    /**
     * openat(procFd, "self/fd/N", O_WRONLY | O_CLOEXEC): a new open of the file behind this
     * process's descriptor {@code fd} (an O_PATH one), through a procfs opened earlier. For a
     * FIFO this blocks until a reader opens it.
     */
    int reopenForWrite(int procFd, int fd);

    /** poll(2) of one descriptor for input; the revents bits (POLLIN 1, POLLHUP 0x10, ...), 0 on timeout. */
    int pollIn(int fd, int timeoutMillis);

    /**
     * Copies the tree under directory {@code from} into directory {@code to}: directories,
     * regular files and symlinks (as links, never followed), with their modes, owners and
     * times; other kinds of file are skipped.
     */
    void copyTree(String from, String to);

    /** mknod(path, S_IFIFO | mode): a named pipe; the umask applies. */
    void mkfifo(String path, int mode);


    void chdir(String path);

    // --- descriptors, and paths resolved relative to them ---

    /** What fstat says of an open descriptor. {@code rdevMajor}/{@code rdevMinor} are meaningful for a character device. */
    record FileInfo(FileKind kind, boolean charDevice, long rdevMajor, long rdevMinor) {}

    /** open(path, O_PATH|O_CLOEXEC) of a host path, following the host's symlinks. */
    int openPath(String path);

    /**
     * openat2(rootFd, path, O_PATH|O_CLOEXEC, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS): a path of
     * the container, resolved as if {@code rootFd} were "/", so that no symlink, "..", or
     * /proc magic link leads outside it. Without {@code followLinks} any symlink on the way
     * fails with ELOOP.
     */
    int openInRoot(int rootFd, String path, boolean followLinks);

    /** openat2(dirFd, path, O_WRONLY|O_TRUNC, RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_XDEV). */
    int openBeneathForWrite(int dirFd, String path);

    /** statx(fd, "", AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW). */
    FileInfo fstat(int fd);

    /** fstatfs(fd).f_type, the filesystem's magic number. */
    long fsType(int fd);

    void mkdirAt(int dirFd, String name, int mode);

    void mknodAt(int dirFd, String name, int modeAndType, long major, long minor);

    void symlinkAt(String target, int dirFd, String name);

    void unlinkAt(int dirFd, String name);

    /** openat(dirFd, name, O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW, 0644): a new empty file, never through a symlink. */
    int createAt(int dirFd, String name);

    /** fchownat(fd, "", uid, gid, AT_EMPTY_PATH): works on O_PATH descriptors. */
    void fchown(int fd, long uid, long gid);

    void fchdir(int fd);

    String readlinkAt(int dirFd, String name);

    /**
     * bpf(BPF_PROG_LOAD) of a BPF_PROG_TYPE_CGROUP_DEVICE program ({@code insns}, one
     * {@code struct bpf_insn} each), then bpf(BPF_PROG_ATTACH) to the cgroup2 directory with
     * BPF_F_ALLOW_MULTI. Device programs already attached to the directory (a reused cgroup's
     * previous container's) are detached once the new one is on. The attachment lives as long
     * as the cgroup; no descriptor is kept.
     */
    void attachDeviceFilter(String cgroupDir, long[] insns);

    // --- mounts ---
    void mount(String source, String target, String fstype, long flags, String data);

    void umount2(String target, int flags);

    void mountSetattr(String target, boolean recursive, long attrSet, long attrClr);

    void pivotRoot(String newRoot, String putOld);

    // --- namespaces ---
    void unshare(int flags);

    void setns(String path, int nstype);

    /** setns(2) through a namespace file opened earlier (O_RDONLY). */
    void setnsFd(int fd, int nstype);

    // --- identity and limits ---
    void sethostname(String name);

    void setdomainname(String name);

    void setrlimit(int resource, long soft, long hard);

    void prctl(int option, long arg2, long arg3);

    /** setgroups(2) of the calling thread only (the raw system call, not glibc's, which acts on every thread). */
    void setgroups(List<Long> gids);

    /** setresgid(2) of the calling thread only. */
    void setresgid(long gid);

    /** setresuid(2) of the calling thread only. */
    void setresuid(long uid);

    // --- threads ---

    /**
     * glibc's setgroups([]), setresgid(gid) and setresuid(uid), which apply each call to every
     * thread of the process (its setxid broadcast) and abort the process if the threads
     * disagree: only while every thread may make the change.
     */
    void setxidAllThreads(long uid, long gid);

    /** capget(2) of the calling thread: {effective, permitted, inheritable}. */
    long[] capget();

    /** gettid(2). */
    int gettid();

    /**
     * The status file (proc(5)) of every thread of this process by thread id, read from a
     * procfs of the caller's PID namespace made for the purpose (fsopen, fsmount), attached
     * nowhere and closed before this returns: not whatever is mounted at /proc. Needs
     * CAP_SYS_ADMIN.
     */
    Map<Integer, String> threadStatuses();

    void umask(int mask);

    void capset(long effective, long permitted, long inheritable);

    void closeRangeCloexec(int first);

    void setsid();

    void setControllingTerminal(int fd);

    void linkUp(String name);

    /** Only returns by throwing. */
    void execve(String path, List<String> argv, List<String> env);

    // --- processes and descriptors (the parent's plumbing) ---

    /**
     * posix_spawn(path, argv, env) with {@code dup2s} as file actions, pairs of (from, to),
     * then closefrom above the highest target: the child gets exactly those descriptors.
     */
    int spawn(String path, List<String> argv, List<String> env, int[] dup2s);

    /** pipe2(O_CLOEXEC), moved to descriptors at or above 10 so they never collide with 0..9 in dup2s. */
    int[] pipe();

    int read(int fd, byte[] buf);

    void writeAll(int fd, byte[] data);

    void close(int fd);

    void dup2(int from, int to);

    /** socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC), moved to descriptors at or above 10. */
    int[] socketpair();

    /** sendmsg with one descriptor as SCM_RIGHTS. */
    void sendFd(int socket, int fd);

    /** sendmsg of {@code data} with one descriptor as SCM_RIGHTS (on the first part, if the data takes several). */
    void sendFd(int socket, int fd, byte[] data);

    /** socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC) connected to {@code path}. */
    int connectUnix(String path);

    /** recvmsg of one SCM_RIGHTS descriptor; -1 when the peer closed without sending one. */
    int receiveFd(int socket);

    /** waitpid(pid, &status, 0), retried on EINTR; returns the raw wait status. */
    int waitpid(int pid);

    void kill(int pid, int signal);

    /** pidfd_open(2): a descriptor bound to this one process; a later process given the same pid is not reached through it. */
    int pidfdOpen(int pid);

    /** pidfd_send_signal(2); ESRCH once that process has exited. */
    void pidfdSendSignal(int pidfd, int signal);

    // --- terminals ---

    /** A new pseudo-terminal pair from /dev/ptmx: {master, slave}, both close-on-exec. */
    int[] openPty();

    /** {rows, columns} of the terminal on fd, or null when fd is not a terminal. */
    int[] windowSize(int fd);

    void setWindowSize(int fd, int rows, int columns);

    /** Puts the terminal on fd in raw mode; returns its previous settings, or null when fd is not a terminal. */
    byte[] makeRaw(int fd);

    void restoreTerminal(int fd, byte[] saved);
}
