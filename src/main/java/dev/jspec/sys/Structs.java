package dev.jspec.sys;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The kernel structs jspec packs or reads by hand, as byte arrays in the machine's order
 * (little-endian: x86_64 and aarch64), with their layouts from include/uapi/linux.
 */
final class Structs {

    /** statx(2) fills at most this much; struct statx is 256 bytes. */
    static final int STATX_SIZE = 256;
    private static final int S_IFMT = 0xF000;

    private Structs() {}

    /** struct statx: stx_mode, a __u16 at 0x1c. */
    static int statxMode(byte[] statx) {
        return (statx[0x1c] & 0xff) | ((statx[0x1d] & 0xff) << 8);
    }

    /** The file type of a struct statx. */
    static Syscalls.FileKind statxKind(byte[] statx) {
        return switch (statxMode(statx) & S_IFMT) {
            case 0x4000 -> Syscalls.FileKind.DIRECTORY;
            case 0x8000 -> Syscalls.FileKind.REGULAR;
            case 0xA000 -> Syscalls.FileKind.SYMLINK;
            default -> Syscalls.FileKind.OTHER;
        };
    }

    /** struct statx: stx_rdev_major and stx_rdev_minor, __u32 at 0x80 and 0x84; whether it is a character device. */
    static Syscalls.FileInfo statxInfo(byte[] statx) {
        boolean charDevice = (statxMode(statx) & S_IFMT) == 0x2000;
        return new Syscalls.FileInfo(statxKind(statx), charDevice, getInt(statx, 0x80), getInt(statx, 0x84));
    }

    /** struct statfs starts with f_type, a long on 64-bit Linux; the magic numbers fit 32 bits. */
    static long statfsType(byte[] statfs) {
        return getInt(statfs, 0) & 0xffffffffL;
    }

    /** struct open_how { __u64 flags, mode, resolve; } for openat2(2). */
    static byte[] openHow(int flags, long resolve) {
        byte[] how = new byte[24];
        putLong(how, 0, flags);
        putLong(how, 16, resolve);
        return how;
    }

    /** struct mount_attr { __u64 attr_set, attr_clr, propagation, userns_fd; } for mount_setattr(2). */
    static byte[] mountAttr(long attrSet, long attrClr) {
        byte[] attr = new byte[32];
        putLong(attr, 0, attrSet);
        putLong(attr, 8, attrClr);
        return attr;
    }

    /**
     * struct ifreq for SIOCGIFFLAGS/SIOCSIFFLAGS, in native memory for ioctl(2): 16 bytes of
     * name (NUL-terminated), then the union whose first member is short ifr_flags, at
     * {@link #IFREQ_FLAGS}.
     */
    static Memory ifreq(String name) {
        Memory ifr = new Memory(40);
        ifr.clear();
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        ifr.write(0, n, 0, Math.min(n.length, 15));
        return ifr;
    }

    static final int IFREQ_FLAGS = 16;

    /**
     * The names in a buffer of struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type;
     * char name[]; } as getdents64(2) returns {@code length} bytes of them.
     */
    static void direntNames(byte[] buf, long length, List<String> names) {
        for (int off = 0; off < length; ) {
            int reclen = (buf[off + 16] & 0xff) | ((buf[off + 17] & 0xff) << 8);
            int end = off + 19;
            while (buf[end] != 0) {
                end++;
            }
            names.add(new String(buf, off + 19, end - off - 19, StandardCharsets.UTF_8));
            off += reclen;
        }
    }

    static int getInt(byte[] b, int off) {
        return (b[off] & 0xff) | ((b[off + 1] & 0xff) << 8) | ((b[off + 2] & 0xff) << 16) | ((b[off + 3] & 0xff) << 24);
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
