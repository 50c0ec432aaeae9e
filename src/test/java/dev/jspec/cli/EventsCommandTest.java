package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.lifecycle.ContainerState;
import dev.jspec.lifecycle.InitProcess;
import dev.jspec.lifecycle.StateStore;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.util.ExitCodes;
import dev.jspec.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventsCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int events(Path stateRoot, String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = "events";
        argv[1] = "--root";
        argv[2] = stateRoot.toString();
        System.arraycopy(args, 0, argv, 3, args.length);
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), argv);
    }

    /** A container whose "init" is this test's JVM (with its start time): alive, so the container counts as running. */
    private static void record(Path stateRoot, String id, int pid, List<String> cgroups) throws Exception {
        StateStore store = new StateStore(stateRoot);
        store.reserve(id);
        long startTime = pid > 0 ? InitProcess.of(new LinuxSyscalls(), pid).startTime() : 0;
        store.write(new ContainerState(id, "running", pid, startTime, "/bundles/" + id, cgroups, List.of(),
                dev.jspec.cgroup.CgroupOwnership.inodes(cgroups)));
    }

    @Test
    void statsPrintsOneRuncStatsEvent(@TempDir Path state, @TempDir Path cgroups) throws Exception {
        Path pids = cgroups.resolve("pids/jspec/web");
        Files.createDirectories(pids);
        Files.writeString(pids.resolve("pids.current"), "5\n");
        Files.writeString(pids.resolve("pids.max"), "100\n");
        record(state, "web", (int) ProcessHandle.current().pid(), List.of(pids.toString()));

        assertEquals(ExitCodes.OK, events(state, "--stats", "web"), err.toString());
        String line = out.toString();
        assertEquals(1, line.lines().count(), line);
        Map<?, ?> event = (Map<?, ?>) Json.parse(line);
        assertEquals("stats", event.get("type"));
        assertEquals("web", event.get("id"));
        assertEquals(Map.of("current", 5L, "limit", 100L), ((Map<?, ?>) event.get("data")).get("pids"));
    }

    @Test
    void anUnknownContainerIsAFailure(@TempDir Path state) {
        assertEquals(ExitCodes.FAILURE, events(state, "--stats", "nosuch"));
        assertEquals("", out.toString());
    }

    @Test
    void aStoppedContainerHasNoStats(@TempDir Path state) throws Exception {
        record(state, "gone", 0, List.of());
        assertEquals(ExitCodes.FAILURE, events(state, "--stats", "gone"));
        assertTrue(err.toString().contains("\"gone\" is not running"), err.toString());
    }

    @Test
    void theStreamHasStatsEveryIntervalAndAnOomEventPerKillUntilTheContainerStops(@TempDir Path state, @TempDir Path cgroups)
            throws Exception {
        Path memory = Files.createDirectories(cgroups.resolve("jspec/web"));
        Files.writeString(memory.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        Files.writeString(memory.resolve("pids.current"), "1\n");
        Process init = new ProcessBuilder("sleep", "30").start();
        try {
            record(state, "web", (int) init.pid(), List.of(memory.toString()));
            Thread stream = new Thread(() -> events(state, "--interval", "150ms", "web"));
            stream.start();
            Thread.sleep(400);
            Files.writeString(memory.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n");
            Thread.sleep(300);
            init.destroyForcibly().waitFor();
            stream.join(5_000);
            assertTrue(!stream.isAlive(), "the stream ends when the container stops");
        } finally {
            init.destroyForcibly();
        }
        List<String> lines = out.toString().lines().toList();
        List<Object> types = lines.stream().map(l -> (Object) ((Map<?, ?>) Json.parse(l)).get("type")).toList();
        assertEquals(2, types.stream().filter("oom"::equals).count(), out.toString());
        assertTrue(types.stream().filter("stats"::equals).count() >= 3, out.toString());
        assertTrue(lines.contains("{\"type\":\"oom\",\"id\":\"web\"}"), out.toString());
    }

    @Test
    void goDurations() {
        assertEquals(java.time.Duration.ofSeconds(5), EventsCommand.goDuration("5s"));
        assertEquals(java.time.Duration.ofMillis(1500), EventsCommand.goDuration("1.5s"));
        assertEquals(java.time.Duration.ofSeconds(90), EventsCommand.goDuration("1m30s"));
        assertEquals(java.time.Duration.ofNanos(250_000), EventsCommand.goDuration("250us"));
        assertEquals(java.time.Duration.ZERO, EventsCommand.goDuration("0"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> EventsCommand.goDuration("5"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> EventsCommand.goDuration("5 s"));
    }

    @Test
    void aBadIntervalIsAUsageError(@TempDir Path state) {
        assertEquals(ExitCodes.USAGE, events(state, "--interval", "0s", "web"));
        assertTrue(err.toString().contains("--interval must be greater than 0"), err.toString());
        assertEquals(ExitCodes.USAGE, events(state, "--interval", "soon", "web"));
    }
}
