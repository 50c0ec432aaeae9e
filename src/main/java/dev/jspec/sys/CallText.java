package dev.jspec.sys;

import com.sun.jna.LastErrorException;
import java.nio.charset.StandardCharsets;

/**
 * How a failed call's arguments are written in its {@link SyscallException}: C-like, strings
 * quoted with their control characters escaped (the message travels as one line), and a
 * descriptor with the path it names, as strace -y writes it ({@code 7</rootfs/dev>}).
 * Only failures build this text, so the descriptor's path costs nothing on success.
 */
public final class CallText {

    private static final int AT_FDCWD = -100;
    private static final String FD_PATH = "/proc/self/fd/";

    private static final String HEX = "0123456789abcdef";

    private CallText() {}

    /** A string argument, quoted: {@code "/dev/null"}, or {@code NULL}. */
    public static String q(String s) {
        if (s == null) {
            return "NULL";
        }
        return "\"" + escape(s) + "\"";
    }

    /**
     * A path argument: quoted, and a {@code /proc/self/fd/N} path (how jspec names a
     * descriptor to calls that take only paths) with what it names.
     */
    static String path(String path) {
        if (path != null && path.startsWith(FD_PATH)) {
            try {
                return q(path) + named(Integer.parseInt(path.substring(FD_PATH.length())));
            } catch (NumberFormatException e) {
                return q(path);
            }
        }
        return q(path);
    }

    /** A descriptor argument: {@code 7</rootfs/dev>}, {@code AT_FDCWD}, or the number alone when its path cannot be read. */
    static String fd(int fd) {
        return fd == AT_FDCWD ? "AT_FDCWD" : fd + named(fd);
    }

    /** {@code </path>} of an open descriptor, by its /proc/self/fd link; empty when that cannot be read. */
    private static String named(int fd) {
        if (fd < 0) {
            return "";
        }
        byte[] buf = new byte[4096];
        try {
            long n = LibC.readlinkat(AT_FDCWD, FD_PATH + fd, buf, buf.length);
            return "<" + escape(new String(buf, 0, (int) n, StandardCharsets.UTF_8)) + ">";
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            return "";
        }
    }

    /** Permission bits in octal, with the file type of a mknod mode: {@code S_IFCHR|0666}. */
    static String mode(int mode) {
        String type = switch (mode & 0xF000) {
            case 0x2000 -> "S_IFCHR|";
            case 0x6000 -> "S_IFBLK|";
            case 0x1000 -> "S_IFIFO|";
            case 0x8000 -> "S_IFREG|";
            case 0 -> "";
            default -> "0" + Integer.toOctalString(mode & 0xF000) + "|";
        };
        return type + "0" + Integer.toOctalString(mode & 07777);
    }

    /** {@code makedev(1, 3)}. */
    static String dev(long major, long minor) {
        return "makedev(" + major + ", " + minor + ")";
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** The text with backslash, quote and every control character escaped, as C writes them. */
    static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> c < 0x20 || c == 0x7f ? "\\x" + HEX.charAt(c >> 4) + HEX.charAt(c & 0xf) : null;
            };
            if (esc != null && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                if (esc != null) {
                    b.append(esc);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }
}
