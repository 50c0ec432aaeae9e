package dev.jspec.cgroup;

import dev.jspec.spec.Spec;
import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one owner of a container's cgroups: everything jspec does to them goes through here,
 * from making the directories at start to removing them on delete (the role of youki's
 * {@code CgroupManager}). It knows which directories are the container's own: at a start,
 * the ones it made itself; for a recorded container, the ones that are provably still the
 * directories it made (their recorded inode, see {@link CgroupOwnership}). Only those are
 * listed, signalled, frozen, limited and emptied; parents are removed only when empty.
 *
 * <p>Paths are absolute and the cgroup root is whatever they are under, so a plain directory
 * tree stands in for cgroupfs in the unit tests (the kernel's own behaviour is the ITs').
 * Making and removing go through {@link Syscalls}; the commands that read a running
 * container's files (ps, pause, update, events) read them as files.
 */
public final class CgroupManager {

    /** How often a parent removed under a start is made again before the start gives up (ENOENT, as without it). */
    private static final int REMAKES = 20;

    /** The system-call seam, asked for at the first call that needs it (see {@link #forContainer(Supplier, List, List, Map)}). */
    private final Supplier<Syscalls> seam;
    private Syscalls sys;
    /** Made for a command on an existing container with the seam made on demand: removal goes through Java's file API first. */
    private boolean lazy;
    /** A start: the container's directories and shared parents as the plan will make them. */
    private final CgroupCleanup planned;
    /** The container's own directories: made by this start, or proven by their inode. */
    private final List<String> own = new ArrayList<>();
    /** Parents to remove when empty: shared ones, ones this start made, and recorded directories not proven the container's. */
    private final List<String> parents = new ArrayList<>();
    private final List<String> unproven;
    private final List<String> foreign;
    /**
     * The levels above the container's directories this start made or found, each with what
     * it did to it since: what it does again to one a delete removed meanwhile (see {@link #mkdir}).
     */
    private final Map<String, Level> levels = new HashMap<>();
    private final List<String> joined = new ArrayList<>();

    private CgroupManager(Supplier<Syscalls> seam, CgroupCleanup planned, List<String> unproven, List<String> foreign) {
        this.seam = seam;
        this.planned = planned;
        this.unproven = List.copyOf(unproven);
        this.foreign = List.copyOf(foreign);
    }

    /** For a start that will make {@code planned}: nothing is the container's until {@link #mkdir} made it. */
    public static CgroupManager forStart(Syscalls sys, CgroupCleanup planned) {
        return new CgroupManager(() -> sys, planned, List.of(), List.of());
    }

    /**
     * For a container that exists: the directories and parents its state recorded, and the
     * inode number of each directory when it was made.
     */
    public static CgroupManager forContainer(Syscalls sys, List<String> dirs, List<String> parentDirs, Map<String, Long> inodes) {
        CgroupManager m = forContainer(() -> sys, dirs, parentDirs, inodes);
        m.lazy = false;
        return m;
    }

    /**
     * As {@link #forContainer(Syscalls, List, List, Map)}, with the system-call seam made
     * only when a call needs it: a delete of a container whose processes are all gone
     * removes its directories through Java's file API (see {@link CgroupRemoval}), and a
     * JVM that never sets up the native binding saves tens of milliseconds.
     */
    public static CgroupManager forContainer(Supplier<Syscalls> sys, List<String> dirs, List<String> parentDirs,
            Map<String, Long> inodes) {
        CgroupOwnership.Split split = CgroupOwnership.split(dirs, inodes);
        CgroupManager m = new CgroupManager(sys, new CgroupCleanup(List.of(), List.of()), split.unproven(), split.foreign());
        m.lazy = true;
        m.own.addAll(split.owned());
        // Not proven the container's: removed with its parents, only when nothing is in them.
        m.parents.addAll(split.unproven());
        m.parents.addAll(parentDirs);
        return m;
    }

    // ---- making them (a start) ----

    /** Whether a start is to make {@code dir} as one of the container's own directories (not a parent). */
    public boolean isContainerDir(String dir) {
        return planned.containerDirs().contains(dir);
    }

    /** Whether {@code dir} is to be one of the container's own directories and exists already (another's: refused). */
    public boolean leafExists(String dir) {
        return planned.containerDirs().contains(dir) && sys().kind(dir, false) != Syscalls.FileKind.MISSING;
    }

    /**
     * mkdir of one level. The container's own directory is made here or not at all (EEXIST):
     * one that exists, another container's perhaps with this ID under another --root, even
     * while empty, is never taken over, or its teardown and ours would kill each other. A
     * parent that exists, or that another start makes meanwhile, is used as it is; one this
     * call makes is remembered for removal (a shared one is removed when empty anyway).
     *
     * <p>No lock keeps a delete from removing a parent that is empty for a moment: the
     * kernel's rmdir of a cgroup fails while a cgroup is below it, so the only race is a
     * delete removing a parent between this start making (or finding) it and making the next
     * level in it (or copying the cpuset values into it). That call then fails with ENOENT
     * (ENODEV if the parent went while it was under way), and the parent is made again, with
     * what this start wrote into it, before the call is tried again.
     */
    public void mkdir(String dir, boolean shared) {
        if (planned.containerDirs().contains(dir)) {
            make(dir, false);
            own.add(dir);
            return;
        }
        Level level = new Level(shared, new ArrayList<>());
        if (sys().kind(dir, true) != Syscalls.FileKind.DIRECTORY && make(dir, true)) {
            remember(dir, level);
        }
        levels.put(dir, level);
    }

    /** A level above the container's directories: jspec's shared parent or not, and the writes made to it, in order. */
    private record Level(boolean shared, List<Runnable> writes) {}

    /**
     * mkdir(2) of {@code dir}, making a level of this start's above it again when a delete
     * removed that meanwhile. True when this call made the directory; false when it is a
     * parent that another start made meanwhile ({@code parentMayExist}: EEXIST and a directory;
     * EEXIST and gone again, as another start's delete removes it when empty, is tried again).
     */
    private boolean make(String dir, boolean parentMayExist) {
        for (int attempt = 1; ; attempt++) {
            try {
                sys().mkdir(dir, 0755);
                return true;
            } catch (SyscallException e) {
                if (parentMayExist && e.errno() == Errno.EEXIST) {
                    Syscalls.FileKind kind = sys().kind(dir, true);
                    if (kind == Syscalls.FileKind.DIRECTORY) {
                        return false;
                    }
                    // Another start made it and a delete removed it again, between the mkdir and the look.
                    if (kind == Syscalls.FileKind.MISSING && attempt < REMAKES) {
                        continue;
                    }
                    throw e;
                }
                Level above = levels.get(parentOf(dir));
                if (!gone(e) || above == null || attempt >= REMAKES) {
                    throw e;
                }
                remake(parentOf(dir), above);
            }
        }
    }

    /**
     * Whether a call failed because its cgroup directory is gone: ENOENT, or ENODEV from
     * kernfs when the directory was removed after the path was looked up (a file opened
     * before, a mkdir below it).
     */
    private static boolean gone(SyscallException e) {
        return e.errno() == Errno.ENOENT || e.errno() == Errno.ENODEV;
    }

    /**
     * A level a delete removed as empty, made again (its own parent too if need be) with what
     * this start wrote into it; again if it goes while that is written.
     */
    private void remake(String dir, Level level) {
        for (int attempt = 1; ; attempt++) {
            if (make(dir, true)) {
                remember(dir, level);
            }
            try {
                level.writes().forEach(Runnable::run);
                return;
            } catch (SyscallException e) {
                if (!gone(e) || attempt >= REMAKES) {
                    throw e;
                }
            }
        }
    }

    /** A parent this start made: removed with the container when empty (a shared one is in the plan's cleanup already). */
    private void remember(String dir, Level level) {
        if (!level.shared() && !parents.contains(dir)) {
            parents.add(dir);
        }
    }

    /**
     * A write into a level above the container's directories, done again once the level is
     * made again when a delete removed it (before the container's directory was in it), and
     * remembered, so that a later remake does it again too.
     */
    private void toLevel(String dir, Runnable write) {
        Level level = levels.get(dir);
        if (level == null) {
            write.run();
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                write.run();
                break;
            } catch (SyscallException e) {
                if (!gone(e) || attempt >= REMAKES) {
                    throw e;
                }
                remake(dir, level);
            }
        }
        level.writes().add(write);
    }

    /**
     * A value a new directory starts without (v1 cpuset's cpus and mems), copied from its
     * parent when empty. A parent of this start's that is empty too was made again by
     * another start that has not copied into it yet: its value is copied first.
     */
    public void copyFromParent(String dir, String file) {
        toLevel(dir, () -> {
            String mine = sys().readFile(dir + "/" + file).strip();
            if (mine.isEmpty()) {
                String parent = parentOf(dir);
                String theirs = sys().readFile(parent + "/" + file).strip();
                if (theirs.isEmpty() && levels.containsKey(parent)) {
                    copyFromParent(parent, file);
                    theirs = sys().readFile(parent + "/" + file).strip();
                }
                sys().writeFile(dir + "/" + file, theirs);
            }
        });
    }

    /** One limit: {@code value} into {@code dir/file}. */
    public void write(String dir, String file, String value) {
        toLevel(dir, () -> sys().writeFile(dir + "/" + file, value));
    }

    /** cgroup v2's device rules, as one BPF program attached to {@code dir}. */
    public void attachDeviceFilter(String dir, List<String> rules) {
        sys().attachDeviceFilter(dir, DeviceFilter.program(rules));
    }

    /** Puts {@code pid} into each of {@code dirs} (the init at a start, or an exec's process). */
    public void addProcess(int pid, List<String> dirs) {
        for (String dir : dirs) {
            sys().writeFile(dir + "/cgroup.procs", Integer.toString(pid));
            joined.add(dir);
        }
    }

    /** The directories a process was put in by {@link #addProcess}. */
    public List<String> joined() {
        return List.copyOf(joined);
    }

    /** What {@link #remove} will remove: the container's own directories, and the parents to remove when empty. */
    public CgroupCleanup cleanup() {
        List<String> all = new ArrayList<>(planned.parentDirs());
        all.addAll(parents);
        return new CgroupCleanup(own, all);
    }

    /** The inode number of each of the container's own directories: recorded, so that a later command can prove them its. */
    public Map<String, Long> inodes() {
        return CgroupOwnership.inodes(own);
    }

    // ---- a container that exists ----

    /** The container's own directories: the only ones whose processes are listed, signalled, frozen or limited. */
    public List<String> dirs() {
        return List.copyOf(own);
    }

    /** Recorded directories that now are another directory at the same path (another container's): left alone. */
    public List<String> foreign() {
        return foreign;
    }

    /** Recorded directories not proven the container's (its start stopped before recording them) that hold processes: left alone. */
    public List<String> unprovenHoldingProcesses() {
        return lazy ? unproven.stream().filter(CgroupRemoval::hasProcesses).toList()
                : unproven.stream().filter(d -> CgroupRemoval.hasProcesses(sys(), d)).toList();
    }

    /** Every process in the container's cgroups and the cgroups below them, once each, ascending. */
    public List<Integer> pids() {
        return CgroupProcesses.pids(own);
    }

    /** Whether the container has a freezer: v1's freezer hierarchy, or a v2 directory of its own. */
    public boolean canFreeze() {
        return Freezer.dir(own) != null;
    }

    /** Whether the container is frozen or freezing (runc reports both as paused). */
    public boolean paused() {
        return frozen(own);
    }

    /**
     * {@link #paused()} for a container known only by its recorded directories, for the
     * commands that only look (state, list): a file read, so no system-call seam (and no JNA)
     * is set up for it.
     */
    public static boolean paused(List<String> dirs, Map<String, Long> inodes) {
        return frozen(CgroupOwnership.split(dirs, inodes).owned());
    }

    private static boolean frozen(List<String> owned) {
        String dir = Freezer.dir(owned);
        return dir != null && Freezer.frozen(dir);
    }

    /**
     * Freezes every process of the container, returning once all are stopped.
     *
     * @throws IOException naming the file when a write fails or the freeze does not complete
     *     in time (undone first); IllegalStateException when there is no freezer
     */
    public void freeze() throws IOException, InterruptedException {
        Freezer.freeze(freezerDir());
    }

    /** Lets the container's processes run again. */
    public void thaw() throws IOException {
        Freezer.thaw(freezerDir());
    }

    private String freezerDir() {
        String dir = Freezer.dir(own);
        if (dir == null) {
            throw new IllegalStateException("no freezer among " + own);
        }
        return dir;
    }

    /**
     * {@code signal} to every process in the container's cgroups, frozen meanwhile where a
     * freezer exists (as runc does), so that no process forks a child the list read a moment
     * earlier misses; a paused container stays paused. Each process is signalled through a
     * pidfd, so a pid that exited and was reused meanwhile is not reached.
     *
     * @param cannotFreeze told when the freeze failed (the signals are sent anyway)
     * @param cannotThaw told when the thaw afterwards failed
     * @throws SyscallException when a signal cannot be sent (not for a process that is gone)
     */
    public void signalAll(int signal, Consumer<IOException> cannotFreeze, Consumer<IOException> cannotThaw) throws InterruptedException {
        String freezer = Freezer.dir(own);
        boolean froze = false;
        if (freezer != null && !Freezer.frozen(freezer)) {
            try {
                Freezer.freeze(freezer);
                froze = true;
            } catch (IOException e) {
                // Signal without the freeze: a child forked meanwhile may be missed, nothing worse.
                cannotFreeze.accept(e);
            }
        }
        try {
            for (int pid : CgroupProcesses.pids(own)) {
                send(pid, signal);
            }
        } finally {
            if (froze) {
                try {
                    Freezer.thaw(freezer);
                } catch (IOException e) {
                    cannotThaw.accept(e);
                }
            }
        }
    }

    private void send(int pid, int signal) {
        int pidfd;
        try {
            pidfd = sys().pidfdOpen(pid);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ESRCH) {
                return;
            }
            throw e;
        }
        try {
            sys().pidfdSendSignal(pidfd, signal);
        } catch (SyscallException e) {
            if (e.errno() != Errno.ESRCH) {
                throw e;
            }
        } finally {
            sys().close(pidfd);
        }
    }

    /** A write of {@link #update} the kernel refused. */
    public static final class WriteFailed extends IOException {
        private final transient Path path;
        private final String value;

        WriteFailed(Path path, String value, IOException cause) {
            super("write(" + path + ", \"" + value + "\"): " + cause.getMessage(), cause);
            this.path = path;
            this.value = value;
        }

        public Path path() {
            return path;
        }

        public String value() {
            return value;
        }
    }

    /**
     * New limits for the running container, through the same conversions as at its start:
     * only the values given are written (see {@link CgroupUpdate}). Every value this host
     * cannot take goes to {@code notes} before anything is written.
     *
     * @param mounts the host's cgroup mounts, which tell which of the container's directories holds each controller
     * @throws WriteFailed at the first write the kernel refuses
     */
    public void update(Spec.Resources r, CgroupLayoutProbe.CgroupMounts mounts, Consumer<String> notes) throws WriteFailed {
        List<String> lines = new ArrayList<>();
        List<CgroupUpdate.FileWrite> writes = CgroupUpdate.writes(r, mounts.layout(), mounts.v1Mounts(), mounts.v2Mount(),
                own, CgroupManager::current, lines);
        lines.forEach(notes);
        for (CgroupUpdate.FileWrite w : writes) {
            try {
                Files.write(w.path(), w.value().getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new WriteFailed(w.path(), w.value(), e);
            }
        }
    }

    private static String current(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }

    /** The container's resource usage, as {@code runc events --stats} reports it. */
    public CgroupStats.Stats stats() {
        return CgroupStats.read(own.stream().map(Path::of).toList());
    }

    /** The OOM kills counted so far in the container's memory cgroup; -1 when it has none. */
    public long oomKills() {
        return OomKills.count(own);
    }

    /** A sentence for the user when the OOM killer acted in the container, else null. */
    public String oomExplanation() {
        return OomKills.explain(own);
    }

    // ---- removing them ----

    /**
     * Removes the container's own directories (processes still inside, which a container
     * without its own PID namespace can leave, are frozen and killed first; then rmdir until
     * the kernel has let them go) and then the parents nothing else uses, deepest first.
     * Tells {@code problems} (one line each) what stays. Done, this manager owns nothing.
     */
    public void remove(Consumer<String> problems) {
        if (lazy) {
            CgroupRemoval.removeLazily(this::sys, cleanup(), problems);
        } else {
            CgroupRemoval.remove(sys(), cleanup(), problems);
        }
        own.clear();
        parents.clear();
    }

    private Syscalls sys() {
        if (sys == null) {
            sys = seam.get();
        }
        return sys;
    }

    private static String parentOf(String dir) {
        return dir.substring(0, dir.lastIndexOf('/'));
    }
}
