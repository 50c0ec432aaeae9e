package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.spec.Spec;
import dev.jspec.sys.Errno;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager over a fake cgroupfs: v1 hierarchies as plain directories under a temp root,
 * made and removed through the real {@link LinuxSyscalls} plus what the kernel does by
 * itself (a new directory gets its interface files, rmdir takes them and refuses while a
 * process is inside, a killed process leaves its cgroup). Signals are recorded, not sent.
 * What the real kernel does is CgroupsIT's, LifecycleIT's and CliOpsIT's.
 */
class CgroupManagerTest {

    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;
    private static final int FAKE_PIDFD = 1_000_000;

    @TempDir
    Path root;

    /** Signals as "kill PID SIG" (kill(2)) and "pidfd PID SIG" (pidfd_send_signal). */
    private final List<String> signals = new ArrayList<>();

    private String pids;
    private String freezer;
    private String memory;

    @BeforeEach
    void hierarchies() throws IOException {
        pids = Files.createDirectory(root.resolve("pids")).toString();
        freezer = Files.createDirectory(root.resolve("freezer")).toString();
        memory = Files.createDirectory(root.resolve("memory")).toString();
    }

    private Syscalls cgroupfs() {
        return cgroupfs((call, path) -> { });
    }

    /** What runs just before a mkdir, readFile, writeFile or kind reaches the fake cgroupfs: another command's move, made at the worst moment. */
    private interface Interleaved {
        void before(String call, Path path) throws IOException;
    }

    /** The fake cgroupfs, with {@code other} acting ahead of each mkdir (a concurrent delete, say). */
    private Syscalls cgroupfs(Interleaved other) {
        Syscalls real = new LinuxSyscalls();
        return (Syscalls) Proxy.newProxyInstance(Syscalls.class.getClassLoader(), new Class<?>[] {Syscalls.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "mkdir", "readFile", "writeFile", "kind" -> other.before(method.getName(), Path.of((String) args[0]));
                        case "kill" -> {
                            signals.add("kill " + args[0] + " " + args[1]);
                            leave((int) args[0]);
                            return null;
                        }
                        case "pidfdOpen" -> {
                            return FAKE_PIDFD + (int) args[0];
                        }
                        case "pidfdSendSignal" -> {
                            signals.add("pidfd " + ((int) args[0] - FAKE_PIDFD) + " " + args[1]);
                            return null;
                        }
                        case "close" -> {
                            if ((int) args[0] >= FAKE_PIDFD) {
                                return null;
                            }
                        }
                        case "rmdir" -> {
                            Path dir = Path.of((String) args[0]);
                            if (Files.exists(dir.resolve("cgroup.procs")) && !Files.readString(dir.resolve("cgroup.procs")).isBlank()) {
                                throw new SyscallException("rmdir(\"" + dir + "\")", Errno.EBUSY);
                            }
                            try (Stream<Path> files = Files.list(dir)) {
                                for (Path f : files.filter(Files::isRegularFile).toList()) {
                                    Files.delete(f);
                                }
                            }
                        }
                        default -> { }
                    }
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("mkdir")) {
                        interfaceFiles(Path.of((String) args[0]));
                    }
                    return result;
                });
    }

    /** What cgroupfs shows in a new directory of each hierarchy. */
    private void interfaceFiles(Path dir) throws IOException {
        Files.writeString(dir.resolve("cgroup.procs"), "");
        if (dir.startsWith(freezer)) {
            Files.writeString(dir.resolve("freezer.state"), "THAWED\n");
        } else if (dir.startsWith(pids)) {
            Files.writeString(dir.resolve("pids.max"), "max\n");
            Files.writeString(dir.resolve("pids.current"), "0\n");
        } else if (dir.startsWith(root.resolve("cpuset"))) {
            Files.writeString(dir.resolve("cpuset.cpus"), "\n");
            Files.writeString(dir.resolve("cpuset.mems"), "\n");
        } else if (dir.startsWith(memory)) {
            Files.writeString(dir.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
            Files.writeString(dir.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
        }
    }

    /** A killed process leaves every cgroup it was in. */
    private void leave(int pid) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path procs : files.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
                List<String> left = Files.readAllLines(procs).stream().filter(l -> !l.strip().equals(Integer.toString(pid))).toList();
                Files.write(procs, left);
            }
        }
    }

    /** Makes the container's cgroups as a start does: shared parent, then its own directory, in each hierarchy. */
    private CgroupManager started(String id, int pid) {
        List<String> mine = List.of(pids + "/jspec/" + id, freezer + "/jspec/" + id, memory + "/jspec/" + id);
        List<String> shared = List.of(pids + "/jspec", freezer + "/jspec", memory + "/jspec");
        CgroupManager m = CgroupManager.forStart(cgroupfs(), new CgroupCleanup(mine, shared));
        for (int i = 0; i < mine.size(); i++) {
            m.mkdir(shared.get(i), true);
            m.mkdir(mine.get(i), false);
        }
        m.write(pids + "/jspec/" + id, "pids.max", "64");
        m.addProcess(pid, mine);
        return m;
    }

    /** The manager a later command builds from what the start recorded. */
    private CgroupManager recorded(CgroupManager start) {
        CgroupCleanup made = start.cleanup();
        return CgroupManager.forContainer(cgroupfs(), made.containerDirs(), made.parentDirs(), start.inodes());
    }

    private String read(String dir, String file) throws IOException {
        return Files.readString(Path.of(dir, file)).strip();
    }

    @Test
    void aStartMakesTheDirectoriesLimitsThemAndPutsTheInitInEach() throws IOException {
        CgroupManager m = started("c1", 4242);
        assertEquals("64", read(pids + "/jspec/c1", "pids.max"));
        for (String h : List.of(pids, freezer, memory)) {
            assertEquals("4242", read(h + "/jspec/c1", "cgroup.procs"));
        }
        assertEquals(new CgroupCleanup(List.of(pids + "/jspec/c1", freezer + "/jspec/c1", memory + "/jspec/c1"),
                List.of(pids + "/jspec", freezer + "/jspec", memory + "/jspec")), m.cleanup());
        assertEquals(m.dirs(), List.copyOf(m.inodes().keySet()), "every directory it made has its inode recorded");
    }

    @Test
    void theContainersOwnDirectoryIsNeverTakenOver() throws IOException {
        Files.createDirectories(Path.of(pids, "jspec", "c1"));
        CgroupManager m = CgroupManager.forStart(cgroupfs(),
                new CgroupCleanup(List.of(pids + "/jspec/c1"), List.of(pids + "/jspec")));
        assertTrue(m.leafExists(pids + "/jspec/c1"));
        m.mkdir(pids + "/jspec", true);
        SyscallException e = assertThrows(SyscallException.class, () -> m.mkdir(pids + "/jspec/c1", false));
        assertEquals(Errno.EEXIST, e.errno());
        assertEquals(List.of(), m.dirs(), "not made, so not the container's");
    }

    @Test
    void aRunningContainersProcessesAreListedFrozenAndSignalled() throws Exception {
        CgroupManager m = recorded(started("c1", 4242));
        Files.writeString(Path.of(pids, "jspec", "c1", "cgroup.procs"), "4242\n4243\n");
        assertEquals(List.of(4242, 4243), m.pids());

        assertTrue(m.canFreeze());
        assertFalse(m.paused());
        m.freeze();
        assertEquals("FROZEN", read(freezer + "/jspec/c1", "freezer.state"));
        assertTrue(m.paused());
        m.thaw();
        assertEquals("THAWED", read(freezer + "/jspec/c1", "freezer.state"));

        m.signalAll(SIGTERM, e -> { throw new AssertionError(e); }, e -> { throw new AssertionError(e); });
        assertEquals(List.of("pidfd 4242 15", "pidfd 4243 15"), signals);
        assertEquals("THAWED", read(freezer + "/jspec/c1", "freezer.state"), "frozen only while signalling");
    }

    @Test
    void aLookAtThePausedStatusNeedsNoSyscallsAndTrustsOnlyProvenDirectories() throws Exception {
        CgroupManager start = started("c1", 4242);
        CgroupCleanup made = start.cleanup();
        Map<String, Long> inodes = start.inodes();
        assertFalse(CgroupManager.paused(made.containerDirs(), inodes));
        recorded(start).freeze();
        assertTrue(CgroupManager.paused(made.containerDirs(), inodes));
        // A directory whose inode is not the recorded one is another's: its freezer says nothing.
        Map<String, Long> wrong = new java.util.HashMap<>(inodes);
        wrong.replaceAll((dir, inode) -> inode + 1);
        assertFalse(CgroupManager.paused(made.containerDirs(), wrong));
    }

    @Test
    void statsAndOomKillsComeFromTheContainersOwnDirectories() throws Exception {
        CgroupManager m = recorded(started("c1", 4242));
        assertEquals(0, m.oomKills());
        Files.writeString(Path.of(memory, "jspec", "c1", "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        assertEquals(2, m.oomKills());
        assertTrue(m.oomExplanation().contains("OOM killer"), m.oomExplanation());
        Files.writeString(Path.of(pids, "jspec", "c1", "pids.current"), "3\n");
        assertEquals(new CgroupStats.Pids(3, 64), m.stats().pids());
    }

    @Test
    void anUpdateWritesIntoTheContainersOwnDirectoryOfEachController() throws Exception {
        CgroupManager m = recorded(started("c1", 4242));
        CgroupLayoutProbe.CgroupMounts mounts = new CgroupLayoutProbe.CgroupMounts(CgroupLayout.V1,
                Map.of("pids", pids, "freezer", freezer, "memory", memory), null);
        List<String> notes = new ArrayList<>();
        m.update(new Spec.Resources(List.of(), null, null, new Spec.Pids(50), null, List.of(), null, Map.of()), mounts, notes::add);
        assertEquals("50", read(pids + "/jspec/c1", "pids.max"));
        assertEquals(List.of(), notes);
    }

    @Test
    void removalEmptiesTheContainersDirectoriesLeafFirstAndKeepsASharedParentInUse() throws Exception {
        Files.createDirectories(Path.of(pids, "jspec", "other"));
        CgroupManager m = recorded(started("c1", 4242));
        List<String> problems = new ArrayList<>();
        m.remove(problems::add);
        assertEquals(List.of(), problems);
        assertTrue(signals.contains("kill 4242 " + SIGKILL), "a process left inside is killed: " + signals);
        assertFalse(Files.exists(Path.of(freezer, "jspec")), "the shared parent goes with its last container");
        assertFalse(Files.exists(Path.of(memory, "jspec")));
        assertFalse(Files.exists(Path.of(pids, "jspec", "c1")));
        assertTrue(Files.isDirectory(Path.of(pids, "jspec", "other")), "another container's directory stays");
        assertEquals(List.of(), m.dirs(), "removed, nothing is the container's any more");
    }

    @Test
    void aStartThatFailsRemovesOnlyWhatItMade() throws Exception {
        Files.createDirectories(Path.of(pids, "admin"));
        List<String> mine = List.of(pids + "/admin/made/c1");
        CgroupManager m = CgroupManager.forStart(cgroupfs(), new CgroupCleanup(mine, List.of()));
        m.mkdir(pids + "/admin", false);
        m.mkdir(pids + "/admin/made", false);
        m.mkdir(pids + "/admin/made/c1", false);
        m.remove(p -> { throw new AssertionError(p); });
        assertFalse(Files.exists(Path.of(pids, "admin", "made")), "the level it made goes");
        assertTrue(Files.isDirectory(Path.of(pids, "admin")), "the level it found stays");
    }

    /**
     * A directory at the recorded path that is not the one the container made (removed and
     * made again, by another container with the same cgroup path) is neither listed,
     * signalled nor removed.
     */
    @Test
    void aDirectoryMadeAgainAtTheSamePathIsLeftAlone() throws Exception {
        CgroupManager start = started("c1", 4242);
        Map<String, Long> inodes = start.inodes();
        Path c1 = Path.of(pids, "jspec", "c1");
        // Moved aside before the new one is made, so the new one cannot get the old inode number.
        Path aside = Files.move(c1, root.resolve("old-c1"));
        Files.createDirectory(c1);
        Files.writeString(c1.resolve("cgroup.procs"), "777\n");
        assertNotEquals(inodes.get(c1.toString()), CgroupOwnership.inodes(List.of(c1.toString())).get(c1.toString()));

        CgroupCleanup made = start.cleanup();
        CgroupManager m = CgroupManager.forContainer(cgroupfs(), made.containerDirs(), made.parentDirs(), inodes);
        assertEquals(List.of(c1.toString()), m.foreign());
        assertFalse(m.pids().contains(777));
        m.remove(p -> { });
        assertTrue(Files.isDirectory(c1), "another container's directory stays");
        assertEquals("777", Files.readString(c1.resolve("cgroup.procs")).strip());
        assertFalse(signals.stream().anyMatch(s -> s.startsWith("kill 777") || s.startsWith("pidfd 777")), signals.toString());
        assertTrue(Files.isDirectory(aside));
    }

    /** A seam that must not be asked for: the test fails if the removal sets one up. */
    private static Syscalls none() {
        throw new AssertionError("the system-call seam was set up");
    }

    /** The manager a delete of a stopped container builds, with a seam that must not be asked for. */
    private static CgroupManager deleting(List<String> mine, List<String> parents) {
        return CgroupManager.forContainer(CgroupManagerTest::none, mine, parents, CgroupOwnership.inodes(mine));
    }

    /**
     * A delete of a stopped container (forContainer with a seam made on demand): its empty
     * directories are removed through Java's file API, and a parent that holds another
     * container's directory, or a process, is left by the same means, so no seam (no JNA) is
     * set up.
     */
    @Test
    void aStoppedContainersEmptyDirectoriesGoWithoutTheSeamWhileItsParentIsInUse() throws Exception {
        List<String> mine = List.of(pids + "/jspec/c1", memory + "/jspec/c1", freezer + "/jspec/c1");
        for (String d : mine) {
            Files.createDirectories(Path.of(d));
        }
        Files.createDirectories(Path.of(pids, "jspec", "other"));
        Files.createDirectories(Path.of(memory, "jspec", "other"));
        // A process put into the parent itself keeps it too (cgroupfs: EBUSY).
        Files.writeString(Path.of(freezer, "jspec", "cgroup.procs"), "777\n");
        CgroupManager m = deleting(mine, List.of(pids + "/jspec", memory + "/jspec", freezer + "/jspec"));
        List<String> problems = new ArrayList<>();
        assertEquals(List.of(), m.unprovenHoldingProcesses());
        m.remove(problems::add);
        assertEquals(List.of(), problems);
        for (String d : mine) {
            assertFalse(Files.exists(Path.of(d)), d);
        }
        assertTrue(Files.isDirectory(Path.of(pids, "jspec", "other")), "another container's directory stays");
        assertTrue(Files.isDirectory(Path.of(memory, "jspec", "other")));
        assertTrue(Files.isDirectory(Path.of(freezer, "jspec")), "a parent holding a process stays");
    }

    /**
     * The delete of the last container in a parent removes the parent by rmdir through Java's
     * file API: no lock and no seam. Levels it made for a configured path go the same way.
     */
    @Test
    void theLastContainersDeleteRemovesItsParentsWithoutTheSeam() throws Exception {
        List<String> mine = List.of(pids + "/jspec/c1", memory + "/jspec/c1", freezer + "/made/deeper/c1");
        for (String d : mine) {
            Files.createDirectories(Path.of(d));
        }
        CgroupManager m = deleting(mine, List.of(pids + "/jspec", memory + "/jspec", freezer + "/made", freezer + "/made/deeper"));
        List<String> problems = new ArrayList<>();
        m.remove(problems::add);
        assertEquals(List.of(), problems);
        assertFalse(Files.exists(Path.of(pids, "jspec")), "the shared parent goes with its last container");
        assertFalse(Files.exists(Path.of(memory, "jspec")));
        assertFalse(Files.exists(Path.of(freezer, "made")), "the levels it made go, deepest first");
        assertTrue(Files.isDirectory(Path.of(freezer)), "the hierarchy root stays");
    }

    /** A parent the kernel refuses to remove for another reason than a cgroup in it: the seam learns why, and the user is told. */
    @Test
    void aParentRefusedForAnotherReasonIsToldWithItsErrno() throws Exception {
        List<String> mine = List.of(pids + "/jspec/c1");
        Files.createDirectories(Path.of(mine.get(0)));
        // Neither a cgroup nor a process in it, and yet rmdir fails (plain directories: ENOTEMPTY).
        Files.writeString(Path.of(pids, "jspec", "stray"), "");
        Syscalls refusing = (Syscalls) Proxy.newProxyInstance(Syscalls.class.getClassLoader(), new Class<?>[] {Syscalls.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("rmdir")) {
                        throw new SyscallException("rmdir(\"" + args[0] + "\")", Errno.EACCES);
                    }
                    throw new AssertionError(method.getName());
                });
        CgroupManager m = CgroupManager.forContainer(() -> refusing, mine, List.of(pids + "/jspec"), CgroupOwnership.inodes(mine));
        List<String> problems = new ArrayList<>();
        m.remove(problems::add);
        assertEquals(List.of("jspec: cannot remove cgroup " + pids + "/jspec: " + Errno.describe(Errno.EACCES)), problems);
    }

    /** What needs the seam still goes to it: a process to kill, and then a parent whose rmdir through Java's file API failed. */
    @Test
    void aDeleteAsksForTheSeamWhenAProcessIsLeft() throws Exception {
        CgroupManager start = started("c1", 4242);
        CgroupCleanup made = start.cleanup();
        int[] asked = {0};
        CgroupManager m = CgroupManager.forContainer(() -> {
            asked[0]++;
            return cgroupfs();
        }, made.containerDirs(), made.parentDirs(), start.inodes());
        List<String> problems = new ArrayList<>();
        m.remove(problems::add);
        assertEquals(List.of(), problems);
        assertEquals(1, asked[0], "one seam, made once");
        assertTrue(signals.contains("kill 4242 " + SIGKILL), "the process left inside is killed: " + signals);
        assertFalse(Files.exists(Path.of(pids, "jspec")), "the parent goes with its last container");
        assertFalse(Files.exists(Path.of(memory, "jspec")));
        assertFalse(Files.exists(Path.of(freezer, "jspec")));
    }

    // ---- a delete removing a parent while a start makes its directory in it ----

    /** What a delete's rmdir does to an empty cgroup: its interface files go with it. */
    private static void removedByADelete(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** A v1 cpuset hierarchy: its root has the host's CPUs and memory nodes; a new directory has none. */
    private String cpusetHierarchy() throws IOException {
        Path cpuset = Files.createDirectory(root.resolve("cpuset"));
        Files.writeString(cpuset.resolve("cpuset.cpus"), "0-1\n");
        Files.writeString(cpuset.resolve("cpuset.mems"), "0\n");
        return cpuset.toString();
    }

    /** The steps a start's plan has for a v1 cpuset directory: the mkdir, then the two copies. */
    private static void makeCpuset(CgroupManager m, String dir, boolean shared) {
        m.mkdir(dir, shared);
        m.copyFromParent(dir, "cpuset.cpus");
        m.copyFromParent(dir, "cpuset.mems");
    }

    /**
     * Another container's delete removes the shared parent, empty for a moment, after this
     * start made it and copied the cpuset values into it and before it made its own directory
     * there: the start makes the parent again, copies the values into it again, and goes on.
     */
    @Test
    void aStartMakesAgainAParentADeleteRemovedUnderIt() throws Exception {
        String cpuset = cpusetHierarchy();
        String parent = cpuset + "/jspec";
        String leaf = parent + "/c1";
        int[] leafMkdirs = {0};
        CgroupManager m = CgroupManager.forStart(cgroupfs((call, dir) -> {
            if (call.equals("mkdir") && dir.toString().equals(leaf) && leafMkdirs[0]++ == 0) {
                removedByADelete(Path.of(parent));
            }
        }), new CgroupCleanup(List.of(leaf), List.of(parent)));
        makeCpuset(m, parent, true);
        m.mkdir(leaf, false);
        assertEquals(2, leafMkdirs[0], "the container's directory was tried again");
        assertEquals("0-1", read(parent, "cpuset.cpus"), "the copies into the parent are made again");
        assertEquals("0", read(parent, "cpuset.mems"));
        m.copyFromParent(leaf, "cpuset.cpus");
        m.copyFromParent(leaf, "cpuset.mems");
        assertEquals("0-1", read(leaf, "cpuset.cpus"));
        assertEquals("0", read(leaf, "cpuset.mems"));
        assertEquals(new CgroupCleanup(List.of(leaf), List.of(parent)), m.cleanup(), "removed as before: the shared parent when empty");
        assertEquals(List.of(leaf), m.dirs());
    }

    /**
     * The parent removed while the start copies the cpuset values into it, after the file was
     * opened (kernfs then answers ENODEV): made again, and the copies done into the new one.
     */
    @Test
    void aParentRemovedWhileTheStartCopiesIntoItIsMadeAgain() throws Exception {
        String cpuset = cpusetHierarchy();
        String parent = cpuset + "/jspec";
        String leaf = parent + "/c1";
        int[] reads = {0};
        CgroupManager m = CgroupManager.forStart(cgroupfs((call, file) -> {
            if (call.equals("readFile") && file.toString().equals(parent + "/cpuset.mems") && reads[0]++ == 0) {
                removedByADelete(Path.of(parent));
                throw new SyscallException("read(\"" + file + "\")", Errno.ENODEV);
            }
        }), new CgroupCleanup(List.of(leaf), List.of(parent)));
        makeCpuset(m, parent, true);
        assertEquals("0-1", read(parent, "cpuset.cpus"), "the copy made before it was removed is made again");
        assertEquals("0", read(parent, "cpuset.mems"));
        makeCpuset(m, leaf, false);
        assertEquals("0-1", read(leaf, "cpuset.cpus"));
        assertEquals("0", read(leaf, "cpuset.mems"));
    }

    /**
     * The same race with a third party: another start makes the removed parent again, and
     * this start's directory lands in it before that start copied the cpuset values into it.
     * The values are copied into the parent first, so the container's directory gets them.
     */
    @Test
    void aParentMadeAgainByAnotherStartGetsTheCpusetValuesBeforeTheContainersDirectory() throws Exception {
        String cpuset = cpusetHierarchy();
        String parent = cpuset + "/jspec";
        String leaf = parent + "/c1";
        CgroupManager m = CgroupManager.forStart(cgroupfs((call, dir) -> {
            if (call.equals("mkdir") && dir.toString().equals(leaf)) {
                removedByADelete(Path.of(parent));
                Files.createDirectory(Path.of(parent));
                interfaceFiles(Path.of(parent));
            }
        }), new CgroupCleanup(List.of(leaf), List.of(parent)));
        makeCpuset(m, parent, true);
        makeCpuset(m, leaf, false);
        assertEquals("0-1", read(leaf, "cpuset.cpus"));
        assertEquals("0", read(leaf, "cpuset.mems"));
        assertEquals("0-1", read(parent, "cpuset.cpus"));
    }

    /**
     * Levels of a configured path, one found and one made by this start, both removed by
     * another container's delete before the container's directory is in them: made again,
     * the deepest after its own parent, and both now this start's to remove when empty.
     */
    @Test
    void aStartMakesAgainEveryLevelRemovedUnderIt() throws Exception {
        Files.createDirectories(Path.of(pids, "admin"));
        String leaf = pids + "/admin/made/c1";
        int[] leafMkdirs = {0};
        CgroupManager m = CgroupManager.forStart(cgroupfs((call, dir) -> {
            if (call.equals("mkdir") && dir.toString().equals(leaf) && leafMkdirs[0]++ == 0) {
                removedByADelete(Path.of(pids, "admin", "made"));
                removedByADelete(Path.of(pids, "admin"));
            }
        }), new CgroupCleanup(List.of(leaf), List.of()));
        m.mkdir(pids + "/admin", false);
        m.mkdir(pids + "/admin/made", false);
        m.mkdir(leaf, false);
        assertTrue(Files.isDirectory(Path.of(leaf)));
        assertEquals(new CgroupCleanup(List.of(leaf), List.of(pids + "/admin/made", pids + "/admin")), m.cleanup(),
                "both levels made by this start now");
    }

    /** A parent another start makes between this one's look and its mkdir (EEXIST) is used, and not removed as this start's. */
    @Test
    void aParentAnotherStartMakesMeanwhileIsUsed() throws Exception {
        String leaf = pids + "/admin/c1";
        CgroupManager m = CgroupManager.forStart(cgroupfs((call, dir) -> {
            if (call.equals("mkdir") && dir.toString().equals(pids + "/admin")) {
                Files.createDirectory(dir);
            }
        }), new CgroupCleanup(List.of(leaf), List.of()));
        m.mkdir(pids + "/admin", false);
        m.mkdir(leaf, false);
        assertEquals(new CgroupCleanup(List.of(leaf), List.of()), m.cleanup(), "another's parent stays theirs");
    }

    /**
     * Another start makes the parent between this one's look and its mkdir (EEXIST), and a
     * delete removes it again, empty, before this start looks at what is there: the mkdir is
     * tried again and the parent is this start's, not a refusal as if it were the container's.
     */
    @Test
    void aParentMadeAndRemovedByOthersBetweenTheMkdirAndTheLookIsMadeAgain() throws Exception {
        String parent = pids + "/admin";
        String leaf = parent + "/c1";
        int[] kinds = {0};
        int[] mkdirs = {0};
        CgroupManager m = CgroupManager.forStart(cgroupfs((call, dir) -> {
            if (!dir.toString().equals(parent)) {
                return;
            }
            if (call.equals("mkdir") && mkdirs[0]++ == 0) {
                Files.createDirectory(dir);
            } else if (call.equals("kind") && kinds[0]++ == 1) {
                Files.delete(dir);
            }
        }), new CgroupCleanup(List.of(leaf), List.of()));
        m.mkdir(parent, false);
        m.mkdir(leaf, false);
        assertEquals(2, mkdirs[0], "the parent's mkdir was tried again");
        assertTrue(Files.isDirectory(Path.of(leaf)));
        assertEquals(new CgroupCleanup(List.of(leaf), List.of(parent)), m.cleanup(), "made by this start in the end");
    }

    /** A parent that vanishes at every attempt: the start gives up after a bounded number of tries, with ENOENT as before. */
    @Test
    void aParentThatKeepsVanishingFailsWithEnoent() throws Exception {
        String cpuset = cpusetHierarchy();
        String parent = cpuset + "/jspec";
        String leaf = parent + "/c1";
        int[] leafMkdirs = {0};
        CgroupManager m = CgroupManager.forStart(cgroupfs((call, dir) -> {
            if (call.equals("mkdir") && dir.toString().equals(leaf)) {
                leafMkdirs[0]++;
                removedByADelete(Path.of(parent));
            }
        }), new CgroupCleanup(List.of(leaf), List.of(parent)));
        makeCpuset(m, parent, true);
        SyscallException e = assertThrows(SyscallException.class, () -> m.mkdir(leaf, false));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals(20, leafMkdirs[0], "tried twenty times, then given up");
        assertEquals(List.of(), m.dirs());
    }
}
