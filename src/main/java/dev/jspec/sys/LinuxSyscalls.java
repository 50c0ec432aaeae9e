package dev.jspec.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@link Syscalls} on the running kernel, through glibc. */
public final class LinuxSyscalls implements Syscalls {

    private static final int O_RDONLY = 0;
    private static final int LOCK_EX = 2;
    private static final int O_RDWR = 2;
    private static final int O_NOCTTY = 0x100;
    private static final long TIOCGWINSZ = 0x5413;
    private static final long TIOCSWINSZ = 0x5414;
    private static final int TCSANOW = 0;
    /** struct termios is 60 bytes in glibc; leave room. */
    private static final int TERMIOS_SIZE = 128;
    private static final int O_WRONLY = 1;
    private static final int O_CREAT = 0x40;
    private static final int O_TRUNC = 0x200;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_NOFOLLOW = 0x20000;
    private static final int O_NONBLOCK = 0x800;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_TYPE = 0x1;
    private static final int S_IFMT = 0xF000;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int X_OK = 1;
    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    private static final long TIOCSCTTY = 0x540E;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final int IFF_UP = 0x1;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int CAPABILITY_VERSION_3 = 0x20080522;

    @Override
    public FileKind kind(String path, boolean followLinks) {
        byte[] buf = new byte[256];
        try {
            LibC.statx(AT_FDCWD, path, followLinks ? 0 : AT_SYMLINK_NOFOLLOW, STATX_TYPE, buf);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOENT || e.getErrorCode() == Errno.ENOTDIR) {
                return FileKind.MISSING;
            }
            throw fail("statx(\"" + path + "\")", e);
        }
        return kindOf(buf);
    }

    private static FileKind kindOf(byte[] buf) {
        // struct statx: stx_mode is a __u16 at offset 0x1c on every architecture.
        int mode = (buf[0x1c] & 0xff) | ((buf[0x1d] & 0xff) << 8);
        return switch (mode & S_IFMT) {
            case 0x4000 -> FileKind.DIRECTORY;
            case 0x8000 -> FileKind.REGULAR;
            case 0xA000 -> FileKind.SYMLINK;
            default -> FileKind.OTHER;
        };
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
        check("mkdir(\"" + path + "\")", () -> LibC.mkdir(path, mode));
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
                throw fail("mkdir(\"" + path + "\")", e);
            }
        }
    }

    @Override
    public void rmdir(String path) {
        check("rmdir(\"" + path + "\")", () -> LibC.rmdir(path));
    }

    @Override
    public void touch(String path) {
        check("open(\"" + path + "\", O_CREAT)", () -> LibC.close(LibC.open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)));
    }

    @Override
    public void mknod(String path, int modeAndType, long major, long minor) {
        check("mknod(\"" + path + "\")", () -> LibC.mknod(path, modeAndType, makedev(major, minor)));
    }

    /** glibc's makedev encoding of a 64-bit dev_t. */
    static long makedev(long major, long minor) {
        return ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
    }

    @Override
    public void chown(String path, long uid, long gid) {
        check("chown(\"" + path + "\")", () -> LibC.lchown(path, (int) uid, (int) gid));
    }

    @Override
    public int lockDirectory(String path) {
        int fd = (int) check("open(\"" + path + "\")", () -> LibC.open(path, O_RDONLY | O_CLOEXEC, 0));
        try {
            LibC.flock(fd, LOCK_EX);
            return fd;
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw fail("flock(\"" + path + "\", LOCK_EX)", e);
        }
    }

    @Override
    public void chmod(String path, int mode) {
        check("chmod(\"" + path + "\")", () -> LibC.chmod(path, mode));
    }

    @Override
    public void dup2(int from, int to) {
        check("dup2(" + from + ", " + to + ")", () -> LibC.dup2(from, to));
    }

    @Override
    public int[] socketpair() {
        int[] sv = new int[2];
        try {
            LibC.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
            for (int i = 0; i < 2; i++) {
                int high = LibC.fcntl(sv[i], F_DUPFD_CLOEXEC, 10);
                LibC.close(sv[i]);
                sv[i] = high;
            }
            return sv;
        } catch (LastErrorException e) {
            throw fail("socketpair(AF_UNIX)", e);
        }
    }

    // struct msghdr (LP64): name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48.
    // One cmsghdr (len 0, level 8, type 12, data 16) carrying one int: CMSG_SPACE(4) = 24.
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;

    @Override
    public void sendFd(int socket, int fd) {
        sendFd(socket, fd, new byte[] {'C'});
    }

    @Override
    public void sendFd(int socket, int fd, byte[] bytes) {
        long sent;
        try (Memory msg = new Memory(56); Memory iov = new Memory(16); Memory data = new Memory(Math.max(1, bytes.length));
                Memory control = new Memory(24)) {
            msg.clear();
            control.clear();
            data.write(0, bytes, 0, bytes.length);
            iov.setPointer(0, data);
            iov.setLong(8, bytes.length);
            control.setLong(0, 20);
            control.setInt(8, SOL_SOCKET);
            control.setInt(12, SCM_RIGHTS);
            control.setInt(16, fd);
            msg.setPointer(16, iov);
            msg.setLong(24, 1);
            msg.setPointer(32, control);
            msg.setLong(40, 24);
            sent = LibC.sendmsg(socket, msg, 0);
        } catch (LastErrorException e) {
            throw fail("sendmsg(SCM_RIGHTS)", e);
        }
        if (sent < bytes.length) {
            writeAll(socket, java.util.Arrays.copyOfRange(bytes, (int) sent, bytes.length));
        }
    }

    /** sizeof(struct sockaddr_un): sa_family_t, then a 108-byte path. */
    private static final int SOCKADDR_UN_SIZE = 110;

    @Override
    public int connectUnix(String path) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SOCKADDR_UN_SIZE - 2) {
            throw new SyscallException("connect(\"" + path + "\")", 36); // ENAMETOOLONG: sun_path holds 107 bytes
        }
        byte[] addr = new byte[SOCKADDR_UN_SIZE];
        addr[0] = (byte) AF_UNIX;
        System.arraycopy(name, 0, addr, 2, name.length);
        int fd = (int) check("socket(AF_UNIX)", () -> LibC.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        try {
            LibC.connect(fd, addr, addr.length);
            return fd;
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw fail("connect(\"" + path + "\")", e);
        }
    }

    @Override
    public int receiveFd(int socket) {
        try (Memory msg = new Memory(56); Memory iov = new Memory(16); Memory data = new Memory(1);
                Memory control = new Memory(24)) {
            msg.clear();
            control.clear();
            iov.setPointer(0, data);
            iov.setLong(8, 1);
            msg.setPointer(16, iov);
            msg.setLong(24, 1);
            msg.setPointer(32, control);
            msg.setLong(40, 24);
            long n = LibC.recvmsg(socket, msg, MSG_CMSG_CLOEXEC);
            if (n <= 0 || msg.getLong(40) < 20 || control.getInt(12) != SCM_RIGHTS) {
                return -1;
            }
            return control.getInt(16);
        } catch (LastErrorException e) {
            throw fail("recvmsg(SCM_RIGHTS)", e);
        }
    }

    @Override
    public void symlink(String target, String linkPath) {
        check("symlink(\"" + target + "\", \"" + linkPath + "\")", () -> LibC.symlink(target, linkPath));
    }

    @Override
    public void unlink(String path) {
        check("unlink(\"" + path + "\")", () -> LibC.unlink(path));
    }

    @Override
    public void writeFile(String path, String value) {
        int fd = (int) check("open(\"" + path + "\")", () -> LibC.open(path, O_WRONLY | O_CLOEXEC | O_TRUNC, 0));
        try {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            LibC.write(fd, bytes, bytes.length);
        } catch (LastErrorException e) {
            throw fail("write(\"" + path + "\", \"" + value + "\")", e);
        } finally {
            LibC.close(fd);
        }
    }

    /** Everything left to read on {@code fd}, as UTF-8. */
    private static String readToEnd(int fd) throws LastErrorException {
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
        int fd = (int) check("open(\"" + path + "\")", () -> LibC.open(path, O_RDONLY | O_CLOEXEC, 0));
        try {
            return readToEnd(fd);
        } catch (LastErrorException e) {
            throw fail("read(\"" + path + "\")", e);
        } finally {
            LibC.close(fd);
        }
    }

    @Override
    public int openNonBlocking(String path) {
        return (int) check("open(\"" + path + "\", O_RDONLY|O_NONBLOCK)",
                () -> LibC.open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0));
    }

    @Override
    public int reopenForWrite(int procFd, int fd) {
        String path = "self/fd/" + fd;
        return (int) check("openat(proc, \"" + path + "\", O_WRONLY)", () -> LibC.openat(procFd, path, O_WRONLY | O_CLOEXEC, 0));
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
                    throw fail("poll(" + fd + ")", e);
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
            throw new SyscallException("copy of " + from + " into " + to + ": " + e.getMessage(), Errno.EIO);
        }
    }

    @Override
    public void mkfifo(String path, int mode) {
        check("mkfifo(\"" + path + "\")", () -> LibC.mkfifo(path, mode));
    }

    @Override
    public void chdir(String path) {
        check("chdir(\"" + path + "\")", () -> LibC.chdir(path));
    }

    @Override
    public void mount(String source, String target, String fstype, long flags, String data) {
        // No lambda: a new lambda call site costs a millisecond or more in a cold JVM, and the
        // parent's spawner thread makes one mount per read-only bind of the init's files.
        try {
            LibC.mount(source, target, fstype, flags, data);
        } catch (LastErrorException e) {
            throw fail("mount", e);
        }
    }

    @Override
    public void umount2(String target, int flags) {
        check("umount2(\"" + target + "\")", () -> LibC.umount2(target, flags));
    }

    @Override
    public void mountSetattr(String target, boolean recursive, long attrSet, long attrClr) {
        // struct mount_attr { __u64 attr_set, attr_clr, propagation, userns_fd; }
        byte[] attr = new byte[32];
        putLong(attr, 0, attrSet);
        putLong(attr, 8, attrClr);
        try {
            LibC.syscall(SyscallNumbers.MOUNT_SETATTR, AT_FDCWD, target, recursive ? MountFlags.AT_RECURSIVE : 0, attr, attr.length);
        } catch (LastErrorException e) {
            throw fail("mount_setattr(\"" + target + "\")", e);
        }
    }

    // bpf(2): commands, program and attach types, flags (include/uapi/linux/bpf.h).
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_ATTACH = 8;
    private static final int BPF_PROG_DETACH = 9;
    private static final int BPF_PROG_GET_FD_BY_ID = 13;
    private static final int BPF_PROG_QUERY = 16;
    /** More device programs on one cgroup than this is not a state jspec made; it fails the query with ENOSPC. */
    private static final int BPF_QUERY_MAX_PROGS = 64;
    private static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    private static final int BPF_CGROUP_DEVICE = 6;
    /** Other programs (systemd's, a parent runtime's) stay attached next to ours; all must allow. */
    private static final int BPF_F_ALLOW_MULTI = 2;
    /** Larger than the union bpf_attr fields we set; the kernel accepts a longer one if the tail is zero. */
    private static final int BPF_ATTR_SIZE = 128;
    /** runc's choice; a cgroup device program calls no GPL-only helpers, so any licence string loads. */
    private static final String BPF_LICENSE = "Apache";
    /** Room for the verifier's log when a load fails; level 1 logs the failing path only. */
    private static final int BPF_LOG_SIZE = 1 << 20;
    private static final int BPF_INSN_SIZE = 8;

    @Override
    public void attachDeviceFilter(String cgroupDir, long[] insns) {
        int prog = loadDeviceProgram(insns);
        try {
            // O_RDONLY without O_DIRECTORY (whose value differs by architecture): the kernel
            // checks that the descriptor is a cgroup directory itself, with EBADF.
            int dir = (int) check("open(\"" + cgroupDir + "\")", () -> LibC.open(cgroupDir, O_RDONLY | O_CLOEXEC, 0));
            try {
                // A reused cgroup directory still carries its previous container's program, and with
                // BPF_F_ALLOW_MULTI every program must allow an access: replace it, as runc does. The
                // new one goes on first, so that the cgroup is never without a filter.
                int[] previous = deviceProgramIds(dir, cgroupDir);
                progAttach(BPF_PROG_ATTACH, dir, prog, BPF_F_ALLOW_MULTI, cgroupDir);
                for (int id : previous) {
                    int old = progFdById(id, cgroupDir);
                    if (old < 0) {
                        continue;
                    }
                    try {
                        progAttach(BPF_PROG_DETACH, dir, old, 0, cgroupDir);
                    } finally {
                        LibC.close(old);
                    }
                }
            } finally {
                LibC.close(dir);
            }
        } finally {
            // The attachment holds its own reference to the program.
            LibC.close(prog);
        }
    }

    /** bpf(BPF_PROG_ATTACH or BPF_PROG_DETACH): target_fd, attach_bpf_fd, attach_type, attach_flags. */
    private static void progAttach(int cmd, int dir, int prog, int flags, String cgroupDir) {
        try (Memory attr = new Memory(BPF_ATTR_SIZE)) {
            attr.clear();
            attr.setInt(0, dir);
            attr.setInt(4, prog);
            attr.setInt(8, BPF_CGROUP_DEVICE);
            attr.setInt(12, flags);
            LibC.syscall(SyscallNumbers.BPF, cmd, attr, BPF_ATTR_SIZE);
        } catch (LastErrorException e) {
            throw fail("bpf(" + (cmd == BPF_PROG_ATTACH ? "BPF_PROG_ATTACH" : "BPF_PROG_DETACH") + ", \"" + cgroupDir
                    + "\", BPF_CGROUP_DEVICE)", e);
        }
    }

    /** The ids of the device programs attached to the directory itself (not inherited ones). */
    private static int[] deviceProgramIds(int dir, String cgroupDir) {
        try (Memory attr = new Memory(BPF_ATTR_SIZE); Memory ids = new Memory(4L * BPF_QUERY_MAX_PROGS)) {
            attr.clear();
            // query: target_fd, attach_type, query_flags, attach_flags (out), prog_ids, prog_cnt (in: room, out: count).
            attr.setInt(0, dir);
            attr.setInt(4, BPF_CGROUP_DEVICE);
            attr.setLong(16, Pointer.nativeValue(ids));
            attr.setInt(24, BPF_QUERY_MAX_PROGS);
            LibC.syscall(SyscallNumbers.BPF, BPF_PROG_QUERY, attr, BPF_ATTR_SIZE);
            return ids.getIntArray(0, attr.getInt(24));
        } catch (LastErrorException e) {
            throw fail("bpf(BPF_PROG_QUERY, \"" + cgroupDir + "\", BPF_CGROUP_DEVICE)", e);
        }
    }

    /** A descriptor for the program with this id, or -1 when it no longer exists. */
    private static int progFdById(int id, String cgroupDir) {
        try (Memory attr = new Memory(BPF_ATTR_SIZE)) {
            attr.clear();
            attr.setInt(0, id);
            return (int) LibC.syscall(SyscallNumbers.BPF, BPF_PROG_GET_FD_BY_ID, attr, BPF_ATTR_SIZE);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOENT) {
                return -1; // detached and freed since the query: nothing left to replace
            }
            throw fail("bpf(BPF_PROG_GET_FD_BY_ID, " + id + ") for \"" + cgroupDir + "\"", e);
        }
    }

    /** The program's descriptor. A rejected program is loaded again with the verifier's log, for the error. */
    private static int loadDeviceProgram(long[] insns) {
        try (Memory code = new Memory((long) insns.length * BPF_INSN_SIZE);
                Memory license = new Memory(BPF_LICENSE.length() + 1)) {
            for (int i = 0; i < insns.length; i++) {
                // struct bpf_insn in the machine's byte order, which is the long's on x86_64 and aarch64.
                code.setLong((long) i * BPF_INSN_SIZE, insns[i]);
            }
            license.setString(0, BPF_LICENSE, StandardCharsets.US_ASCII.name());
            try {
                return progLoad(code, insns.length, license, null);
            } catch (LastErrorException first) {
                try (Memory log = new Memory(BPF_LOG_SIZE)) {
                    log.clear();
                    try {
                        return progLoad(code, insns.length, license, log);
                    } catch (LastErrorException e) {
                        String verifier = log.getString(0, StandardCharsets.UTF_8.name()).strip();
                        throw fail("bpf(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE, " + insns.length + " insns)"
                                + (verifier.isEmpty() ? "" : ": verifier: " + lastLines(verifier, 3)), e);
                    }
                }
            }
        }
    }

    private static int progLoad(Memory code, int count, Memory license, Memory log) {
        try (Memory attr = new Memory(BPF_ATTR_SIZE)) {
            attr.clear();
            // union bpf_attr for BPF_PROG_LOAD: prog_type, insn_cnt, insns, license, log_level, log_size, log_buf.
            attr.setInt(0, BPF_PROG_TYPE_CGROUP_DEVICE);
            attr.setInt(4, count);
            attr.setLong(8, Pointer.nativeValue(code));
            attr.setLong(16, Pointer.nativeValue(license));
            if (log != null) {
                attr.setInt(24, 1);
                attr.setInt(28, (int) log.size());
                attr.setLong(32, Pointer.nativeValue(log));
            }
            return (int) LibC.syscall(SyscallNumbers.BPF, BPF_PROG_LOAD, attr, BPF_ATTR_SIZE);
        }
    }

    private static String lastLines(String text, int n) {
        String[] lines = text.split("\n");
        return String.join(" | ", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - n), lines.length));
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    @Override
    public void pivotRoot(String newRoot, String putOld) {
        check("pivot_root", () -> LibC.syscall(SyscallNumbers.PIVOT_ROOT, newRoot, putOld));
    }

    @Override
    public void unshare(int flags) {
        check("unshare", () -> LibC.unshare(flags));
    }

    @Override
    public void setns(String path, int nstype) {
        int fd = (int) check("open(\"" + path + "\")", () -> LibC.open(path, O_RDONLY | O_CLOEXEC, 0));
        try {
            LibC.setns(fd, nstype);
        } catch (LastErrorException e) {
            throw fail("setns(\"" + path + "\")", e);
        } finally {
            LibC.close(fd);
        }
    }

    @Override
    public void setnsFd(int fd, int nstype) {
        check("setns(" + fd + ")", () -> LibC.setns(fd, nstype));
    }

    @Override
    public void sethostname(String name) {
        check("sethostname", () -> LibC.sethostname(name, name.getBytes(StandardCharsets.UTF_8).length));
    }

    @Override
    public void setdomainname(String name) {
        check("setdomainname", () -> LibC.setdomainname(name, name.getBytes(StandardCharsets.UTF_8).length));
    }

    @Override
    public void setrlimit(int resource, long soft, long hard) {
        check("prlimit", () -> LibC.prlimit(0, resource, new long[] {soft, hard}, null));
    }

    @Override
    public void prctl(int option, long arg2, long arg3) {
        check("prctl(" + option + ", " + arg2 + ")", () -> LibC.prctl(option, arg2, arg3, 0, 0));
    }

    // The credential calls go to the kernel directly: glibc's wrappers apply them to every
    // thread, and abort the process when a thread that holds no capabilities refuses.
    @Override
    public void setgroups(List<Long> gids) {
        int[] g = new int[gids.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = (int) (long) gids.get(i);
        }
        check("setgroups", () -> LibC.syscall(SyscallNumbers.SETGROUPS, g.length, g.length == 0 ? null : g));
    }

    @Override
    public void setresgid(long gid) {
        check("setresgid", () -> LibC.syscall(SyscallNumbers.SETRESGID, gid, gid, gid));
    }

    @Override
    public void setresuid(long uid) {
        check("setresuid", () -> LibC.syscall(SyscallNumbers.SETRESUID, uid, uid, uid));
    }

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
            throw fail("setgroups([]) in every thread", e);
        }
        try {
            LibC.setresgid((int) gid, (int) gid, (int) gid);
        } catch (LastErrorException e) {
            throw fail("setresgid(" + gid + ") in every thread", e);
        }
        try {
            LibC.setresuid((int) uid, (int) uid, (int) uid);
        } catch (LastErrorException e) {
            throw fail("setresuid(" + uid + ") in every thread", e);
        }
    }

    @Override
    public long[] capget() {
        int[] header = {CAPABILITY_VERSION_3, 0};
        int[] data = new int[6];
        try {
            LibC.capget(header, data);
        } catch (LastErrorException e) {
            throw fail("capget", e);
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

    // The new mount API (include/uapi/linux/mount.h).
    private static final int FSOPEN_CLOEXEC = 1;
    private static final int FSCONFIG_CMD_CREATE = 6;
    private static final int FSMOUNT_CLOEXEC = 1;

    // Plain calls without lambdas, streams or regular expressions: this runs in every start,
    // in the init's cold JVM, where each new call site costs.
    @Override
    public Map<Integer, String> threadStatuses() {
        String call = "fsopen(\"proc\")";
        int fs = -1;
        int mnt = -1;
        int task = -1;
        try {
            fs = (int) LibC.syscall(SyscallNumbers.FSOPEN, "proc", FSOPEN_CLOEXEC);
            call = "fsconfig(FSCONFIG_CMD_CREATE) of proc";
            LibC.syscall(SyscallNumbers.FSCONFIG, fs, FSCONFIG_CMD_CREATE, null, null, 0);
            call = "fsmount of proc";
            mnt = (int) LibC.syscall(SyscallNumbers.FSMOUNT, fs, FSMOUNT_CLOEXEC, 0);
            call = "openat(proc, \"self/task\")";
            task = LibC.openat(mnt, "self/task", O_RDONLY | O_CLOEXEC, 0);
            call = "getdents64(proc/self/task)";
            Map<Integer, String> out = new TreeMap<>();
            for (String name : directoryEntries(task)) {
                if (!isNumber(name)) {
                    continue;
                }
                String status = readStatus(task, name);
                if (status != null) {
                    out.put(Integer.valueOf(name), status);
                }
            }
            return out;
        } catch (LastErrorException e) {
            throw fail(call, e);
        } finally {
            for (int fd : new int[] {task, mnt, fs}) {
                if (fd >= 0) {
                    LibC.close(fd);
                }
            }
        }
    }

    private static boolean isNumber(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** The text of {@code tid/status} under an open task directory, or null when the thread has ended. */
    private static String readStatus(int taskDir, String tid) {
        int fd;
        try {
            fd = LibC.openat(taskDir, tid.concat("/status"), O_RDONLY | O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOENT || e.getErrorCode() == Errno.ESRCH) {
                return null;
            }
            throw fail("openat(proc, \"self/task/".concat(tid).concat("/status\")"), e);
        }
        try {
            return readToEnd(fd);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ESRCH) {
                return null;
            }
            throw fail("read(proc/self/task/".concat(tid).concat("/status)"), e);
        } finally {
            LibC.close(fd);
        }
    }

    /** The names in a directory, by getdents64(2): struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type; char name[]; }. */
    private static List<String> directoryEntries(int dir) {
        List<String> names = new ArrayList<>();
        byte[] buf = new byte[8192];
        long n;
        while ((n = LibC.getdents64(dir, buf, buf.length)) > 0) {
            for (int off = 0; off < n; ) {
                int reclen = (buf[off + 16] & 0xff) | ((buf[off + 17] & 0xff) << 8);
                int end = off + 19;
                while (buf[end] != 0) {
                    end++;
                }
                names.add(new String(buf, off + 19, end - off - 19, StandardCharsets.UTF_8));
                off += reclen;
            }
        }
        return names;
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
        check("capset", () -> LibC.capset(header, data));
    }

    @Override
    public void closeRangeCloexec(int first) {
        check("close_range", () -> LibC.close_range(first, -1, CLOSE_RANGE_CLOEXEC));
    }

    @Override
    public void setsid() {
        check("setsid", () -> LibC.setsid());
    }

    @Override
    public void setControllingTerminal(int fd) {
        check("ioctl(TIOCSCTTY)", () -> LibC.ioctl(fd, TIOCSCTTY, 0L));
    }

    @Override
    public void linkUp(String name) {
        int sock = (int) check("socket(AF_INET)", () -> LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        // struct ifreq: 16 bytes of name, then the union whose first member is short ifr_flags.
        try (Memory ifr = new Memory(40)) {
            ifr.clear();
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            ifr.write(0, n, 0, Math.min(n.length, 15));
            LibC.ioctl(sock, SIOCGIFFLAGS, ifr);
            ifr.setShort(16, (short) (ifr.getShort(16) | IFF_UP));
            LibC.ioctl(sock, SIOCSIFFLAGS, ifr);
        } catch (LastErrorException e) {
            throw fail("ioctl(SIOCSIFFLAGS, \"" + name + "\")", e);
        } finally {
            LibC.close(sock);
        }
    }

    @Override
    public void execve(String path, List<String> argv, List<String> env) {
        check("execve(\"" + path + "\")", () -> LibC.execve(path, new StringArray(argv.toArray(String[]::new)), new StringArray(env.toArray(String[]::new))));
        throw new IllegalStateException("execve returned");
    }

    @Override
    public int spawn(String path, List<String> argv, List<String> env, int[] dup2s) {
        // posix_spawn_file_actions_t is 80 bytes in glibc; leave room.
        try (Memory actions = new Memory(256)) {
            LibC.posix_spawn_file_actions_init(actions);
            try {
                int highest = 2;
                int scratch = 2;
                for (int i = 0; i < dup2s.length; i += 2) {
                    highest = Math.max(highest, dup2s[i + 1]);
                    scratch = Math.max(scratch, Math.max(dup2s[i], dup2s[i + 1]));
                }
                // Through descriptors above every source and target, so that no dup2 overwrites
                // one a later dup2 still reads (a preserved fd 10 and a pipe at 10, say).
                scratch++;
                for (int pass = 0; pass < 2; pass++) {
                    for (int i = 0; i < dup2s.length; i += 2) {
                        int from = pass == 0 ? dup2s[i] : scratch + i / 2;
                        int to = pass == 0 ? scratch + i / 2 : dup2s[i + 1];
                        int rc = LibC.posix_spawn_file_actions_adddup2(actions, from, to);
                        if (rc != 0) {
                            throw new SyscallException("posix_spawn_file_actions_adddup2", rc);
                        }
                    }
                }
                // Nothing else of this process reaches the child: not the JVM's jars (the JDK
                // opens them without O_CLOEXEC, through the host's writable mounts), and not
                // whatever jspec's caller left open without close-on-exec.
                int rc = LibC.posix_spawn_file_actions_addclosefrom_np(actions, highest + 1);
                if (rc != 0) {
                    throw new SyscallException("posix_spawn_file_actions_addclosefrom_np", rc);
                }
                int[] pid = new int[1];
                rc = LibC.posix_spawn(pid, path, actions, null, new StringArray(argv.toArray(String[]::new)),
                        new StringArray(env.toArray(String[]::new)));
                if (rc != 0) {
                    throw new SyscallException("posix_spawn(\"" + path + "\")", rc);
                }
                return pid[0];
            } finally {
                LibC.posix_spawn_file_actions_destroy(actions);
            }
        }
    }

    @Override
    public int[] pipe() {
        int[] fds = new int[2];
        try {
            LibC.pipe2(fds, O_CLOEXEC);
            for (int i = 0; i < 2; i++) {
                int high = LibC.fcntl(fds[i], F_DUPFD_CLOEXEC, 10);
                LibC.close(fds[i]);
                fds[i] = high;
            }
            return fds;
        } catch (LastErrorException e) {
            throw fail("pipe2", e);
        }
    }

    @Override
    public int read(int fd, byte[] buf) {
        while (true) {
            try {
                return (int) LibC.read(fd, buf, buf.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw fail("read(" + fd + ")", e);
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
                    throw fail("write(" + fd + ")", e);
                }
            }
        }
    }

    @Override
    public void close(int fd) {
        check("close(" + fd + ")", () -> LibC.close(fd));
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
        check("kill(" + pid + ", " + signal + ")", () -> LibC.kill(pid, signal));
    }

    @Override
    public int pidfdOpen(int pid) {
        return (int) check("pidfd_open(" + pid + ")", () -> LibC.syscall(SyscallNumbers.PIDFD_OPEN, pid, 0));
    }

    @Override
    public void pidfdSendSignal(int pidfd, int signal) {
        check("pidfd_send_signal(" + pidfd + ", " + signal + ")",
                () -> LibC.syscall(SyscallNumbers.PIDFD_SEND_SIGNAL, pidfd, signal, null, 0));
    }

    @Override
    public int[] openPty() {
        int master = (int) check("posix_openpt(O_RDWR|O_NOCTTY)", () -> LibC.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
        try {
            check("grantpt(" + master + ")", () -> LibC.grantpt(master));
            check("unlockpt(" + master + ")", () -> LibC.unlockpt(master));
            byte[] name = new byte[128];
            int rc = LibC.ptsname_r(master, name, name.length);
            if (rc != 0) {
                throw new SyscallException("ptsname_r(" + master + ")", rc);
            }
            String path = new String(name, 0, indexOfZero(name), StandardCharsets.US_ASCII);
            int slave = (int) check("open(\"" + path + "\", O_RDWR|O_NOCTTY)", () -> LibC.open(path, O_RDWR | O_NOCTTY | O_CLOEXEC, 0));
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
        try (Memory ws = new Memory(8)) {
            ws.clear();
            LibC.ioctl(fd, TIOCGWINSZ, ws);
            return new int[] {ws.getShort(0) & 0xffff, ws.getShort(2) & 0xffff};
        } catch (LastErrorException e) {
            return null;
        }
    }

    @Override
    public void setWindowSize(int fd, int rows, int columns) {
        try (Memory ws = new Memory(8)) {
            ws.clear();
            ws.setShort(0, (short) rows);
            ws.setShort(2, (short) columns);
            LibC.ioctl(fd, TIOCSWINSZ, ws);
        } catch (LastErrorException e) {
            throw fail("ioctl(TIOCSWINSZ)", e);
        }
    }

    @Override
    public byte[] makeRaw(int fd) {
        if (LibC.isatty(fd) != 1) {
            return null;
        }
        byte[] saved = new byte[TERMIOS_SIZE];
        try {
            LibC.tcgetattr(fd, saved);
            byte[] raw = saved.clone();
            LibC.cfmakeraw(raw);
            LibC.tcsetattr(fd, TCSANOW, raw);
            return saved;
        } catch (LastErrorException e) {
            throw fail("tcsetattr", e);
        }
    }

    @Override
    public void restoreTerminal(int fd, byte[] saved) {
        check("tcsetattr", () -> LibC.tcsetattr(fd, TCSANOW, saved));
    }

    // ---- descriptors, and paths resolved relative to them ----

    private static final int O_PATH = 0x200000;
    private static final int O_EXCL = 0x80;
    private static final long RESOLVE_NO_XDEV = 0x01;
    private static final long RESOLVE_NO_MAGICLINKS = 0x02;
    private static final long RESOLVE_NO_SYMLINKS = 0x04;
    private static final long RESOLVE_BENEATH = 0x08;
    private static final long RESOLVE_IN_ROOT = 0x10;
    private static final int STATX_BASIC_STATS = 0x7ff;

    @Override
    public int openPath(String path) {
        return (int) check("open(\"" + path + "\", O_PATH)", () -> LibC.open(path, O_PATH | O_CLOEXEC, 0));
    }

    @Override
    public int openInRoot(int rootFd, String path, boolean followLinks) {
        long resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | (followLinks ? 0 : RESOLVE_NO_SYMLINKS);
        return openat2("openat2(root, \"" + path + "\", O_PATH, RESOLVE_IN_ROOT"
                + (followLinks ? "" : "|RESOLVE_NO_SYMLINKS") + ")", rootFd, path, O_PATH | O_CLOEXEC, resolve);
    }

    @Override
    public int openBeneathForWrite(int dirFd, String path) {
        return openat2("openat2(proc, \"" + path + "\", O_WRONLY, RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_XDEV)",
                dirFd, path, O_WRONLY | O_TRUNC | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
    }

    private static int openat2(String what, int dirFd, String path, int flags, long resolve) {
        // struct open_how { __u64 flags, mode, resolve; }
        byte[] how = new byte[24];
        putLong(how, 0, flags);
        putLong(how, 16, resolve);
        return (int) check(what, () -> LibC.syscall(SyscallNumbers.OPENAT2, dirFd, path, how, how.length));
    }

    @Override
    public FileInfo fstat(int fd) {
        byte[] buf = new byte[256];
        check("statx(" + fd + ", AT_EMPTY_PATH)", () -> LibC.statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf));
        // struct statx: stx_mode (u16) at 0x1c, stx_rdev_major and stx_rdev_minor (u32) at 0x80 and 0x84.
        int mode = (buf[0x1c] & 0xff) | ((buf[0x1d] & 0xff) << 8);
        boolean charDevice = (mode & S_IFMT) == 0x2000;
        return new FileInfo(kindOf(buf), charDevice, getInt(buf, 0x80), getInt(buf, 0x84));
    }

    @Override
    public long fsType(int fd) {
        byte[] buf = new byte[256];
        check("fstatfs(" + fd + ")", () -> LibC.fstatfs(fd, buf));
        // struct statfs starts with f_type, a long on 64-bit Linux.
        return getInt(buf, 0) & 0xffffffffL;
    }

    @Override
    public void mkdirAt(int dirFd, String name, int mode) {
        check("mkdirat(\"" + name + "\")", () -> LibC.mkdirat(dirFd, name, mode));
    }

    @Override
    public void mknodAt(int dirFd, String name, int modeAndType, long major, long minor) {
        check("mknodat(\"" + name + "\")", () -> LibC.mknodat(dirFd, name, modeAndType, makedev(major, minor)));
    }

    @Override
    public void symlinkAt(String target, int dirFd, String name) {
        check("symlinkat(\"" + target + "\", \"" + name + "\")", () -> LibC.symlinkat(target, dirFd, name));
    }

    @Override
    public void unlinkAt(int dirFd, String name) {
        check("unlinkat(\"" + name + "\")", () -> LibC.unlinkat(dirFd, name, 0));
    }

    @Override
    public int createAt(int dirFd, String name) {
        return (int) check("openat(\"" + name + "\", O_CREAT|O_EXCL|O_NOFOLLOW)",
                () -> LibC.openat(dirFd, name, O_WRONLY | O_CREAT | O_EXCL | SyscallNumbers.O_NOFOLLOW | O_CLOEXEC, 0644));
    }

    @Override
    public void fchown(int fd, long uid, long gid) {
        check("fchownat(" + fd + ", AT_EMPTY_PATH)", () -> LibC.fchownat(fd, "", (int) uid, (int) gid, AT_EMPTY_PATH));
    }

    @Override
    public void fchdir(int fd) {
        check("fchdir(" + fd + ")", () -> LibC.fchdir(fd));
    }

    @Override
    public String readlinkAt(int dirFd, String name) {
        byte[] buf = new byte[4096];
        long n = check("readlinkat(\"" + name + "\")", () -> LibC.readlinkat(dirFd, name, buf, buf.length));
        return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
    }

    private static int getInt(byte[] b, int off) {
        return (b[off] & 0xff) | ((b[off + 1] & 0xff) << 8) | ((b[off + 2] & 0xff) << 16) | ((b[off + 3] & 0xff) << 24);
    }

    /** A glibc call that sets errno on failure, so that {@link #check} can turn it into a SyscallException. */
    @FunctionalInterface
    private interface Call {
        long run() throws LastErrorException;
    }

    /** Runs {@code call}; a failure becomes a {@link SyscallException} naming {@code what} and the errno. */
    private static long check(String what, Call call) {
        try {
            return call.run();
        } catch (LastErrorException e) {
            throw fail(what, e);
        }
    }

    private static SyscallException fail(String call, LastErrorException e) {
        return new SyscallException(call, e.getErrorCode());
    }
}
