package dev.jspec.exec;

import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;

/**
 * Connects jspec's own terminal to the container's pseudo-terminal: raw mode on our side
 * (the container's line discipline does the editing), bytes copied both ways, and the
 * window size copied over at start and on every SIGWINCH.
 */
public final class TerminalProxy implements AutoCloseable {

    private final Syscalls sys;
    private final int master;
    private byte[] savedTermios;

    public TerminalProxy(Syscalls sys, int master) {
        this.sys = sys;
        this.master = master;
    }

    /** Starts copying; output to jspec's stdout ends when the container's side closes. */
    public Thread start() {
        resize();
        savedTermios = sys.makeRaw(0);
        Thread in = new Thread(() -> copy(0, master), "jspec-tty-in");
        in.setDaemon(true);
        in.start();
        Thread out = new Thread(() -> copy(master, 1), "jspec-tty-out");
        out.setDaemon(true);
        out.start();
        return out;
    }

    /** Copies jspec's window size to the container's terminal (on SIGWINCH). */
    public void resize() {
        int[] size = sys.windowSize(0);
        if (size == null) {
            size = sys.windowSize(1);
        }
        if (size != null && size[0] > 0) {
            sys.setWindowSize(master, size[0], size[1]);
        }
    }

    private void copy(int from, int to) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = sys.read(from, buf)) > 0) {
                sys.writeAll(to, n == buf.length ? buf : java.util.Arrays.copyOf(buf, n));
            }
        } catch (SyscallException e) {
            // EIO on the master once the container's last holder of the terminal exits.
        }
    }

    @Override
    public void close() {
        if (savedTermios != null) {
            sys.restoreTerminal(0, savedTermios);
            savedTermios = null;
        }
    }
}
