package dev.jspec.exec;

import java.util.List;

/**
 * Removal of a container's cgroup directories. rmdir(2) fails with EBUSY while a process
 * is inside, so whatever is left (a container without its own PID namespace can leave
 * processes behind) is killed first, and the kernel is given a moment to reap them.
 */
public final class CgroupRemoval {

    private static final int SIGKILL = 9;

    private CgroupRemoval() {}

    /** Removes each directory in order (deepest first); reports on stderr what stays. */
    public static void remove(Syscalls sys, List<String> dirs) {
        if (dirs.stream().anyMatch(d -> hasProcesses(sys, d))) {
            freezeAndKill(sys, dirs);
        }
        for (String dir : dirs) {
            removeOne(sys, dir);
        }
    }

    private static void removeOne(Syscalls sys, String dir) {
        for (int attempt = 0; attempt < 200; attempt++) {
            try {
                sys.rmdir(dir);
                return;
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENOENT) {
                    return;
                }
                if (e.errno() != Errno.EBUSY) {
                    System.err.println("jspec: cannot remove cgroup " + dir + ": " + Errno.describe(e.errno()));
                    return;
                }
                if (!killAll(sys, dir) && attempt >= 20) {
                    // No process inside, yet busy: it holds another container's cgroup (a
                    // shared parent such as /jspec), which is theirs to keep.
                    return;
                }
                sleep(attempt < 20 ? 1 : 10);
            }
        }
        System.err.println("jspec: cgroup " + dir + " stays busy; processes remain in it");
    }

    /**
     * Freezes the container (v1 freezer.state, v2 cgroup.freeze) so nothing in it can fork
     * while it is being killed, sends SIGKILL to every process, and thaws it so the signals
     * are delivered.
     */
    static void freezeAndKill(Syscalls sys, List<String> dirs) {
        List<String> frozen = new java.util.ArrayList<>();
        for (String dir : dirs) {
            if (setFreezer(sys, dir, true)) {
                frozen.add(dir);
            }
        }
        for (String dir : dirs) {
            killAll(sys, dir);
        }
        for (String dir : frozen) {
            setFreezer(sys, dir, false);
        }
    }

    private static boolean setFreezer(Syscalls sys, String dir, boolean frozen) {
        try {
            if (sys.kind(dir + "/freezer.state", true) == Syscalls.FileKind.REGULAR) {
                sys.writeFile(dir + "/freezer.state", frozen ? "FROZEN" : "THAWED");
                return true;
            }
            if (sys.kind(dir + "/cgroup.freeze", true) == Syscalls.FileKind.REGULAR) {
                sys.writeFile(dir + "/cgroup.freeze", frozen ? "1" : "0");
                return true;
            }
        } catch (SyscallException e) {
            // Killing works without the freezer too; it only closes the fork race.
        }
        return false;
    }

    private static boolean hasProcesses(Syscalls sys, String dir) {
        try {
            return !sys.readFile(dir + "/cgroup.procs").isBlank();
        } catch (SyscallException e) {
            return false;
        }
    }

    /** SIGKILL to every process in the cgroup; true when there was any. */
    public static boolean killAll(Syscalls sys, String dir) {
        boolean any = false;
        try {
            for (String pid : sys.readFile(dir + "/cgroup.procs").split("\\s+")) {
                if (!pid.isEmpty()) {
                    any = true;
                    try {
                        sys.kill(Integer.parseInt(pid), SIGKILL);
                    } catch (SyscallException ignored) {
                        // Exited meanwhile.
                    }
                }
            }
        } catch (SyscallException ignored) {
            // The directory went away meanwhile.
        }
        return any;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
