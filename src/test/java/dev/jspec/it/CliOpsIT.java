package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.util.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** runc's operational commands against real cgroups: pause/resume, ps, kill --all, update, the events stream. */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class CliOpsIT {

    private static final String ROOT = Jspec.STATE_ROOT.toString();

    @TempDir
    static Path work;

    /** Global flags first, as engines pass them. */
    private static Jspec.Result jspec(String... args) {
        List<String> full = new ArrayList<>(List.of("--root", ROOT));
        full.addAll(List.of(args));
        return Jspec.run(full.toArray(String[]::new));
    }

    private static void runDetached(String id, String script, String linux) throws Exception {
        Path bundle = TestBundles.write(work, id, TestBundles.config(id,
                "args: [sh, -c, '" + script + "']\ncwd: /\nenv: [PATH=/bin]", "", linux));
        Jspec.Result run = jspec("run", "-d", "--bundle", bundle.toString(), id);
        assertEquals(0, run.exit(), run.toString());
    }

    /** The container's directory in a v1 hierarchy, or its v2 one. */
    private static Path cgroup(String controller, String id) {
        Path v1 = Path.of("/sys/fs/cgroup", controller, "jspec", id);
        return Files.isDirectory(v1) ? v1 : Path.of("/sys/fs/cgroup/jspec", id);
    }

    private static long cpuUsage(String id) throws Exception {
        Path v1 = cgroup("cpuacct", id).resolve("cpuacct.usage");
        if (Files.exists(v1)) {
            return Long.parseLong(Files.readString(v1).strip());
        }
        for (String line : Files.readAllLines(cgroup("cpu", id).resolve("cpu.stat"))) {
            if (line.startsWith("usage_usec ")) {
                return Long.parseLong(line.substring(11).strip()) * 1000;
            }
        }
        throw new AssertionError("no cpu usage for " + id);
    }

    @Test
    void pauseStopsEveryProcessStateAndListSayPausedAndResumeLetsThemGo() throws Exception {
        runDetached("paused", "while true; do :; done & while true; do :; done", "");
        try {
            assertEquals(0, jspec("pause", "paused").exit());
            assertTrue(jspec("state", "paused").out().contains("\"status\": \"paused\""));
            Map<?, ?> listed = (Map<?, ?>) ((List<?>) Json.parse(jspec("list", "--format", "json").out())).stream()
                    .filter(c -> ((Map<?, ?>) c).get("id").equals("paused")).findFirst().orElseThrow();
            assertEquals("paused", listed.get("status"));
            long before = cpuUsage("paused");
            Thread.sleep(300);
            assertEquals(before, cpuUsage("paused"), "no process of a paused container runs");

            Jspec.Result again = jspec("pause", "paused");
            assertEquals(1, again.exit(), again.toString());
            assertTrue(again.err().contains("already paused"), again.toString());

            assertEquals(0, jspec("resume", "paused").exit());
            assertTrue(jspec("state", "paused").out().contains("\"status\": \"running\""));
            long resumed = cpuUsage("paused");
            Thread.sleep(300);
            assertTrue(cpuUsage("paused") > resumed, "they run again");
            assertEquals(1, jspec("resume", "paused").exit(), "a running container is not paused");
        } finally {
            jspec("resume", "paused");
            assertEquals(0, jspec("delete", "--force", "paused").exit());
        }
    }

    @Test
    void psListsTheContainersProcessesAndKillAllSignalsEveryOne() throws Exception {
        runDetached("everyone", "trap \"\" TERM; sleep 600 & sleep 601 & wait", "");
        try {
            Jspec.Result json = jspec("ps", "--format", "json", "everyone");
            assertEquals(0, json.exit(), json.toString());
            List<?> pids = (List<?>) Json.parse(json.out());
            assertEquals(3, pids.size(), json.toString());

            Jspec.Result table = jspec("ps", "everyone", "-o", "pid,args");
            assertEquals(0, table.exit(), table.toString());
            List<String> lines = table.out().lines().toList();
            assertEquals("PID COMMAND", lines.get(0).trim().replaceAll(" +", " "), table.toString());
            assertEquals(4, lines.size(), table.toString());
            assertTrue(table.out().contains("sleep 600") && table.out().contains("sleep 601"), table.toString());

            // The init ignores TERM; only --all reaches the sleeps, and the init exits once they are gone.
            assertEquals(0, jspec("kill", "--all", "everyone", "KILL").exit());
            for (Object pid : pids) {
                long p = (Long) pid;
                for (int i = 0; i < 200 && ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false); i++) {
                    Thread.sleep(10);
                }
                assertFalse(ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false), "pid " + p + " was signalled");
            }
            assertTrue(jspec("state", "everyone").out().contains("\"status\": \"stopped\""));
            assertEquals(0, jspec("kill", "-a", "everyone", "KILL").exit(), "--all with nothing left is no error");
        } finally {
            assertEquals(0, jspec("delete", "--force", "everyone").exit());
        }
    }

    @Test
    void updateWritesNewLimitsFromFlagsAndFromAResourcesObject() throws Exception {
        runDetached("updated", "sleep 600", "resources: {memory: {limit: 64Mi, swap: 64Mi}, pids: {limit: 100}}");
        try {
            Jspec.Result flags = jspec("update", "--memory", "128m", "--memory-swap", "256m", "--pids-limit", "50",
                    "--cpu-quota", "20000", "--cpu-period", "100000", "updated");
            assertEquals(0, flags.exit(), flags.toString());
            Path memory = cgroup("memory", "updated");
            if (Files.exists(memory.resolve("memory.limit_in_bytes"))) {
                assertEquals("134217728", Files.readString(memory.resolve("memory.limit_in_bytes")).strip());
                assertEquals("20000", Files.readString(cgroup("cpu", "updated").resolve("cpu.cfs_quota_us")).strip());
            } else {
                assertEquals("134217728", Files.readString(memory.resolve("memory.max")).strip());
                assertEquals("20000 100000", Files.readString(memory.resolve("cpu.max")).strip());
            }
            assertEquals("50", Files.readString(cgroup("pids", "updated").resolve("pids.max")).strip());

            String resources = "{\"memory\": {\"limit\": 33554432, \"swap\": 67108864}, \"pids\": {\"limit\": 9}}";
            List<String> args = new ArrayList<>(List.of("--root", ROOT, "update", "--resources", "-", "updated"));
            Jspec.Result json = Jspec.runWithInput(resources, args.toArray(String[]::new));
            assertEquals(0, json.exit(), json.toString());
            assertEquals("9", Files.readString(cgroup("pids", "updated").resolve("pids.max")).strip());
            String limit = Files.exists(memory.resolve("memory.limit_in_bytes")) ? "memory.limit_in_bytes" : "memory.max";
            assertEquals("33554432", Files.readString(memory.resolve(limit)).strip());

            Jspec.Result tooSmall = jspec("update", "--pids-limit", "-5", "--memory", "4096", "updated");
            assertEquals(1, tooSmall.exit(), "the kernel refuses a limit below what the container uses: " + tooSmall);
            assertTrue(tooSmall.err().startsWith("jspec: update \"updated\": write("), tooSmall.toString());
        } finally {
            assertEquals(0, jspec("delete", "--force", "updated").exit());
        }
    }

    @Test
    void eventsStreamsStatsAndAnOomEventAndEndsWhenTheContainerStops() throws Exception {
        runDetached("oomed", "sleep 2; tail /dev/zero; sleep 1", "resources: {memory: {limit: 16Mi, swap: 16Mi}}");
        Process events = null;
        try {
            List<String> args = List.of("--root", ROOT, "events", "--interval", "300ms", "oomed");
            events = new ProcessBuilder(Jspec.command(args.toArray(String[]::new)))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(events.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            }
            assertTrue(events.waitFor(30, TimeUnit.SECONDS), "the stream ends with the container");
            assertEquals(0, events.exitValue());
            List<Object> types = lines.stream().map(l -> (Object) ((Map<?, ?>) Json.parse(l)).get("type")).toList();
            assertTrue(types.contains("oom"), lines.toString());
            assertTrue(types.stream().filter("stats"::equals).count() >= 3, lines.toString());
            assertTrue(lines.contains("{\"type\":\"oom\",\"id\":\"oomed\"}"), lines.toString());
        } finally {
            if (events != null) {
                events.destroyForcibly();
            }
            assertEquals(0, jspec("delete", "--force", "oomed").exit());
        }
    }
}
