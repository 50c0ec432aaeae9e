package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.lifecycle.ContainerState;
import dev.jspec.lifecycle.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile or careless caller must not reach the host through jspec's state: IDs that are
 * paths, a pid the kernel gave to another process, a umask, two state roots with one ID, a
 * corrupt state file. Each test reproduces one and checks the host after it.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class StateSecurityIT {

    @TempDir
    static Path work;

    @BeforeAll
    static void setUp() {
        TestBundles.rootfs();
    }

    /** jspec with {@code --root root} before the command word, so the tests' usual root is not added. */
    private static Jspec.Result in(Path root, String... args) {
        List<String> full = new ArrayList<>(List.of("--root", root.toString()));
        full.addAll(List.of(args));
        return Jspec.run(full.toArray(String[]::new));
    }

    private static Path sleeper(String name) throws IOException {
        return TestBundles.write(work, name, TestBundles.config(name, "args: [sleep, '600']\ncwd: /\nenv: [PATH=/bin]", "", ""));
    }

    private static long startTime(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
    }

    @Test
    void anIdThatIsAPathIsRefusedByEveryCommandAndNothingOutsideTheRootIsTouched() throws Exception {
        Path root = Files.createDirectories(work.resolve("ids/root"));
        Path victim = Files.createDirectories(work.resolve("ids/victim"));
        Files.writeString(victim.resolve("state.json"), "{\"id\":\"victim\"}");
        Files.writeString(victim.resolve("precious"), "keep me");
        Path bundle = sleeper("idcheck");
        List<String[]> commands = List.of(
                new String[] {"delete", "../victim"},
                new String[] {"delete", "--force", "../victim"},
                new String[] {"state", "../victim"},
                new String[] {"kill", "../victim", "KILL"},
                new String[] {"events", "--stats", "../victim"},
                new String[] {"delete", ".."},
                new String[] {"state", "a/b"});
        for (String[] c : commands) {
            Jspec.Result r = in(root, c);
            assertEquals(1, r.exit(), String.join(" ", c) + "\n" + r);
            assertTrue(r.err().startsWith("jspec: invalid container ID \""), r.toString());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        }
        Jspec.Result run = in(root, "run", "--bundle", bundle.toString(), "../victim");
        assertEquals(125, run.exit(), run.toString());
        assertTrue(run.err().contains("invalid container ID"), run.toString());
        assertEquals("keep me", Files.readString(victim.resolve("precious")));
        assertTrue(Files.exists(victim.resolve("state.json")));
        try (var left = Files.list(root)) {
            assertEquals(0, left.count(), "nothing made in the state root");
        }
    }

    @Test
    void aPidReusedByAnotherProcessIsReportedStoppedAndNeverSignalled() throws Exception {
        Path root = work.resolve("reuse");
        Process unrelated = new ProcessBuilder("sleep", "30").start();
        try {
            long pid = unrelated.pid();
            StateStore store = new StateStore(root);
            store.reserve("reused");
            // The state of a container whose init had this pid, but started at another time.
            store.write(new ContainerState("reused", "running", (int) pid, startTime(pid) - 1, "/bundle", List.of(), List.of(), Map.of()));

            Jspec.Result state = in(root, "state", "reused");
            assertEquals(0, state.exit(), state.toString());
            assertTrue(state.out().contains("\"status\": \"stopped\"") && state.out().contains("\"pid\": 0"), state.toString());
            assertTrue(in(root, "list").out().contains("stopped"));

            Jspec.Result kill = in(root, "kill", "reused", "KILL");
            assertEquals(1, kill.exit(), kill.toString());
            assertTrue(kill.err().contains("is not running"), kill.toString());
            Jspec.Result delete = in(root, "delete", "--force", "reused");
            assertEquals(0, delete.exit(), delete.toString());
            assertFalse(unrelated.waitFor(300, TimeUnit.MILLISECONDS), "the unrelated process was not signalled");
            assertFalse(store.exists("reused"));

            // The control: with its own start time the same process is the container's, and is signalled.
            store.reserve("reused");
            store.write(new ContainerState("reused", "running", (int) pid, startTime(pid), "/bundle", List.of(), List.of(), Map.of()));
            assertTrue(in(root, "state", "reused").out().contains("\"status\": \"running\""));
            assertEquals(0, in(root, "kill", "reused", "TERM").exit());
            assertTrue(unrelated.waitFor(10, TimeUnit.SECONDS), "the container's own init is signalled");
            assertEquals(0, in(root, "delete", "reused").exit());
        } finally {
            unrelated.destroyForcibly().waitFor();
        }
    }

    @Test
    void underUmask000TheStateRootAndFilesAreRootsAlone() throws Exception {
        Path root = work.resolve("umask/state");
        Path bundle = sleeper("umask0");
        List<String> command = new ArrayList<>(List.of("sh", "-c", "umask 000; exec \"$@\"", "sh"));
        command.addAll(Jspec.command("--root", root.toString(), "run", "-d", "--bundle", bundle.toString(), "umask0"));
        // To a file: the detached container keeps jspec's output open, a pipe would not end.
        Path output = work.resolve("umask-output");
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        try {
            assertEquals(0, p.exitValue(), Files.readString(output));
            assertEquals("rwx------", mode(work.resolve("umask")), "a parent jspec made");
            assertEquals("rwx------", mode(root));
            assertEquals("rwx------", mode(root.resolve("umask0")));
            assertEquals("rw-------", mode(root.resolve("umask0/state.json")));
        } finally {
            Jspec.Result delete = in(root, "delete", "--force", "umask0");
            assertEquals(0, delete.exit(), delete.toString());
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /**
     * One ID under two state roots would be one cgroup (/jspec/ID). The second start is
     * refused before it makes anything, and a delete under the second root, even from a
     * state that names the first container's cgroups and pid, kills nothing of the first.
     */
    @Test
    void oneIdUnderTwoStateRootsNeverSharesACgroupAndOneDeleteDoesNotKillTheOther() throws Exception {
        Path first = work.resolve("roots/first");
        Path second = work.resolve("roots/second");
        Path bundle = sleeper("shared-id");
        assertEquals(0, in(first, "run", "-d", "--bundle", bundle.toString(), "shared-id").exit());
        try {
            ContainerState running = new StateStore(first).read("shared-id");
            assertFalse(running.cgroups().isEmpty());
            assertTrue(running.cgroupInodes().keySet().containsAll(running.cgroups()), running.toString());

            Jspec.Result refused = in(second, "run", "-d", "--bundle", bundle.toString(), "shared-id");
            assertEquals(125, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("EEXIST") && refused.err().contains("another --root"), refused.toString());
            assertFalse(new StateStore(second).exists("shared-id"), "no state left under the second root");
            assertAlive(first, running);

            // A start under the second root that stopped before recording what it made: no inodes, no pid.
            StateStore store = new StateStore(second);
            store.reserve("shared-id");
            store.write(new ContainerState("shared-id", "creating", 0, 0, bundle.toString(), running.cgroups(),
                    running.parentCgroups(), Map.of()));
            Jspec.Result delete = in(second, "delete", "--force", "shared-id");
            assertEquals(0, delete.exit(), delete.toString());
            assertTrue(delete.err().contains("not provably the cgroups"), delete.toString());
            assertAlive(first, running);

            // Worse: a state naming the first container's pid (another start time) and cgroups made again since.
            store.reserve("shared-id");
            Map<String, Long> otherInodes = new java.util.HashMap<>();
            running.cgroupInodes().forEach((dir, ino) -> otherInodes.put(dir, ino + 1));
            store.write(new ContainerState("shared-id", "running", running.pid(), running.startTime() + 1, bundle.toString(),
                    running.cgroups(), running.parentCgroups(), otherInodes));
            delete = in(second, "delete", "--force", "shared-id");
            assertEquals(0, delete.exit(), delete.toString());
            assertTrue(delete.err().contains("left alone, no longer the cgroups"), delete.toString());
            assertAlive(first, running);
        } finally {
            Jspec.Result delete = in(first, "delete", "--force", "shared-id");
            assertEquals(0, delete.exit(), delete.toString());
        }
    }

    private static void assertAlive(Path root, ContainerState s) {
        assertTrue(in(root, "state", s.id()).out().contains("\"status\": \"running\""), "the first container still runs");
        assertTrue(Files.isDirectory(Path.of(s.cgroups().getFirst())), "and keeps its cgroup");
        assertTrue(ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void aCorruptStateIsReportedForItsContainerAndTheOthersAreStillListed() throws Exception {
        Path root = work.resolve("corrupt");
        StateStore store = new StateStore(root);
        store.reserve("good");
        store.write(new ContainerState("good", "stopped", 0, "/bundle", List.of(), List.of()));
        store.reserve("bad");
        Files.writeString(root.resolve("bad/state.json"), "{\"id\": \"bad\", \"status\"");

        Jspec.Result list = in(root, "list");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("good ")), list.toString());
        assertEquals(1, list.err().lines().count(), list.toString());
        assertTrue(list.err().startsWith("jspec: skipping container \"bad\": "), list.toString());

        Jspec.Result state = in(root, "state", "bad");
        assertEquals(1, state.exit(), state.toString());
        assertEquals(1, state.err().lines().count(), state.toString());
        Jspec.Result delete = in(root, "delete", "bad");
        assertEquals(1, delete.exit(), delete.toString());
        assertTrue(delete.err().contains("--force"), delete.toString());
        assertEquals(0, in(root, "delete", "--force", "bad").exit());
        assertFalse(store.exists("bad"));
        assertEquals(0, in(root, "delete", "good").exit());
    }
}
