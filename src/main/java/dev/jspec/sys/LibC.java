package dev.jspec.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * glibc through JNA direct mapping: every method is a native symbol of libc.so.6. Failing
 * calls raise {@link LastErrorException} carrying errno. Only {@link LinuxSyscalls} uses it.
 * 64-bit Linux only: {@code size_t} and {@code long} are Java longs.
 */
final class LibC {

    static {
        // Without this property JNA runs `ldconfig -p` (through a child process) when it
        // first loads, to learn library directories; libc needs none of them, being
        // opened by its soname. That child cost tens of milliseconds in every start.
        if (System.getProperty("jna.platform.library.path") == null) {
            System.setProperty("jna.platform.library.path", "/lib:/usr/lib");
        }
        // By its soname: a bare "c" makes JNA run ldconfig -p to find the file, at every start.
        Native.register(LibC.class, NativeLibrary.getInstance("libc.so.6"));
    }

    private LibC() {}

    static native int mount(String source, String target, String fstype, long flags, String data) throws LastErrorException;

    static native int umount2(String target, int flags) throws LastErrorException;

    // syscall(2) for the calls glibc lacks; one overload per argument shape, as direct mapping needs.
    static native long syscall(long number, String a, String b) throws LastErrorException;

    static native long syscall(long number, int dirfd, String path, int flags, byte[] attr, long size) throws LastErrorException;

    static native long syscall(long number, int cmd, Pointer attr, int size) throws LastErrorException;

    /** openat2(dirfd, path, struct open_how *, size). */
    static native long syscall(long number, int dirfd, String path, byte[] how, long size) throws LastErrorException;

    static native int openat(int dirfd, String path, int flags, int mode) throws LastErrorException;

    static native int mkdirat(int dirfd, String name, int mode) throws LastErrorException;

    static native int mknodat(int dirfd, String name, int mode, long dev) throws LastErrorException;

    static native int symlinkat(String target, int dirfd, String name) throws LastErrorException;

    static native int unlinkat(int dirfd, String name, int flags) throws LastErrorException;

    static native int fchownat(int dirfd, String path, int uid, int gid, int flags) throws LastErrorException;

    static native int fchdir(int fd) throws LastErrorException;

    static native long readlinkat(int dirfd, String path, byte[] buf, long size) throws LastErrorException;

    static native int fstatfs(int fd, byte[] buf) throws LastErrorException;

    static native long syscall(long number, int a, int b) throws LastErrorException;

    static native long syscall(long number, int a, int b, Pointer c, int d) throws LastErrorException;

    static native long syscall(long number, long a, long b, long c) throws LastErrorException;

    static native long syscall(long number, long size, int[] list) throws LastErrorException;

    static native long syscall(long number, String name, long flags) throws LastErrorException;

    static native long syscall(long number, long a, long b, Pointer c, Pointer d, long e) throws LastErrorException;

    static native int capget(int[] header, int[] data) throws LastErrorException;

    static native int gettid();

    static native long getdents64(int fd, byte[] buf, long count) throws LastErrorException;

    static native int unshare(int flags) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    static native int open(String path, int flags, int mode) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** poll(struct pollfd *, nfds, timeout); a pollfd is {int fd; short events; short revents}. */
    static native int poll(byte[] fds, long nfds, int timeout) throws LastErrorException;

    static native int mkfifo(String path, int mode) throws LastErrorException;

    static native long read(int fd, byte[] buf, long count) throws LastErrorException;

    static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    static native int pipe2(int[] fds, int flags) throws LastErrorException;

    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    static native int chdir(String path) throws LastErrorException;

    static native int mkdir(String path, int mode) throws LastErrorException;

    static native int rmdir(String path) throws LastErrorException;

    static native int mknod(String path, int mode, long dev) throws LastErrorException;

    static native int chown(String path, int uid, int gid) throws LastErrorException;

    static native int lchown(String path, int uid, int gid) throws LastErrorException;

    static native int symlink(String target, String linkPath) throws LastErrorException;

    static native int unlink(String path) throws LastErrorException;

    static native int statx(int dirfd, String path, int flags, int mask, byte[] buf) throws LastErrorException;

    static native int access(String path, int mode) throws LastErrorException;

    static native int sethostname(String name, long len) throws LastErrorException;

    static native int setdomainname(String name, long len) throws LastErrorException;

    static native int prlimit(int pid, int resource, long[] newLimit, long[] oldLimit) throws LastErrorException;

    static native int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    static native int setgroups(long size, int[] gids) throws LastErrorException;

    static native int setresgid(int r, int e, int s) throws LastErrorException;

    static native int setresuid(int r, int e, int s) throws LastErrorException;

    static native int umask(int mask);

    static native int capset(int[] header, int[] data) throws LastErrorException;

    static native int close_range(int first, int last, int flags) throws LastErrorException;

    static native int setsid() throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int execve(String path, Pointer argv, Pointer envp) throws LastErrorException;

    static native int kill(int pid, int sig) throws LastErrorException;

    static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    static native int getpid();

    static native void _exit(int status);

    // posix_spawn returns its error number instead of setting errno.
    static native int posix_spawn(int[] pid, String path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

    static native int posix_spawn_file_actions_init(Pointer fileActions);

    static native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newfd);

    static native int posix_spawn_file_actions_destroy(Pointer fileActions);

    /** glibc 2.34 and later: close every descriptor from {@code from} on in the child. */
    static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    static native int posix_openpt(int flags) throws LastErrorException;

    static native int grantpt(int fd) throws LastErrorException;

    static native int unlockpt(int fd) throws LastErrorException;

    static native int ptsname_r(int fd, byte[] buf, long len);

    static native int tcgetattr(int fd, byte[] termios) throws LastErrorException;

    static native int tcsetattr(int fd, int action, byte[] termios) throws LastErrorException;

    static native void cfmakeraw(byte[] termios);

    static native int isatty(int fd);

    static native int chmod(String path, int mode) throws LastErrorException;

    static native int flock(int fd, int operation) throws LastErrorException;

    static native int dup2(int from, int to) throws LastErrorException;

    static native int socketpair(int domain, int type, int protocol, int[] sv) throws LastErrorException;

    static native long sendmsg(int fd, Pointer msg, int flags) throws LastErrorException;

    static native int connect(int fd, byte[] addr, int len) throws LastErrorException;

    static native long recvmsg(int fd, Pointer msg, int flags) throws LastErrorException;
}
