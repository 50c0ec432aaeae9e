package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jspec.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * seccomp filters on the real kernel: each action and comparison as busybox meets it, the
 * engines' default profiles, and a listener handed to an agent. Commands that a filter
 * kills run in a subshell, whose status says how it died (128 + SIGSYS = 159).
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class SeccompIT {

    private static final String TMP = "- {destination: /tmp, type: tmpfs, source: tmpfs}";
    private static final String EPERM = "Operation not permitted";

    @TempDir
    static Path work;

    /** Runs {@code script} under the filter {@code seccomp} (a JSON or YAML flow mapping). */
    private static Jspec.Result run(String name, boolean noNewPrivileges, String seccomp, String script) throws IOException {
        return run(name, "noNewPrivileges: " + noNewPrivileges, seccomp, script);
    }

    private static Jspec.Result run(String name, String processExtra, String seccomp, String script) throws IOException {
        String process = "args: [sh, -c, " + Json.quote(script) + "]\ncwd: /\nenv: [PATH=/bin]\n" + processExtra;
        Path bundle = TestBundles.write(work, name, TestBundles.config(name, process, TMP, "seccomp: " + seccomp));
        return Jspec.run("run", "--bundle", bundle.toString(), name);
    }

    /** Allow everything but {@code action} (with its extra fields) on mkdir. */
    private static String onMkdir(String actionFields) {
        return "{defaultAction: SCMP_ACT_ALLOW, syscalls: [{names: [mkdir, mkdirat], " + actionFields + "}]}";
    }

    @ParameterizedTest(name = "noNewPrivileges: {0}")
    @ValueSource(booleans = {true, false})
    void aProfileDenyingMkdirMakesBusyboxMkdirFailWithEperm(boolean noNewPrivileges) throws IOException {
        Jspec.Result r = run("sc-errno-" + noNewPrivileges, noNewPrivileges, onMkdir("action: SCMP_ACT_ERRNO, errnoRet: 1"),
                "mkdir /tmp/d; echo \"mkdir $?\"; touch /tmp/f && echo touched; grep Seccomp: /proc/self/status");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("mkdir 1\ntouched\nSeccomp:\t2\n", r.out(), r.toString());
        assertEquals("mkdir: can't create directory '/tmp/d': " + EPERM + "\n", r.err(), r.toString());
    }

    @Test
    void errnoRetIsTheErrnoTheCallFailsWith() throws IOException {
        Jspec.Result r = run("sc-errnoret", true, onMkdir("action: SCMP_ACT_ERRNO, errnoRet: 13"), "mkdir /tmp/d");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Permission denied"), r.toString());
    }

    @Test
    void errnoWithoutErrnoRetIsEperm() throws IOException {
        Jspec.Result r = run("sc-errno-default", true, onMkdir("action: SCMP_ACT_ERRNO"), "mkdir /tmp/d");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(EPERM), r.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL", "SCMP_ACT_TRAP"})
    void killingActionsEndTheCallerBySigsys(String action) throws IOException {
        Jspec.Result r = run("sc-" + action.substring(9).toLowerCase(Locale.ROOT).replace('_', '-'), true, onMkdir("action: " + action),
                "(mkdir /tmp/d); echo \"status $?\"; test -d /tmp/d || echo \"no directory\"");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("status 159\nno directory\n", r.out(), r.toString());
    }

    @Test
    void killProcessOfTheContainersOwnProcessIsItsExitStatus() throws IOException {
        Path bundle = TestBundles.write(work, "sc-kill-pid1", TestBundles.config("sc-kill-pid1",
                "args: [mkdir, /tmp/d]\ncwd: /\nenv: [PATH=/bin]\nnoNewPrivileges: true", TMP,
                "seccomp: " + onMkdir("action: SCMP_ACT_KILL_PROCESS")));
        Jspec.Result r = Jspec.run("run", "--bundle", bundle.toString(), "sc-kill-pid1");
        assertEquals(128 + 31, r.exit(), r.toString());
    }

    @Test
    void traceWithoutATracerFailsTheCallWithEnosys() throws IOException {
        Jspec.Result r = run("sc-trace", true, onMkdir("action: SCMP_ACT_TRACE"), "mkdir /tmp/d");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Function not implemented"), r.toString());
    }

    @Test
    void logAllowsTheCallWhileTheRestOfTheFilterHolds() throws IOException {
        Jspec.Result r = run("sc-log", true, "{defaultAction: SCMP_ACT_ALLOW, syscalls: [{names: [mkdir], action: SCMP_ACT_LOG},"
                + " {names: [rmdir], action: SCMP_ACT_ERRNO}]}", "mkdir /tmp/d && echo made; rmdir /tmp/d; test -d /tmp/d && echo kept");
        assertEquals("made\nkept\n", r.out(), r.toString());
        assertTrue(r.err().contains(EPERM), r.toString());
    }

    /**
     * Each comparison on kill(2)'s signal argument: the shell's kill builtin sends signals
     * 0, 18 (SIGCONT) and 23 (SIGURG) to itself, harmless to PID 1, and says which the filter refused.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "SCMP_CMP_EQ, 18, 0, 18",
        "SCMP_CMP_NE, 18, 0, 0 23",
        "SCMP_CMP_LT, 18, 0, 0",
        "SCMP_CMP_LE, 18, 0, 0 18",
        "SCMP_CMP_GE, 18, 0, 18 23",
        "SCMP_CMP_GT, 18, 0, 23",
        "SCMP_CMP_MASKED_EQ, 1, 0, 0 18",
        "SCMP_CMP_MASKED_EQ, 7, 7, 23",
    })
    void everyComparisonSelectsTheCallsItShould(String op, long value, long valueTwo, String denied) throws IOException {
        String name = "sc-" + op.substring(9).toLowerCase(Locale.ROOT).replace('_', '-') + "-" + value + "-" + valueTwo;
        Jspec.Result r = run(name, true, "{defaultAction: SCMP_ACT_ALLOW, syscalls: [{names: [kill], action: SCMP_ACT_ERRNO,"
                + " args: [{index: 1, value: " + value + ", valueTwo: " + valueTwo + ", op: " + op + "}]}]}", SIGNALS);
        assertEquals(0, r.exit(), r.toString());
        assertEquals(expected(denied), r.out(), r.toString());
    }

    private static final String SIGNALS = "for s in 0 18 23; do if kill -$s 1 2>/dev/null; then echo \"$s sent\"; "
            + "else echo \"$s refused\"; fi; done";

    private static String expected(String denied) {
        Set<String> refused = Set.of(denied.split(" "));
        StringBuilder b = new StringBuilder();
        for (String s : List.of("0", "18", "23")) {
            b.append(s).append(refused.contains(s) ? " refused\n" : " sent\n");
        }
        return b.toString();
    }

    @Test
    void conditionsOnOneArgumentAreAlternativesAndOnSeveralMustAllHold() throws IOException {
        Jspec.Result either = run("sc-or", true, "{defaultAction: SCMP_ACT_ALLOW, syscalls: [{names: [kill], action: SCMP_ACT_ERRNO,"
                + " args: [{index: 1, value: 0, op: SCMP_CMP_EQ}, {index: 1, value: 23, op: SCMP_CMP_EQ}]}]}", SIGNALS);
        assertEquals(expected("0 23"), either.out(), either.toString());
        // kill(1, 18) only: other pids and other signals pass (kill -0 of a pid that does not exist is ESRCH, not EPERM).
        Jspec.Result both = run("sc-and", true, "{defaultAction: SCMP_ACT_ALLOW, syscalls: [{names: [kill], action: SCMP_ACT_ERRNO,"
                + " args: [{index: 0, value: 1, op: SCMP_CMP_EQ}, {index: 1, value: 18, op: SCMP_CMP_EQ}]}]}",
                SIGNALS + "; kill -18 4321");
        assertEquals(expected("18"), both.out(), both.toString());
        assertTrue(both.err().contains("No such process"), both.toString());
    }

    @Test
    void defaultErrnoRetIsWhatUnlistedCallsFailWith() throws IOException {
        String profile = SeccompProfiles.json(SeccompProfiles.engineStyle(13, Set.of("mkdir", "mkdirat")));
        Jspec.Result r = run("sc-default-errno", true, profile, "echo ok; mkdir /tmp/d");
        assertEquals("ok\n", r.out(), r.toString());
        assertTrue(r.err().contains("Permission denied"), r.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32]", "[SCMP_ARCH_X86]", "[SCMP_ARCH_X86_64]", "[]"})
    void theFilterHoldsWhateverArchitecturesItAlsoCovers(String archs) throws IOException {
        Jspec.Result r = run("sc-arch-" + archs.length(), true, "{defaultAction: SCMP_ACT_ALLOW, architectures: " + archs
                + ", syscalls: [{names: [mkdir, mkdirat], action: SCMP_ACT_ERRNO}]}", "mkdir /tmp/d");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains(EPERM), r.toString());
    }

    @Test
    void anArchitectureTheHostsLibseccompDoesNotKnowIsAStartFailureNamingIt() throws IOException {
        Jspec.Result r = run("sc-arch-unknown", true, "{defaultAction: SCMP_ACT_ALLOW, architectures: [SCMP_ARCH_M68K]}", "echo should not run");
        // libseccomp 2.6 knows m68k; then the container simply runs.
        assumeTrue(r.exit() != 0, "this libseccomp knows SCMP_ARCH_M68K");
        assertEquals(125, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertTrue(r.err().startsWith("jspec: step ") && r.err().contains("SCMP_ARCH_M68K is not known to libseccomp")
                && r.err().lines().count() == 1, r.toString());
    }

    @ParameterizedTest(name = "noNewPrivileges: {0}")
    @ValueSource(booleans = {true, false})
    void anEngineStyleProfileRunsAShellAndRefusesWhatItDenies(boolean noNewPrivileges) throws IOException {
        String profile = SeccompProfiles.json(SeccompProfiles.engineStyle(1, Set.of()));
        Jspec.Result r = run("sc-engine-" + noNewPrivileges, noNewPrivileges, profile,
                "echo ok; ls /; linux32 true && echo personality; unshare -n true; echo \"unshare $?\"");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("ok\n") && r.out().contains("\nbin\n") && r.out().contains("\netc\n") && r.out().endsWith("personality\nunshare 1\n"), r.toString());
        assertTrue(r.err().contains(EPERM), r.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"podman, true", "podman, false", "docker, true", "docker, false"})
    void theEnginesDefaultProfilesRunAShell(String engine, boolean noNewPrivileges) throws IOException {
        Path file = engine.equals("podman") ? SeccompProfiles.PODMAN : SeccompProfiles.DOCKER;
        assumeTrue(Files.isRegularFile(file), file + " is not installed (Debian: golang-github-containers-common, "
                + "golang-github-docker-docker-dev)");
        String profile = SeccompProfiles.json(SeccompProfiles.fromEngineProfile(file, SeccompProfiles.ENGINE_CAPS));
        String caps = String.join(", ", SeccompProfiles.ENGINE_CAPS);
        Jspec.Result r = run("sc-" + engine + "-" + noNewPrivileges, "noNewPrivileges: " + noNewPrivileges
                + "\ncapabilities: {bounding: [" + caps + "], effective: [" + caps + "], permitted: [" + caps + "]}",
                profile, "echo ok; ls /; grep Seccomp: /proc/self/status; unshare -n true; echo \"unshare $?\"");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("ok\n") && r.out().contains("\nbin\n") && r.out().contains("\netc\n") && r.out().endsWith("Seccomp:\t2\nunshare 1\n"), r.toString());
    }

    @Test
    void aNotifyingFilterHandsItsListenerAndTheContainerStateToTheAgent() throws Exception {
        Path socket = work.resolve("agent.sock");
        String seccomp = "{defaultAction: SCMP_ACT_ALLOW, listenerPath: " + socket + ", listenerMetadata: hello,"
                + " syscalls: [{names: [mkdir], action: SCMP_ACT_NOTIFY}]}";
        Path bundle = TestBundles.write(work, "sc-notify", TestBundles.config("sc-notify",
                "args: [sh, -c, 'mkdir /tmp/d; echo \"mkdir $?\"']\ncwd: /\nenv: [PATH=/bin]\nnoNewPrivileges: true", TMP,
                "seccomp: " + seccomp));
        // Threads of their own: both block, and the common pool may have a single worker on a small machine.
        try (SeccompAgent agent = new SeccompAgent(socket); ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Future<Jspec.Result> run = threads.submit(() -> Jspec.run("run", "--bundle", bundle.toString(), "sc-notify"));
            Future<Object[]> served = threads.submit(() -> {
                SeccompAgent.Received got = agent.receive(30_000);
                if (got.listener() < 0) {
                    throw new IllegalStateException("the state came without a descriptor: " + got.state());
                }
                try {
                    SeccompAgent.Notification n = SeccompAgent.next(got.listener(), 30_000);
                    SeccompAgent.fail(got.listener(), n, 18); // EXDEV: an answer no kernel path would give here
                    return new Object[] {got, n};
                } finally {
                    SeccompAgent.closeFd(got.listener());
                }
            });
            Jspec.Result r = run.get(90, TimeUnit.SECONDS);
            Object[] result;
            try {
                result = served.get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("the agent was not served: " + e.getCause() + "\n" + r, e);
            }
            SeccompAgent.Received got = (SeccompAgent.Received) result[0];
            SeccompAgent.Notification n = (SeccompAgent.Notification) result[1];

            assertTrue(got.listener() >= 0, "the listener came with the state");
            Map<?, ?> state = (Map<?, ?>) Json.parse(got.state());
            assertEquals(List.of("seccompFd"), state.get("fds"), got.state());
            assertEquals("hello", state.get("metadata"), got.state());
            Map<?, ?> container = (Map<?, ?>) state.get("state");
            assertEquals("sc-notify", container.get("id"), got.state());
            assertEquals("creating", container.get("status"), got.state());
            assertEquals(bundle.toRealPath().toString(), Path.of((String) container.get("bundle")).toRealPath().toString());
            assertEquals(state.get("pid"), container.get("pid"));
            assertEquals(83, n.syscall(), "mkdir on x86_64");

            assertEquals(0, r.exit(), r.toString());
            assertEquals("mkdir 1\n", r.out(), r.toString());
            assertTrue(r.err().contains("Invalid cross-device link"), r.toString());
        }
    }

    @Test
    void noAgentOnTheListenerPathIsAStartFailureThatSaysSo() throws IOException {
        Path socket = work.resolve("nobody.sock");
        Jspec.Result r = run("sc-no-agent", true, "{defaultAction: SCMP_ACT_ALLOW, listenerPath: " + socket
                + ", syscalls: [{names: [mkdir], action: SCMP_ACT_NOTIFY}]}", "echo should not run");
        assertEquals(125, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertTrue(r.err().contains("ENOENT") && r.err().contains("no seccomp agent listens on " + socket), r.toString());
    }

    @Test
    void thePlanShowsTheFilter() throws IOException {
        Path bundle = TestBundles.write(work, "sc-plan", TestBundles.config("sc-plan", "args: [sh]\ncwd: /\nnoNewPrivileges: true", "",
                "seccomp: " + onMkdir("action: SCMP_ACT_ERRNO")));
        Jspec.Result r = Jspec.run("plan", bundle.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("seccomp(default=SCMP_ACT_ALLOW, ERRNO(1): 2 syscalls, flags=[TSYNC])\n"), r.toString());
    }
}
