package dev.jspec.sys;

import static dev.jspec.sys.CallText.dev;
import static dev.jspec.sys.CallText.fd;
import static dev.jspec.sys.CallText.hex;
import static dev.jspec.sys.CallText.mode;
import static dev.jspec.sys.CallText.path;
import static dev.jspec.sys.CallText.q;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@link Syscalls} on the running kernel, through glibc: one thin wrapper per call. A
 * failure becomes a {@link SyscallException} naming the call with its arguments, built in
 * the catch block, so that a call that succeeds pays for no text (and no lambda call site,
 * which costs in the init's cold JVM). The structs and the longer sequences live in their
 * own classes: {@link Structs}, {@link ScmRights}, {@link Termios}, {@link Bpf},
 * {@link ThreadStatuses}, {@link PosixSpawn}.
 */
public final class LinuxSyscalls implements Syscalls {

    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0x40;
    private static final int O_EXCL = 0x80;
    private static final int O_NOCTTY = 0x100;
    private static final int O_TRUNC = 0x200;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_PATH = 0x200000;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_TYPE = 0x1;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int X_OK = 1;
    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    private static final long TIOCSCTTY = 0x540E;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final short IFF_UP = 0x1;
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int CAPABILITY_VERSION_3 = 0x20080522;
    private static final long RESOLVE_NO_XDEV = 0x01;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_NO_SYMLINKS = 0x04;
    private static final long RESOLVE_BENEATH = 0x08;
    private static final long RESOLVE_IN_ROOT = 0x10;
    /** sizeof(struct sockaddr_un): sa_family_t, then a 108-byte path. */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int ENAMETOOLONG = 36;

    // ---- files ----

    @Override
    public FileKind kind(String path, boolean followLinks) {
        byte[] buf = new byte[Structs.STATX_SIZE];
        try {
            LibC.statx(AT_FDCWD, path, followLinks ? 0 : AT_SYMLINK_NOFOLLOW, STATX_TYPE, buf);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOENT || e.getErrorCode() == Errno.ENOTDIR) {
                return FileKind.MISSING;
            }
            throw fail("statx(AT_FDCWD, " + q(path) + ", " + (followLinks ? "0" : "AT_SYMLINK_NOFOLLOW") + ", STATX_TYPE)", e);
        }
        return Structs.statxKind(buf);
    }

    @Override
    public boolean isExecutable(String path) {
        try {
            LibC.access(path, X_OK);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    @Override
    public void mkdir(String path, int mode) {
        try {
            LibC.mkdir(path, mode);
        } catch (LastErrorException e) {
            throw fail("mkdir(" + q(path) + ", " + mode(mode) + ")", e);
        }
    }

    @Override
    public void mkdirs(String path, int mode) {
        if (kind(path, true) == FileKind.DIRECTORY) {
            return;
        }
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            mkdirs(path.substring(0, slash), mode);
        }
        try {
            LibC.mkdir(path, mode);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != Errno.EEXIST || kind(path, true) != FileKind.DIRECTORY) {
                throw fail("mkdir(" + q(path) + ", " + mode(mode) + ")", e);
            }
        }
    }

    @Override
    public void rmdir(String path) {
        try {
            LibC.rmdir(path);
        } catch (LastErrorException e) {
            throw fail("rmdir(" + q(path) + ")", e);
        }
    }

    @Override
    public void touch(String path) {
        try {
            LibC.close(LibC.open(path, O_WRONLY | O_CREAT | O_CLOEXEC | SyscallNumbers.O_NOFOLLOW, 0644));
        } catch (LastErrorException e) {
            throw fail("open(" + q(path) + ", O_WRONLY|O_CREAT|O_NOFOLLOW, 0644)", e);
        }
    }

    @Override
    public void mknod(String path, int modeAndType, long major, long minor) {
        try {
            LibC.mknod(path, modeAndType, makedev(major, minor));
        } catch (LastErrorException e) {
            throw fail("mknod(" + q(path) + ", " + mode(modeAndType) + ", " + dev(major, minor) + ")", e);
        }
    }

    /** glibc's makedev encoding of a 64-bit dev_t. */
    static long makedev(long major, long minor) {
        return ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
    }

    @Override
    public void chown(String path, long uid, long gid) {
        try {
            LibC.lchown(path, (int) uid, (int) gid);
        } catch (LastErrorException e) {
            throw fail("lchown(" + q(path) + ", " + uid + ", " + gid + ")", e);
        }
    }

    @Override
    public void chmod(String path, int mode) {
        try {
            LibC.chmod(path, mode);
        } catch (LastErrorException e) {
            throw fail("chmod(" + path(path) + ", " + mode(mode) + ")", e);
        }
    }

    @Override
    public void symlink(String target, String linkPath) {
        try {
            LibC.symlink(target, linkPath);
        } catch (LastErrorException e) {
            throw fail("symlink(" + q(target) + ", " + q(linkPath) + ")", e);
        }
    }

    @Override
    public void unlink(String path) {
        try {
            LibC.unlink(path);
        } catch (LastErrorException e) {
            throw fail("unlink(" + q(path) + ")", e);
        }
    }

    @Override
    public void writeFile(String path, String value) {
        int fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC, "O_WRONLY|O_TRUNC");
        try {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            LibC.write(fd, bytes, bytes.length);
        } catch (LastErrorException e) {
            throw fail("write(" + q(path) + ", " + q(value) + ")", e);
        } finally {
            LibC.close(fd);
        }
    }

    /** Everything left to read on {@code fd}, as UTF-8. */
    static String readToEnd(int fd) throws LastErrorException {
        StringBuilder out = new StringBuilder();
        byte[] buf = new byte[4096];
        long n;
        while ((n = LibC.read(fd, buf, buf.length)) > 0) {
            out.append(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    @Override
    public String readFile(String path) {
        int fd = open(path, O_RDONLY | O_CLOEXEC, "O_RDONLY");
        try {
            return readToEnd(fd);
        } catch (LastErrorException e) {
            throw fail("read(" + q(path) + ")", e);
        } finally {
            LibC.close(fd);
        }
    }

    @Override
    public int openNonBlocking(String path) {
        return open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, "O_RDONLY|O_NONBLOCK|O_NOCTTY");
    }

    /** open(2); {@code flagNames} says the flags in the error, close-on-exec left unsaid. */
    private static int open(String path, int flags, String flagNames) {
        try {
            return LibC.open(path, flags, 0);
        } catch (LastErrorException e) {
            throw fail("open(" + q(path) + ", " + flagNames + ")", e);
        }
    }

    @Override
    public int reopenForWrite(int procFd, int fd) {
        // Not a string concatenation: its call site would be linked at run time (`create`'s init only).
        String path = "self/fd/".concat(Integer.toString(fd));
        try {
            return LibC.openat(procFd, path, O_WRONLY | O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw fail("openat(" + fd(procFd) + ", " + q(path) + ", O_WRONLY)", e);
        }
    }

    @Override
    public int pollIn(int fd, int timeoutMillis) {
        byte[] pollfd = new byte[8];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(pollfd).order(java.nio.ByteOrder.nativeOrder());
        b.putInt(0, fd).putShort(4, (short) 1);
        while (true) {
            try {
                if (LibC.poll(pollfd, 1, timeoutMillis) == 0) {
                    return 0;
                }
                return b.getShort(6) & 0xffff;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw fail("poll([{" + fd + ", POLLIN}], 1, " + timeoutMillis + ")", e);
                }
            }
        }
    }

    @Override
    public void copyTree(String from, String to) {
        // "/.": a walk that follows no link must still go through a /proc/self/fd/N link to its directory.
        java.nio.file.Path source = java.nio.file.Path.of(from, ".");
        java.nio.file.Path target = java.nio.file.Path.of(to);
        java.nio.file.LinkOption nofollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
        try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(source)) {
            for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) walk::iterator) {
                if (p.equals(source)) {
                    continue;
                }
                java.nio.file.Path dest = target.resolve(source.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p, nofollow)) {
                    java.nio.file.Files.copy(p, dest, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES, nofollow);
                } else if (java.nio.file.Files.isSymbolicLink(p) || java.nio.file.Files.isRegularFile(p, nofollow)) {
                    java.nio.file.Files.copy(p, dest, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES, nofollow);
                }
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new SyscallException("copy of " + path(from) + " into " + path(to), Errno.EIO, e.getMessage());
        }
    }

    @Override
    public void mkfifo(String path, int mode) {
        try {
            LibC.mkfifo(path, mode);
        } catch (LastErrorException e) {
            throw fail("mkfifo(" + q(path) + ", " + mode(mode) + ")", e);
        }
    }

    @Override
    public void chdir(String path) {
        try {
            LibC.chdir(path);
        } catch (LastErrorException e) {
            throw fail("chdir(" + q(path) + ")", e);
        }
    }

    // ---- descriptors, and paths resolved relative to them ----

    @Override
    public int openPath(String path) {
        return open(path, O_PATH | O_CLOEXEC, "O_PATH");
    }

    @Override
    public int openInRoot(int rootFd, String path, boolean followLinks) {
        long resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | (followLinks ? 0 : RESOLVE_NO_SYMLINKS);
        try {
            return openat2(rootFd, path, O_PATH | O_CLOEXEC, resolve);
        } catch (LastErrorException e) {
            throw fail("openat2(" + fd(rootFd) + ", " + q(path) + ", O_PATH, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS"
                    + (followLinks ? "" : "|RESOLVE_NO_SYMLINKS") + ")", e);
        }
    }

    @Override
    public int openBeneathForWrite(int dirFd, String path) {
        try {
            return openat2(dirFd, path, O_WRONLY | O_TRUNC | O_CLOEXEC,
                    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
        } catch (LastErrorException e) {
            throw fail("openat2(" + fd(dirFd) + ", " + q(path) + ", O_WRONLY|O_TRUNC, "
                    + "RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_XDEV)", e);
        }
    }

    private static int openat2(int dirFd, String path, int flags, long resolve) throws LastErrorException {
        byte[] how = Structs.openHow(flags, resolve);
        return (int) LibC.syscall(SyscallNumbers.OPENAT2, dirFd, path, how, how.length);
    }

    @Override
    public FileInfo fstat(int fd) {
        byte[] buf = new byte[Structs.STATX_SIZE];
        try {
            LibC.statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
        } catch (LastErrorException e) {
            throw fail("statx(" + fd(fd) + ", \"\", AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS)", e);
        }
        return Structs.statxInfo(buf);
    }

    @Override
    public long fsType(int fd) {
        byte[] buf = new byte[256];
        try {
            LibC.fstatfs(fd, buf);
        } catch (LastErrorException e) {
            throw fail("fstatfs(" + fd(fd) + ")", e);
        }
        return Structs.statfsType(buf);
    }

    @Override
    public void mkdirAt(int dirFd, String name, int mode) {
        try {
            LibC.mkdirat(dirFd, name, mode);
        } catch (LastErrorException e) {
            throw fail("mkdirat(" + fd(dirFd) + ", " + q(name) + ", " + mode(mode) + ")", e);
        }
    }

    @Override
    public void mknodAt(int dirFd, String name, int modeAndType, long major, long minor) {
        try {
            LibC.mknodat(dirFd, name, modeAndType, makedev(major, minor));
        } catch (LastErrorException e) {
            throw fail("mknodat(" + fd(dirFd) + ", " + q(name) + ", " + mode(modeAndType) + ", " + dev(major, minor) + ")", e);
        }
    }

    @Override
    public void symlinkAt(String target, int dirFd, String name) {
        try {
            LibC.symlinkat(target, dirFd, name);
        } catch (LastErrorException e) {
            throw fail("symlinkat(" + q(target) + ", " + fd(dirFd) + ", " + q(name) + ")", e);
        }
    }

    @Override
    public void unlinkAt(int dirFd, String name) {
        try {
            LibC.unlinkat(dirFd, name, 0);
        } catch (LastErrorException e) {
            throw fail("unlinkat(" + fd(dirFd) + ", " + q(name) + ", 0)", e);
        }
    }

    @Override
    public int createAt(int dirFd, String name) {
        try {
            return LibC.openat(dirFd, name, O_WRONLY | O_CREAT | O_EXCL | SyscallNumbers.O_NOFOLLOW | O_CLOEXEC, 0644);
        } catch (LastErrorException e) {
            throw fail("openat(" + fd(dirFd) + ", " + q(name) + ", O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW, 0644)", e);
        }
    }

    @Override
    public void fchown(int fd, long uid, long gid) {
        try {
            LibC.fchownat(fd, "", (int) uid, (int) gid, AT_EMPTY_PATH);
        } catch (LastErrorException e) {
            throw fail("fchownat(" + fd(fd) + ", \"\", " + uid + ", " + gid + ", AT_EMPTY_PATH)", e);
        }
    }

    @Override
    public void fchdir(int fd) {
        try {
            LibC.fchdir(fd);
        } catch (LastErrorException e) {
            throw fail("fchdir(" + fd(fd) + ")", e);
        }
    }

    @Override
    public String readlinkAt(int dirFd, String name) {
        byte[] buf = new byte[4096];
        try {
            long n = LibC.readlinkat(dirFd, name, buf, buf.length);
            return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
        } catch (LastErrorException e) {
            throw fail("readlinkat(" + fd(dirFd) + ", " + q(name) + ")", e);
        }
    }

    @Override
    public void attachDeviceFilter(String cgroupDir, long[] insns) {
        Bpf.attachDeviceFilter(cgroupDir, insns);
    }

    // ---- mounts ----

    @Override
    public void mount(String source, String target, String fstype, long flags, String data) {
        try {
            LibC.mount(source, target, fstype, flags, data);
        } catch (LastErrorException e) {
            throw fail("mount(" + path(source) + ", " + path(target) + ", " + q(fstype) + ", " + MountFlags.mountNames(flags)
                    + ", " + q(data) + ")", e);
        }
    }

    @Override
    public void umount2(String target, int flags) {
        try {
            LibC.umount2(target, flags);
        } catch (LastErrorException e) {
            throw fail("umount2(" + path(target) + ", " + hex(flags) + ")", e);
        }
    }

    @Override
    public void mountSetattr(String target, boolean recursive, long attrSet, long attrClr) {
        byte[] attr = Structs.mountAttr(attrSet, attrClr);
        try {
            LibC.syscall(SyscallNumbers.MOUNT_SETATTR, AT_FDCWD, target, recursive ? MountFlags.AT_RECURSIVE : 0, attr, attr.length);
        } catch (LastErrorException e) {
            throw fail("mount_setattr(AT_FDCWD, " + path(target) + ", " + (recursive ? "AT_RECURSIVE" : "0") + ", {attr_set="
                    + hex(attrSet) + ", attr_clr=" + hex(attrClr) + "})", e);
        }
    }

    @Override
    public void pivotRoot(String newRoot, String putOld) {
        try {
            LibC.syscall(SyscallNumbers.PIVOT_ROOT, newRoot, putOld);
        } catch (LastErrorException e) {
            throw fail("pivot_root(" + q(newRoot) + ", " + q(putOld) + ")", e);
        }
    }

    // ---- namespaces ----

    @Override
    public void unshare(int flags) {
        try {
            LibC.unshare(flags);
        } catch (LastErrorException e) {
            throw fail("unshare(" + hex(flags) + ")", e);
        }
    }

    @Override
    public void setns(String path, int nstype) {
        int fd = open(path, O_RDONLY | O_CLOEXEC, "O_RDONLY");
        try {
            LibC.setns(fd, nstype);
        } catch (LastErrorException e) {
            throw fail("setns(" + fd(fd) + ", " + hex(nstype) + ")", e);
        } finally {
            LibC.close(fd);
        }
    }

    @Override
    public void setnsFd(int fd, int nstype) {
        try {
            LibC.setns(fd, nstype);
        } catch (LastErrorException e) {
            throw fail("setns(" + fd(fd) + ", " + hex(nstype) + ")", e);
        }
    }

    // ---- identity and limits ----

    @Override
    public void sethostname(String name) {
        try {
            LibC.sethostname(name, name.getBytes(StandardCharsets.UTF_8).length);
        } catch (LastErrorException e) {
            throw fail("sethostname(" + q(name) + ", " + name.getBytes(StandardCharsets.UTF_8).length + ")", e);
        }
    }

    @Override
    public void setdomainname(String name) {
        try {
            LibC.setdomainname(name, name.getBytes(StandardCharsets.UTF_8).length);
        } catch (LastErrorException e) {
            throw fail("setdomainname(" + q(name) + ", " + name.getBytes(StandardCharsets.UTF_8).length + ")", e);
        }
    }

    @Override
    public void setrlimit(int resource, long soft, long hard) {
        try {
            LibC.prlimit(0, resource, new long[] {soft, hard}, null);
        } catch (LastErrorException e) {
            throw fail("prlimit(0, " + resource + ", {" + Long.toUnsignedString(soft) + ", " + Long.toUnsignedString(hard)
                    + "}, NULL)", e);
        }
    }

    @Override
    public void prctl(int option, long arg2, long arg3) {
        try {
            LibC.prctl(option, arg2, arg3, 0, 0);
        } catch (LastErrorException e) {
            throw fail("prctl(" + option + ", " + arg2 + ", " + arg3 + ")", e);
        }
    }

    // The credential calls go to the kernel directly: glibc's wrappers apply them to every
    // thread, and abort the process when a thread that holds no capabilities refuses.
    @Override
    public void setgroups(List<Long> gids) {
        int[] g = new int[gids.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = (int) (long) gids.get(i);
        }
        try {
            LibC.syscall(SyscallNumbers.SETGROUPS, g.length, g.length == 0 ? null : g);
        } catch (LastErrorException e) {
            throw fail("setgroups(" + g.length + ", " + gids + ")", e);
        }
    }

    @Override
    public void setresgid(long gid) {
        try {
            LibC.syscall(SyscallNumbers.SETRESGID, gid, gid, gid);
        } catch (LastErrorException e) {
            throw fail("setresgid(" + gid + ", " + gid + ", " + gid + ")", e);
        }
    }

    @Override
    public void setresuid(long uid) {
        try {
            LibC.syscall(SyscallNumbers.SETRESUID, uid, uid, uid);
        } catch (LastErrorException e) {
            throw fail("setresuid(" + uid + ", " + uid + ", " + uid + ")", e);
        }
    }

    // ---- threads ----

    /**
     * JNA starts its cleaner thread for the first Memory it tracks, from the thread that
     * allocates it, and stops it when nothing is tracked: one Memory kept for good makes it
     * start early and stay, among the threads whose capabilities {@link #setxidAllThreads}
     * strips, rather than start later with the calling thread's.
     */
    private static final Memory KEEPS_JNA_CLEANER = new Memory(1);

    @Override
    public void setxidAllThreads(long uid, long gid) {
        KEEPS_JNA_CLEANER.setByte(0, (byte) 0);
        try {
            LibC.setgroups(0, null);
        } catch (LastErrorException e) {
            throw fail("setgroups(0, []) in every thread", e);
        }
        try {
            LibC.setresgid((int) gid, (int) gid, (int) gid);
        } catch (LastErrorException e) {
            throw fail("setresgid(" + gid + ", " + gid + ", " + gid + ") in every thread", e);
        }
        try {
            LibC.setresuid((int) uid, (int) uid, (int) uid);
        } catch (LastErrorException e) {
            throw fail("setresuid(" + uid + ", " + uid + ", " + uid + ") in every thread", e);
        }
    }

    @Override
    public long[] capget() {
        int[] header = {CAPABILITY_VERSION_3, 0};
        int[] data = new int[6];
        try {
            LibC.capget(header, data);
        } catch (LastErrorException e) {
            throw fail("capget(_LINUX_CAPABILITY_VERSION_3, 0)", e);
        }
        return new long[] {
            (data[0] & 0xffffffffL) | ((long) data[3] << 32),
            (data[1] & 0xffffffffL) | ((long) data[4] << 32),
            (data[2] & 0xffffffffL) | ((long) data[5] << 32)
        };
    }

    @Override
    public int gettid() {
        return LibC.gettid();
    }

    @Override
    public Map<Integer, String> threadStatuses() {
        return ThreadStatuses.read();
    }

    @Override
    public void umask(int mask) {
        LibC.umask(mask);
    }

    @Override
    public void capset(long effective, long permitted, long inheritable) {
        // _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set.
        int[] header = {CAPABILITY_VERSION_3, 0};
        int[] data = {
            (int) effective, (int) permitted, (int) inheritable,
            (int) (effective >>> 32), (int) (permitted >>> 32), (int) (inheritable >>> 32)
        };
        try {
            LibC.capset(header, data);
        } catch (LastErrorException e) {
            throw fail("capset(_LINUX_CAPABILITY_VERSION_3, {effective=" + hex(effective) + ", permitted=" + hex(permitted)
                    + ", inheritable=" + hex(inheritable) + "})", e);
        }
    }

    @Override
    public void closeRangeCloexec(int first) {
        try {
            LibC.close_range(first, -1, CLOSE_RANGE_CLOEXEC);
        } catch (LastErrorException e) {
            throw fail("close_range(" + first + ", ~0, CLOSE_RANGE_CLOEXEC)", e);
        }
    }

    @Override
    public void setsid() {
        try {
            LibC.setsid();
        } catch (LastErrorException e) {
            throw fail("setsid()", e);
        }
    }

    @Override
    public void setControllingTerminal(int fd) {
        try {
            LibC.ioctl(fd, TIOCSCTTY, 0L);
        } catch (LastErrorException e) {
            throw fail("ioctl(" + fd(fd) + ", TIOCSCTTY, 0)", e);
        }
    }

    @Override
    public void linkUp(String name) {
        int sock;
        try {
            sock = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw fail("socket(AF_INET, SOCK_DGRAM, 0)", e);
        }
        String request = "SIOCGIFFLAGS";
        try (Memory ifr = Structs.ifreq(name)) {
            LibC.ioctl(sock, SIOCGIFFLAGS, ifr);
            ifr.setShort(Structs.IFREQ_FLAGS, (short) (ifr.getShort(Structs.IFREQ_FLAGS) | IFF_UP));
            request = "SIOCSIFFLAGS";
            LibC.ioctl(sock, SIOCSIFFLAGS, ifr);
        } catch (LastErrorException e) {
            throw fail("ioctl(" + sock + ", " + request + ", {" + q(name) + (request.equals("SIOCSIFFLAGS") ? ", IFF_UP" : "")
                    + "})", e);
        } finally {
            LibC.close(sock);
        }
    }

    @Override
    public void execve(String path, List<String> argv, List<String> env) {
        try {
            // toArray(new String[0]), not String[]::new: a method reference is linked at its
            // first use, which here is the init's last act (the training's execve fails early).
            LibC.execve(path, new StringArray(argv.toArray(new String[0])), new StringArray(env.toArray(new String[0])));
        } catch (LastErrorException e) {
            throw fail("execve(" + q(path) + ")", e);
        }
        throw new IllegalStateException("execve returned");
    }

    // ---- processes and descriptors ----

    @Override
    public int spawn(String path, List<String> argv, List<String> env, int[] dup2s) {
        return PosixSpawn.spawn(path, argv, env, dup2s);
    }

    @Override
    public int[] pipe() {
        int[] fds = new int[2];
        try {
            LibC.pipe2(fds, O_CLOEXEC);
        } catch (LastErrorException e) {
            throw fail("pipe2(O_CLOEXEC)", e);
        }
        moveUp(fds);
        return fds;
    }

    /** Moves both descriptors to numbers at or above 10 (close-on-exec), where no dup2 of 0..9 reaches them. */
    private static void moveUp(int[] fds) {
        for (int i = 0; i < 2; i++) {
            try {
                int high = LibC.fcntl(fds[i], F_DUPFD_CLOEXEC, 10);
                LibC.close(fds[i]);
                fds[i] = high;
            } catch (LastErrorException e) {
                throw fail("fcntl(" + fds[i] + ", F_DUPFD_CLOEXEC, 10)", e);
            }
        }
    }

    @Override
    public int read(int fd, byte[] buf) {
        while (true) {
            try {
                return (int) LibC.read(fd, buf, buf.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw fail("read(" + fd + ", " + buf.length + ")", e);
                }
            }
        }
    }

    @Override
    public void writeAll(int fd, byte[] data) {
        int off = 0;
        while (off < data.length) {
            byte[] chunk = off == 0 ? data : java.util.Arrays.copyOfRange(data, off, data.length);
            try {
                off += (int) LibC.write(fd, chunk, chunk.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw fail("write(" + fd(fd) + ", " + chunk.length + " bytes)", e);
                }
            }
        }
    }

    @Override
    public void close(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException e) {
            throw fail("close(" + fd + ")", e);
        }
    }

    @Override
    public void dup2(int from, int to) {
        try {
            LibC.dup2(from, to);
        } catch (LastErrorException e) {
            throw fail("dup2(" + from + ", " + to + ")", e);
        }
    }

    @Override
    public int[] socketpair() {
        int[] sv = new int[2];
        try {
            LibC.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
        } catch (LastErrorException e) {
            throw fail("socketpair(AF_UNIX, SOCK_STREAM, 0)", e);
        }
        moveUp(sv);
        return sv;
    }

    @Override
    public void sendFd(int socket, int fd) {
        sendFd(socket, fd, new byte[] {'C'});
    }

    @Override
    public void sendFd(int socket, int fd, byte[] bytes) {
        long sent;
        try {
            sent = ScmRights.send(socket, fd, bytes);
        } catch (LastErrorException e) {
            throw fail("sendmsg(" + fd(socket) + ", {" + bytes.length + " bytes, SCM_RIGHTS " + fd(fd) + "})", e);
        }
        if (sent < bytes.length) {
            writeAll(socket, java.util.Arrays.copyOfRange(bytes, (int) sent, bytes.length));
        }
    }

    @Override
    public int connectUnix(String path) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SOCKADDR_UN_SIZE - 2) {
            // sun_path holds 107 bytes and a NUL.
            throw new SyscallException("connect(" + q(path) + ")", ENAMETOOLONG);
        }
        byte[] addr = new byte[SOCKADDR_UN_SIZE];
        addr[0] = (byte) AF_UNIX;
        System.arraycopy(name, 0, addr, 2, name.length);
        int fd;
        try {
            fd = LibC.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw fail("socket(AF_UNIX, SOCK_STREAM, 0)", e);
        }
        try {
            LibC.connect(fd, addr, addr.length);
            return fd;
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw fail("connect(" + fd + ", {AF_UNIX, " + q(path) + "})", e);
        }
    }

    @Override
    public int receiveFd(int socket) {
        try {
            return ScmRights.receive(socket);
        } catch (LastErrorException e) {
            throw fail("recvmsg(" + fd(socket) + ", SCM_RIGHTS)", e);
        }
    }

    @Override
    public int waitpid(int pid) {
        int[] status = new int[1];
        while (true) {
            try {
                LibC.waitpid(pid, status, 0);
                return status[0];
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw fail("waitpid(" + pid + ")", e);
                }
            }
        }
    }

    @Override
    public void kill(int pid, int signal) {
        try {
            LibC.kill(pid, signal);
        } catch (LastErrorException e) {
            throw fail("kill(" + pid + ", " + signal + ")", e);
        }
    }

    @Override
    public int pidfdOpen(int pid) {
        try {
            return (int) LibC.syscall(SyscallNumbers.PIDFD_OPEN, pid, 0);
        } catch (LastErrorException e) {
            throw fail("pidfd_open(" + pid + ", 0)", e);
        }
    }

    @Override
    public void pidfdSendSignal(int pidfd, int signal) {
        try {
            LibC.syscall(SyscallNumbers.PIDFD_SEND_SIGNAL, pidfd, signal, null, 0);
        } catch (LastErrorException e) {
            throw fail("pidfd_send_signal(" + pidfd + ", " + signal + ", NULL, 0)", e);
        }
    }

    // ---- terminals ----

    @Override
    public int[] openPty() {
        int master;
        try {
            master = LibC.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw fail("posix_openpt(O_RDWR|O_NOCTTY)", e);
        }
        try {
            String call = "grantpt(" + master + ")";
            try {
                LibC.grantpt(master);
                call = "unlockpt(" + master + ")";
                LibC.unlockpt(master);
            } catch (LastErrorException e) {
                throw fail(call, e);
            }
            byte[] name = new byte[128];
            int rc = LibC.ptsname_r(master, name, name.length);
            if (rc != 0) {
                throw new SyscallException("ptsname_r(" + master + ")", rc);
            }
            String path = new String(name, 0, indexOfZero(name), StandardCharsets.US_ASCII);
            int slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC, "O_RDWR|O_NOCTTY");
            return new int[] {master, slave};
        } catch (SyscallException e) {
            // The master is this call's until it returns: not left open when a later call fails.
            LibC.close(master);
            throw e;
        }
    }

    private static int indexOfZero(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return b.length;
    }

    @Override
    public int[] windowSize(int fd) {
        try {
            return Termios.windowSize(fd);
        } catch (LastErrorException e) {
            return null;
        }
    }

    @Override
    public void setWindowSize(int fd, int rows, int columns) {
        try {
            Termios.setWindowSize(fd, rows, columns);
        } catch (LastErrorException e) {
            throw fail("ioctl(" + fd + ", TIOCSWINSZ, {" + rows + ", " + columns + "})", e);
        }
    }

    @Override
    public byte[] makeRaw(int fd) {
        if (LibC.isatty(fd) != 1) {
            return null;
        }
        byte[] saved = new byte[Termios.SIZE];
        try {
            LibC.tcgetattr(fd, saved);
        } catch (LastErrorException e) {
            throw fail("tcgetattr(" + fd + ")", e);
        }
        try {
            LibC.tcsetattr(fd, Termios.TCSANOW, Termios.raw(saved));
        } catch (LastErrorException e) {
            throw fail("tcsetattr(" + fd + ", TCSANOW, raw)", e);
        }
        return saved;
    }

    @Override
    public void restoreTerminal(int fd, byte[] saved) {
        try {
            LibC.tcsetattr(fd, Termios.TCSANOW, saved);
        } catch (LastErrorException e) {
            throw fail("tcsetattr(" + fd + ", TCSANOW, saved)", e);
        }
    }

    private static SyscallException fail(String call, LastErrorException e) {
        return new SyscallException(call, e.getErrorCode());
    }
}
