package dev.jspec.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * A terminal's settings and size: struct termios, opaque here and handed to glibc's
 * tcgetattr/cfmakeraw/tcsetattr, and struct winsize for TIOCGWINSZ/TIOCSWINSZ.
 */
final class Termios {

    /** struct termios is 60 bytes in glibc; leave room. */
    static final int SIZE = 128;
    static final int TCSANOW = 0;
    private static final long TIOCGWINSZ = 0x5413;
    private static final long TIOCSWINSZ = 0x5414;
    // struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; }
    private static final int WINSIZE_SIZE = 8;

    private Termios() {}

    /** The settings {@code saved} in raw mode (cfmakeraw), as a new struct. */
    static byte[] raw(byte[] saved) {
        byte[] raw = saved.clone();
        LibC.cfmakeraw(raw);
        return raw;
    }

    /** {rows, columns}; throws when fd is not a terminal. */
    static int[] windowSize(int fd) throws LastErrorException {
        try (Memory ws = new Memory(WINSIZE_SIZE)) {
            ws.clear();
            LibC.ioctl(fd, TIOCGWINSZ, ws);
            return new int[] {ws.getShort(0) & 0xffff, ws.getShort(2) & 0xffff};
        }
    }

    static void setWindowSize(int fd, int rows, int columns) throws LastErrorException {
        try (Memory ws = new Memory(WINSIZE_SIZE)) {
            ws.clear();
            ws.setShort(0, (short) rows);
            ws.setShort(2, (short) columns);
            LibC.ioctl(fd, TIOCSWINSZ, ws);
        }
    }
}
