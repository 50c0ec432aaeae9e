package dev.jspec.sys;

import com.sun.jna.Function;
import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * glibc through JNA: every method calls the libc.so.6 function of its name, looked up the
 * first time it is called and kept. Failing calls raise {@link LastErrorException} carrying
 * errno. Only {@link LinuxSyscalls} and its helpers use it. 64-bit Linux only: {@code size_t}
 * and {@code long} are Java longs.
 *
 * <p>Not JNA's direct mapping ({@code Native.register}): that binds every method of the
 * class at its first use, and building their libffi descriptions (Structure.FFIType, its
 * reflection over field orders, annotation proxies) cost 30-40 ms in every JVM that makes
 * one call. A {@link Function} call converts its arguments by their runtime types instead:
 * each Java argument below is boxed from a parameter whose type says the native one (int,
 * long, a pointer for arrays, {@link Pointer} and null). A String goes as the bytes of a C
 * string in a byte[] ({@link #c}): JNA would copy it into a new Memory each call, whose
 * allocation and cleaner registration cost a cold JVM tens of microseconds, in an init
 * that makes hundreds of calls.
 *
 * <p>The init calls these after pivot_root, when no class can be loaded any more: what a
 * call needs is loaded before it (InitMain's PRELOAD, which names this class and the JNA
 * classes a call uses); looking a function up then is only a dlsym in the mapped libc.
 */
final class LibC {

    private static final NativeLibrary LIBC;

    /** The functions looked up so far, by name; each name is called with one set of flags. */
    private static final ConcurrentHashMap<String, Function> FUNCTIONS = new ConcurrentHashMap<>();

    static {
        // Without this property JNA runs `ldconfig -p` (through a child process) when it
        // first loads, to learn library directories; libc needs none of them, being
        // opened by its soname. That child cost tens of milliseconds in every start.
        if (System.getProperty("jna.platform.library.path") == null) {
            System.setProperty("jna.platform.library.path", "/lib:/usr/lib");
        }
        // By its soname: a bare "c" makes JNA run ldconfig -p to find the file, at every start.
        LIBC = NativeLibrary.getInstance("libc.so.6");
    }

    private LibC() {}

    /** The function, which raises LastErrorException when errno is set after the call ({@code checked}) or never. */
    private static Function function(String name, boolean checked) {
        Function f = FUNCTIONS.get(name);
        if (f == null) {
            f = LIBC.getFunction(name, checked ? Function.THROW_LAST_ERROR : Function.C_CONVENTION);
            FUNCTIONS.putIfAbsent(name, f);
        }
        return f;
    }

    /** {@code s} as a NUL-terminated C string in UTF-8, the encoding the rest of jspec reads and writes; null stays null. */
    private static byte[] c(String s) {
        if (s == null) {
            return null;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    /** An int function that sets errno when it fails. */
    private static int call(String name, Object... args) throws LastErrorException {
        return function(name, true).invokeInt(args);
    }

    /** A long function (ssize_t, syscall(2)) that sets errno when it fails. */
    private static long callLong(String name, Object... args) throws LastErrorException {
        return function(name, true).invokeLong(args);
    }

    /** An int function whose result says it all: it cannot fail, or returns its error number. */
    private static int plain(String name, Object... args) {
        return function(name, false).invokeInt(args);
    }

    private static void plainVoid(String name, Object... args) {
        function(name, false).invokeVoid(args);
    }

    static int mount(String source, String target, String fstype, long flags, String data) throws LastErrorException {
        return call("mount", c(source), c(target), c(fstype), flags, c(data));
    }

    static int umount2(String target, int flags) throws LastErrorException {
        return call("umount2", c(target), flags);
    }

    // syscall(2) for the calls glibc lacks; one overload per argument shape, so that each
    // argument keeps the native type of its Java type (an int stays 32 bits, a long 64).
    static long syscall(long number, String a, String b) throws LastErrorException {
        return callLong("syscall", number, c(a), c(b));
    }

    static long syscall(long number, int dirfd, String path, int flags, byte[] attr, long size) throws LastErrorException {
        return callLong("syscall", number, dirfd, c(path), flags, attr, size);
    }

    static long syscall(long number, int cmd, Pointer attr, int size) throws LastErrorException {
        return callLong("syscall", number, cmd, attr, size);
    }

    /** openat2(dirfd, path, struct open_how *, size). */
    static long syscall(long number, int dirfd, String path, byte[] how, long size) throws LastErrorException {
        return callLong("syscall", number, dirfd, c(path), how, size);
    }

    static int openat(int dirfd, String path, int flags, int mode) throws LastErrorException {
        return call("openat", dirfd, c(path), flags, mode);
    }

    static int mkdirat(int dirfd, String name, int mode) throws LastErrorException {
        return call("mkdirat", dirfd, c(name), mode);
    }

    static int mknodat(int dirfd, String name, int mode, long dev) throws LastErrorException {
        return call("mknodat", dirfd, c(name), mode, dev);
    }

    static int symlinkat(String target, int dirfd, String name) throws LastErrorException {
        return call("symlinkat", c(target), dirfd, c(name));
    }

    static int unlinkat(int dirfd, String name, int flags) throws LastErrorException {
        return call("unlinkat", dirfd, c(name), flags);
    }

    static int fchownat(int dirfd, String path, int uid, int gid, int flags) throws LastErrorException {
        return call("fchownat", dirfd, c(path), uid, gid, flags);
    }

    static int fchdir(int fd) throws LastErrorException {
        return call("fchdir", fd);
    }

    static long readlinkat(int dirfd, String path, byte[] buf, long size) throws LastErrorException {
        return callLong("readlinkat", dirfd, c(path), buf, size);
    }

    static int fstatfs(int fd, byte[] buf) throws LastErrorException {
        return call("fstatfs", fd, buf);
    }

    static long syscall(long number, int a, int b) throws LastErrorException {
        return callLong("syscall", number, a, b);
    }

    static long syscall(long number, int a, int b, Pointer c, int d) throws LastErrorException {
        return callLong("syscall", number, a, b, c, d);
    }

    static long syscall(long number, long a, long b, long c) throws LastErrorException {
        return callLong("syscall", number, a, b, c);
    }

    static long syscall(long number, long size, int[] list) throws LastErrorException {
        return callLong("syscall", number, size, list);
    }

    static long syscall(long number, String name, long flags) throws LastErrorException {
        return callLong("syscall", number, c(name), flags);
    }

    static long syscall(long number, long a, long b, Pointer c, Pointer d, long e) throws LastErrorException {
        return callLong("syscall", number, a, b, c, d, e);
    }

    static int capget(int[] header, int[] data) throws LastErrorException {
        return call("capget", header, data);
    }

    static int gettid() {
        return plain("gettid");
    }

    static long getdents64(int fd, byte[] buf, long count) throws LastErrorException {
        return callLong("getdents64", fd, buf, count);
    }

    static int unshare(int flags) throws LastErrorException {
        return call("unshare", flags);
    }

    static int setns(int fd, int nstype) throws LastErrorException {
        return call("setns", fd, nstype);
    }

    static int open(String path, int flags, int mode) throws LastErrorException {
        return call("open", c(path), flags, mode);
    }

    static int close(int fd) throws LastErrorException {
        return call("close", fd);
    }

    /** poll(struct pollfd *, nfds, timeout); a pollfd is {int fd; short events; short revents}. */
    static int poll(byte[] fds, long nfds, int timeout) throws LastErrorException {
        return call("poll", fds, nfds, timeout);
    }

    static int mkfifo(String path, int mode) throws LastErrorException {
        return call("mkfifo", c(path), mode);
    }

    static long read(int fd, byte[] buf, long count) throws LastErrorException {
        return callLong("read", fd, buf, count);
    }

    static long write(int fd, byte[] buf, long count) throws LastErrorException {
        return callLong("write", fd, buf, count);
    }

    static int pipe2(int[] fds, int flags) throws LastErrorException {
        return call("pipe2", fds, flags);
    }

    static int fcntl(int fd, int cmd, int arg) throws LastErrorException {
        return call("fcntl", fd, cmd, arg);
    }

    static int ioctl(int fd, long request, Pointer arg) throws LastErrorException {
        return call("ioctl", fd, request, arg);
    }

    static int ioctl(int fd, long request, long arg) throws LastErrorException {
        return call("ioctl", fd, request, arg);
    }

    static int chdir(String path) throws LastErrorException {
        return call("chdir", c(path));
    }

    static int mkdir(String path, int mode) throws LastErrorException {
        return call("mkdir", c(path), mode);
    }

    static int rmdir(String path) throws LastErrorException {
        return call("rmdir", c(path));
    }

    static int mknod(String path, int mode, long dev) throws LastErrorException {
        return call("mknod", c(path), mode, dev);
    }

    static int chown(String path, int uid, int gid) throws LastErrorException {
        return call("chown", c(path), uid, gid);
    }

    static int lchown(String path, int uid, int gid) throws LastErrorException {
        return call("lchown", c(path), uid, gid);
    }

    static int symlink(String target, String linkPath) throws LastErrorException {
        return call("symlink", c(target), c(linkPath));
    }

    static int unlink(String path) throws LastErrorException {
        return call("unlink", c(path));
    }

    static int statx(int dirfd, String path, int flags, int mask, byte[] buf) throws LastErrorException {
        return call("statx", dirfd, c(path), flags, mask, buf);
    }

    static int access(String path, int mode) throws LastErrorException {
        return call("access", c(path), mode);
    }

    static int sethostname(String name, long len) throws LastErrorException {
        return call("sethostname", c(name), len);
    }

    static int setdomainname(String name, long len) throws LastErrorException {
        return call("setdomainname", c(name), len);
    }

    static int prlimit(int pid, int resource, long[] newLimit, long[] oldLimit) throws LastErrorException {
        return call("prlimit", pid, resource, newLimit, oldLimit);
    }

    static int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException {
        return call("prctl", option, arg2, arg3, arg4, arg5);
    }

    static int setgroups(long size, int[] gids) throws LastErrorException {
        return call("setgroups", size, gids);
    }

    static int setresgid(int r, int e, int s) throws LastErrorException {
        return call("setresgid", r, e, s);
    }

    static int setresuid(int r, int e, int s) throws LastErrorException {
        return call("setresuid", r, e, s);
    }

    static int umask(int mask) {
        return plain("umask", mask);
    }

    static int capset(int[] header, int[] data) throws LastErrorException {
        return call("capset", header, data);
    }

    static int close_range(int first, int last, int flags) throws LastErrorException {
        return call("close_range", first, last, flags);
    }

    static int setsid() throws LastErrorException {
        return call("setsid");
    }

    static int socket(int domain, int type, int protocol) throws LastErrorException {
        return call("socket", domain, type, protocol);
    }

    static int execve(String path, Pointer argv, Pointer envp) throws LastErrorException {
        return call("execve", c(path), argv, envp);
    }

    static int kill(int pid, int sig) throws LastErrorException {
        return call("kill", pid, sig);
    }

    static int waitpid(int pid, int[] status, int options) throws LastErrorException {
        return call("waitpid", pid, status, options);
    }

    static int getpid() {
        return plain("getpid");
    }

    static void _exit(int status) {
        plainVoid("_exit", status);
    }

    // posix_spawn returns its error number instead of setting errno.
    static int posix_spawn(int[] pid, String path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp) {
        return plain("posix_spawn", pid, c(path), fileActions, attr, argv, envp);
    }

    static int posix_spawn_file_actions_init(Pointer fileActions) {
        return plain("posix_spawn_file_actions_init", fileActions);
    }

    static int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newfd) {
        return plain("posix_spawn_file_actions_adddup2", fileActions, fd, newfd);
    }

    static int posix_spawn_file_actions_destroy(Pointer fileActions) {
        return plain("posix_spawn_file_actions_destroy", fileActions);
    }

    /** glibc 2.34 and later: close every descriptor from {@code from} on in the child. */
    static int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from) {
        return plain("posix_spawn_file_actions_addclosefrom_np", fileActions, from);
    }

    static int posix_openpt(int flags) throws LastErrorException {
        return call("posix_openpt", flags);
    }

    static int grantpt(int fd) throws LastErrorException {
        return call("grantpt", fd);
    }

    static int unlockpt(int fd) throws LastErrorException {
        return call("unlockpt", fd);
    }

    static int ptsname_r(int fd, byte[] buf, long len) {
        return plain("ptsname_r", fd, buf, len);
    }

    static int tcgetattr(int fd, byte[] termios) throws LastErrorException {
        return call("tcgetattr", fd, termios);
    }

    static int tcsetattr(int fd, int action, byte[] termios) throws LastErrorException {
        return call("tcsetattr", fd, action, termios);
    }

    static void cfmakeraw(byte[] termios) {
        plainVoid("cfmakeraw", termios);
    }

    static int isatty(int fd) {
        return plain("isatty", fd);
    }

    static int chmod(String path, int mode) throws LastErrorException {
        return call("chmod", c(path), mode);
    }

    static int dup2(int from, int to) throws LastErrorException {
        return call("dup2", from, to);
    }

    static int socketpair(int domain, int type, int protocol, int[] sv) throws LastErrorException {
        return call("socketpair", domain, type, protocol, sv);
    }

    static long sendmsg(int fd, Pointer msg, int flags) throws LastErrorException {
        return callLong("sendmsg", fd, msg, flags);
    }

    static int connect(int fd, byte[] addr, int len) throws LastErrorException {
        return call("connect", fd, addr, len);
    }

    static long recvmsg(int fd, Pointer msg, int flags) throws LastErrorException {
        return callLong("recvmsg", fd, msg, flags);
    }
}
