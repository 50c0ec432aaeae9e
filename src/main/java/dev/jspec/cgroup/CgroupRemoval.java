package dev.jspec.cgroup;

import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Removal of a container's cgroup directories. rmdir(2) fails with EBUSY while a process
 * is inside, so whatever is left (a container without its own PID namespace can leave
 * processes behind) is killed first, and the kernel is given a moment to reap them.
 */
final class CgroupRemoval {

    private static final int SIGKILL = 9;

    private CgroupRemoval() {}

    /**
     * Empties and removes the container's directories, then each parent that nothing else
     * uses any more. Tells {@code problems} (one line each) what stays.
     */
    static void remove(Syscalls sys, CgroupCleanup cleanup, Consumer<String> problems) {
        List<String> dirs = cleanup.containerDirs();
        if (dirs.stream().anyMatch(d -> hasProcesses(sys, d))) {
            freezeAndKill(sys, dirs);
        }
        for (String dir : dirs) {
            removeContainerDir(sys, dir, problems);
        }
        for (String dir : cleanup.parentDirs()) {
            removeIfEmpty(sys, dir, problems);
        }
    }

    /**
     * As {@link #remove(Syscalls, CgroupCleanup, Consumer)}, the same outcome, with the
     * system-call seam asked for only when a step needs it: what is done through Java's file
     * API instead is a look at cgroup.procs, the rmdir of a container directory with nothing
     * left in it, and the rmdir of each parent (removed when empty, left when another cgroup
     * is in it). Processes to kill, a directory that stays busy or cannot be removed, and a
     * parent refused for another reason go to the seam as before, which says why.
     */
    static void removeLazily(Supplier<Syscalls> sys, CgroupCleanup cleanup, Consumer<String> problems) {
        List<String> dirs = cleanup.containerDirs();
        if (dirs.stream().anyMatch(CgroupRemoval::hasProcesses)) {
            freezeAndKill(sys.get(), dirs);
        }
        for (String dir : dirs) {
            if (!removedEmpty(dir)) {
                removeContainerDir(sys.get(), dir, problems);
            }
        }
        for (String dir : cleanup.parentDirs()) {
            if (!removedOrInUse(dir)) {
                removeIfEmpty(sys.get(), dir, problems);
            }
        }
    }

    /**
     * The usual case, through Java's file API and no system-call seam: rmdir(2) of a
     * directory whose processes are all gone (Files.delete removes a directory with rmdir),
     * or nothing to do when it is gone already. False for anything else (not a directory,
     * busy, refused): the seam's removal then does it, waiting and telling as it does.
     */
    static boolean removedEmpty(String dir) {
        Path p = Path.of(dir);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        return rmdir(p);
    }

    /**
     * A parent's removal through Java's file API: rmdir(2), which the kernel refuses while a
     * cgroup is below it (EBUSY), so a start making its directory in the parent either finds
     * it or finds it gone and makes it again; no lock is needed. True when there is nothing
     * more to do or to say: removed, gone already, or still holding a cgroup or a process.
     * False for a refusal with no such reason (or something not a directory at the path):
     * the seam's rmdir then learns the errno and tells it.
     */
    static boolean removedOrInUse(String dir) {
        Path p = Path.of(dir);
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
        }
        // cgroupfs answers EBUSY, a plain FileSystemException to Java, for a cgroup with child cgroups.
        return rmdir(p) || inUse(dir);
    }

    /** rmdir(2) through Java's file API (Files.delete of a directory): true when the directory is gone, now or before. */
    private static boolean rmdir(Path dir) {
        try {
            Files.delete(dir);
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether a parent holds a cgroup below it (a subdirectory) or a process, the reasons its
     * rmdir fails (EBUSY) that {@link #removeIfEmpty} leaves unsaid. A parent that is gone is
     * in use by nothing and needs nothing either.
     */
    static boolean inUse(String dir) {
        Path p = Path.of(dir);
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
            for (Path e : entries) {
                if (Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return hasProcesses(dir);
    }

    private static void removeContainerDir(Syscalls sys, String dir, Consumer<String> problems) {
        for (int attempt = 0; attempt < 200; attempt++) {
            try {
                sys.rmdir(dir);
                return;
            } catch (SyscallException e) {
                if (e.errno() == Errno.ENOENT) {
                    return;
                }
                if (e.errno() != Errno.EBUSY) {
                    problems.accept("jspec: cannot remove cgroup " + dir + ": " + Errno.describe(e.errno()));
                    return;
                }
                // Exited processes leave the cgroup a moment after they are reaped.
                killAll(sys, dir);
                sleep(attempt < 20 ? 1 : 10);
            }
        }
        problems.accept("jspec: cgroup " + dir + " stays busy: processes or child cgroups remain in it");
    }

    /**
     * rmdir of a parent, shared with other containers or made by this one: it goes when
     * empty; refused because a cgroup is still in it (EBUSY, ENOTEMPTY), or gone already, it
     * is left without a word. A start that made or found it and meets it gone makes it again.
     */
    private static void removeIfEmpty(Syscalls sys, String dir, Consumer<String> problems) {
        try {
            sys.rmdir(dir);
        } catch (SyscallException e) {
            if (e.errno() != Errno.ENOENT && e.errno() != Errno.EBUSY && e.errno() != Errno.ENOTEMPTY) {
                problems.accept("jspec: cannot remove cgroup " + dir + ": " + Errno.describe(e.errno()));
            }
        }
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

    static boolean hasProcesses(Syscalls sys, String dir) {
        try {
            return !sys.readFile(dir + "/cgroup.procs").isBlank();
        } catch (SyscallException e) {
            return false;
        }
    }

    /** {@link #hasProcesses(Syscalls, String)} read through Java's file API. */
    static boolean hasProcesses(String dir) {
        try {
            return !Files.readString(Path.of(dir, "cgroup.procs")).isBlank();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** SIGKILL to every process in the cgroup. */
    static void killAll(Syscalls sys, String dir) {
        try {
            for (String pid : sys.readFile(dir + "/cgroup.procs").split("\\s+")) {
                if (!pid.isEmpty()) {
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
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
