package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

/**
 * podman 4 with conmon driving the runtime under test ({@code -Djspec.engine.runtime=PATH},
 * default this checkout's {@code ./jspec}) through {@code --runtime}: the calls of
 * DESIGN.md's "What real callers send" (create, start, exec, pause, resume, kill, delete),
 * each checked by what the container itself prints or the kernel shows.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.PodmanIT#canRun")
@ExtendWith(NoLeftovers.class)
class PodmanIT {

    private static final String IMAGE = Podman.IMAGE;

    /** A container that counts in /tmp/n ten times a second, and exits 42 on SIGTERM. */
    private static final String COUNTER =
            "trap 'exit 42' TERM; i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.1; done";

    @TempDir
    static Path work;

    private static Podman podman;
    private TreeSet<String> stateBefore;

    static boolean canRun(ExtensionContext context) {
        return Engines.canRun(context, "podman", "conmon");
    }

    @BeforeAll
    static void image() throws Exception {
        podman = Podman.withBusybox(work.resolve("podman"), "jspec-engines-it-podman");
    }

    @AfterAll
    static void removeEverything() {
        if (podman != null) {
            podman.close();
        }
    }

    @BeforeEach
    void noteState() {
        stateBefore = Engines.listing(Engines.defaultStateRoot());
    }

    @AfterEach
    void nothingLeft() {
        List<String> left = podman.leftovers(stateBefore);
        if (!left.isEmpty()) {
            podman.removeAll();
            fail("podman or the runtime left behind:\n  " + String.join("\n  ", left));
        }
    }

    @Test
    void runEndsWithTheProgramsExitStatus() {
        Engines.Result r = podman.run("--rm", IMAGE, "sh", "-c", "echo ran; exit 3");
        assertEquals(3, r.exit(), r.toString());
        assertEquals("ran\n", r.out(), r.toString());
        r = podman.run("--rm", IMAGE, "true");
        assertEquals(0, r.exit(), r.toString());
        // podman reads the runtime's error: a missing program is 127.
        r = podman.run("--rm", IMAGE, "/no/such/program");
        assertEquals(127, r.exit(), r.toString());
    }

    @Test
    void envHostnameAndUserReachTheProcess() {
        Engines.Result r = podman.run("--rm", "-e", "FOO=bar baz", "--hostname", "boxy", "--user", "65534:65534", IMAGE,
                "sh", "-c", "echo \"FOO=$FOO\"; hostname; id -u; id -g; echo \"PATH=$PATH\"");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("FOO=bar baz\nboxy\n65534\n65534\nPATH=/usr/sbin:/usr/bin:/sbin:/bin\n", r.out(), r.toString());
    }

    @Test
    void readOnlyRootRefusesWritesButTmpIsWritable() {
        Engines.Result r = podman.run("--rm", "--read-only", IMAGE,
                "sh", "-c", "touch /x 2>&1; echo \"root=$?\"; touch /tmp/y && echo tmp=ok");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("Read-only file system"), r.toString());
        assertTrue(r.out().contains("root=1\n"), r.toString());
        assertTrue(r.out().contains("tmp=ok\n"), r.toString());
    }

    @Test
    void memoryAndPidsLimitsAreTheContainersCgroups() {
        // Read back inside the container, from its own cgroup (v1 controller dirs or v2 files).
        Engines.Result r = podman.run("--rm", "--memory", "64m", "--pids-limit", "42", IMAGE, "sh", "-c",
                "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes;"
                        + " cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("67108864\n42\n", r.out(), r.toString());
    }

    @Test
    void capDropTakesTheCapabilityAway() {
        Engines.Result r = podman.run("--rm", "--cap-drop", "CHOWN", IMAGE, "sh", "-c",
                "grep CapEff /proc/self/status; chown 1 /tmp 2>&1; echo \"chown=$?\"; kill -0 1 && echo kill=ok");
        assertEquals(0, r.exit(), r.toString());
        long eff = capEff(r.out());
        assertEquals(0, eff & 1, "CAP_CHOWN (bit 0) still effective: " + r);
        assertNotEquals(0, eff & (1 << 5), "CAP_KILL (bit 5) should stay: " + r);
        assertTrue(r.out().contains("Operation not permitted") && r.out().contains("chown=1\n"), r.toString());

        r = podman.run("--rm", "--cap-drop", "ALL", IMAGE, "sh", "-c", "grep -E 'Cap(Eff|Bnd)' /proc/self/status");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("CapEff:\t0000000000000000\nCapBnd:\t0000000000000000\n", r.out(), r.toString());
    }

    @Test
    void seccompProfileFromAFileIsEnforced() throws Exception {
        // mkdir fails with an errno no other cause gives it here: EOPNOTSUPP (95).
        Path profile = work.resolve("seccomp.json");
        Files.writeString(profile, """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95}]}
                """);
        String script = "mkdir /tmp/d 2>&1; echo \"mkdir=$?\"";
        Engines.Result r = podman.run("--rm", "--security-opt", "seccomp=" + profile, IMAGE, "sh", "-c", script);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("Not supported") || r.out().contains("Operation not supported"), r.toString());
        assertTrue(r.out().contains("mkdir=1\n"), r.toString());
        // The same without the profile: the errno came from it.
        r = podman.run("--rm", IMAGE, "sh", "-c", script);
        assertEquals("mkdir=0\n", r.out(), r.toString());
    }

    @Test
    void ttyGivesTheProcessATerminal() {
        Engines.Result r = podman.run("--rm", "-t", IMAGE, "sh", "-c", "tty; test -t 1 && echo stdout-is-a-tty");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("/dev/pts/0"), r.toString());
        assertTrue(r.out().contains("stdout-is-a-tty"), r.toString());
        r = podman.run("--rm", IMAGE, "sh", "-c", "test -t 1 && echo stdout-is-a-tty; echo done");
        assertEquals("done\n", r.out(), r.toString());
    }

    @Test
    void detachedContainerExecTopPauseUnpauseStopRm() throws Exception {
        Engines.Result r = podman.run("-d", "--name", "life", IMAGE, "sh", "-c", "sleep 1000 & " + COUNTER);
        assertEquals(0, r.exit(), r.toString());
        String id = r.out().strip();
        assertTrue(id.matches("[0-9a-f]{64}"), r.toString());
        try {
            assertEquals("running", inspect("life", "{{.State.Status}}"));
            long pid = Long.parseLong(inspect("life", "{{.State.Pid}}"));
            Path counter = Path.of("/proc/" + pid + "/root/tmp/n");
            assertTrue(Engines.eventually(Duration.ofSeconds(10), () -> Files.exists(counter)), "the counter never started");

            r = podman.podman("exec", "-e", "X=y", "life", "sh", "-c", "echo \"exec $X $(hostname) pid=$$\"; exit 5");
            assertEquals(5, r.exit(), r.toString());
            // In the container's UTS namespace (podman's hostname is the short ID), as a new process.
            assertTrue(r.out().matches("exec y " + id.substring(0, 12) + " pid=\\d+\n"), r.toString());
            assertNotEquals("exec y " + id.substring(0, 12) + " pid=1\n", r.out(), "exec ran as the container's pid 1");

            r = podman.podman("top", "life", "pid", "args");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().lines().anyMatch(l -> l.matches("1\\s+sh -c sleep 1000 .*")), r.toString());
            assertTrue(r.out().lines().anyMatch(l -> l.matches("\\d+\\s+sleep 1000\\s*")), r.toString());

            r = podman.podman("pause", "life");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("paused", inspect("life", "{{.State.Status}}"));
            assertTrue(Engines.frozen(podman.cgroupOf(id)), "the freezer does not hold " + podman.cgroupOf(id));
            String n = Files.readString(counter);
            Thread.sleep(500);
            assertEquals(n, Files.readString(counter), "a paused container counted on");

            r = podman.podman("unpause", "life");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("running", inspect("life", "{{.State.Status}}"));
            assertTrue(Engines.eventually(Duration.ofSeconds(5), () -> !read(counter).equals(n)), "an unpaused container counts again");

            // stop sends SIGTERM first: the container's trap makes it exit 42, long before the 20 s.
            long t0 = System.nanoTime();
            r = podman.podman("stop", "-t", "20", "life");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos(), "stop waited for the SIGKILL: was TERM delivered?");
            assertEquals("exited 42", inspect("life", "{{.State.Status}} {{.State.ExitCode}}"));

            r = podman.podman("rm", "life");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(List.of(), podman.containers());
        } finally {
            podman.podman("rm", "-f", "-t", "0", "life");
        }
    }

    @Test
    void execWithATerminalIsInteractive() throws Exception {
        Engines.Result r = podman.run("-d", "--name", "itty", IMAGE, "sh", "-c", COUNTER);
        assertEquals(0, r.exit(), r.toString());
        try {
            int[] exit = {-1};
            String screen = Engines.shellOnPty(podman.command("exec", "-it", "itty", "sh"), podman.env(),
                    "tty; stty size; echo sum=$((40+2)); exit 6\n", "sum=42", Duration.ofSeconds(30), exit);
            assertEquals(6, exit[0], screen);
            assertTrue(screen.contains("/dev/pts/"), screen);
            assertTrue(screen.contains("33 111"), "the window size did not reach the exec'd process:\n" + screen);
            assertTrue(screen.contains("sum=42"), screen);

            // podman kill: the runtime's kill with SIGKILL; the status is 128 + 9.
            r = podman.podman("kill", "-s", "KILL", "itty");
            assertEquals(0, r.exit(), r.toString());
            r = podman.podman("wait", "itty");
            assertEquals("137", r.out().strip(), r.toString());
        } finally {
            podman.podman("rm", "-f", "-t", "0", "itty");
        }
    }

    @Test
    void runWithATerminalIsInteractive() throws Exception {
        int[] exit = {-1};
        String screen = Engines.shellOnPty(podman.command(podman.runCommand("--rm", "-it", IMAGE, "sh").toArray(String[]::new)),
                podman.env(), "tty; echo sum=$((40+2)); exit 7\n", "sum=42", Duration.ofSeconds(30), exit);
        assertEquals(7, exit[0], screen);
        assertTrue(screen.contains("/dev/pts/0"), screen);
        assertTrue(screen.contains("sum=42"), screen);
    }

    private static String inspect(String name, String format) {
        Engines.Result r = podman.podman("inspect", "--format", format, name);
        assertEquals(0, r.exit(), r.toString());
        return r.out().strip();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static long capEff(String out) {
        return out.lines().filter(l -> l.startsWith("CapEff:")).map(l -> Long.parseLong(l.substring(7).strip(), 16))
                .findFirst().orElseThrow(() -> new AssertionError("no CapEff in " + out));
    }
}
