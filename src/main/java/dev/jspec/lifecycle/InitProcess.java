package dev.jspec.lifecycle;

import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;

/**
 * A container's init as the host knows it: its pid, and its start time, which tells it apart
 * from a later process that the kernel gives the same pid once the init has exited. Nothing
 * is signalled or reported running on the strength of the pid alone.
 *
 * @param startTime field 22 of /proc/PID/stat (clock ticks after boot); 0 when unknown, and
 *     then the process is never taken for the container's
 */
public record InitProcess(int pid, long startTime) {

    /** The process now at {@code pid}, with its start time. */
    public static InitProcess of(Syscalls sys, int pid) {
        return new InitProcess(pid, startTime(sys.readFile("/proc/" + pid + "/stat")));
    }

    /** Whether the process at the pid is still this one (same start time) and has not exited (no zombie). */
    public boolean alive(Syscalls sys) {
        if (pid <= 0 || startTime <= 0) {
            return false;
        }
        String stat;
        try {
            stat = sys.readFile("/proc/" + pid + "/stat");
        } catch (SyscallException e) {
            return false;
        }
        return matches(stat);
    }

    /**
     * {@link #alive(Syscalls)} read through Java's own file API: the same file and the same
     * test, without loading JNA, for the commands that only look (state, list, events). A
     * start that costs a JVM tens of milliseconds for JNA's set-up is not worth one read.
     */
    public boolean alive() {
        if (pid <= 0 || startTime <= 0) {
            return false;
        }
        String stat;
        try {
            stat = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + pid + "/stat")),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return false;
        }
        return matches(stat);
    }

    private boolean matches(String stat) {
        try {
            return startTime(stat) == startTime && !state(stat).equals("Z");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Sends {@code signal} to this process and to no other. The pidfd is opened first and the
     * start time checked after: if the pid still names this process then, the pidfd is bound to
     * it, and a pid reused later cannot be reached through it.
     *
     * @return false when the process is gone (or the pid now names another one): nothing was sent
     */
    public boolean signal(Syscalls sys, int signal) {
        if (!alive(sys)) {
            return false;
        }
        int pidfd;
        try {
            pidfd = sys.pidfdOpen(pid);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ESRCH) {
                return false;
            }
            throw e;
        }
        try {
            if (!alive(sys)) {
                return false;
            }
            sys.pidfdSendSignal(pidfd, signal);
            return true;
        } catch (SyscallException e) {
            if (e.errno() == Errno.ESRCH) {
                return false;
            }
            throw e;
        } finally {
            sys.close(pidfd);
        }
    }

    /** Field 22 of a /proc/PID/stat line. The command name (field 2) may hold spaces and parentheses, so fields count from its last ')'. */
    static long startTime(String stat) {
        String[] f = afterCommand(stat);
        if (f.length < 20) {
            throw new IllegalArgumentException("short /proc stat line");
        }
        try {
            return Long.parseLong(f[19]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("no start time in /proc stat line", e);
        }
    }

    /** Field 3, the state letter (R, S, Z, ...). */
    static String state(String stat) {
        return afterCommand(stat)[0];
    }

    private static String[] afterCommand(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 > stat.length()) {
            throw new IllegalArgumentException("not a /proc stat line");
        }
        return stat.substring(close + 2).strip().split(" ");
    }
}
