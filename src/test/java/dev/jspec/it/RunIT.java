package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** `jspec run` against the real kernel: namespaces, the root, mounts, the process. Root only. */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class RunIT {

    @TempDir
    static Path work;

    @BeforeAll
    static void setUp() throws IOException {
        TestBundles.rootfs();
    }

    private static Jspec.Result runSh(String name, String script) throws IOException {
        return runProcess(name, "args: [sh, -c, '" + script.replace("'", "''") + "']\ncwd: /\nenv: [PATH=/bin]", "", "");
    }

    private static Jspec.Result runProcess(String name, String process, String mounts, String linux) throws IOException {
        Path bundle = TestBundles.write(work, name, TestBundles.config(name, process, mounts, linux));
        return Jspec.run("run", "--bundle", bundle.toString(), name);
    }

    @Test
    void aStartLeavesNothingInTheStateRootItsConfigPassedBesideTheJar() throws IOException {
        // Once its container is gone, nothing of it stays in the state root: not even the
        // record that its config passed the schema check, which is the build's cache and
        // lives beside the jar (it used to be <root>/@validated, a copy of the config's
        // bytes left on the host by every start).
        Path root = work.resolve("fresh-root");
        String config = TestBundles.config("clean", "args: [/bin/true]\ncwd: /\nenv: [PATH=/bin]", "", "");
        Path bundle = TestBundles.write(work, "clean", config);
        byte[] bytes = Files.readAllBytes(bundle.resolve("config.yaml"));
        for (int i = 0; i < 2; i++) { // the second start finds the record
            Jspec.Result r = Jspec.run("--root", root.toString(), "run", "--bundle", bundle.toString(), "clean");
            assertEquals(0, r.exit(), r.toString());
            try (var left = Files.list(root)) {
                assertEquals(java.util.List.of(), left.map(p -> p.getFileName().toString()).toList(), "the state root after run");
            }
        }
        Path jar = Path.of(System.getProperty("jspec.jar", Jspec.PROJECT.resolve("target/jspec.jar").toString()));
        try (var entries = Files.list(jar.resolveSibling("validated-configs"))) {
            assertTrue(entries.anyMatch(e -> endsWith(e, bytes)), "the config is recorded beside " + jar);
        }
    }

    /**
     * A step that fails after pivot_root is reported as that step's error through the
     * launcher too, whose init maps its AOT cache: a class the cache does not hold (an
     * error's) is then loaded from the init's jar, which must have been opened before the
     * jar's path left the init's view. (It was opened by accident, until the logging start
     * stopped searching every jar; an init without a cache, as the other tests run it,
     * loads everything from the jar early anyway.)
     */
    @Test
    void aStepFailingAfterPivotRootIsReportedThroughTheLauncher() throws Exception {
        Path root = work.resolve("late-failure-root");
        String config = TestBundles.config("late", "args: [/bin/true]\ncwd: /proc/self/fd/3\nenv: [PATH=/bin]", "", "");
        Process p = launcherRun(root, TestBundles.write(work, "late", config), "late", ProcessBuilder.Redirect.PIPE);
        String err;
        try (var in = p.getErrorStream()) {
            err = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the launcher ends");
        assertEquals(125, p.exitValue(), err);
        assertTrue(err.contains("chdir(\"/proc/self/fd/3\")") && err.contains("ELOOP"), err);
        assertFalse(err.contains("NoClassDefFoundError") || err.contains("Exception"), err);
        assertFalse(Files.exists(root.resolve("late")), "nothing left of the container");
        Files.deleteIfExists(root);
    }

    /** {@code ./jspec --root ROOT run --bundle BUNDLE ID}, started: its stdout discarded, stdin /dev/null. */
    private static Process launcherRun(Path root, Path bundle, String id, ProcessBuilder.Redirect err) throws java.io.IOException {
        return new ProcessBuilder(Jspec.PROJECT.resolve("jspec").toString(), "--root", root.toString(), "run", "--bundle",
                bundle.toString(), id)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    /**
     * The commands an engine sends on an existing container take the launcher's fast way:
     * java is exec'd, with the command's own AOT cache, before the launcher reads its JDK
     * search, build check or cache training (read with bash's trace, which shows each
     * command the script runs).
     */
    @Test
    void theCommandsOnAnExistingContainerTakeTheLaunchersFastWay() throws Exception {
        // The caches are trained at the launcher's first start after a build: this one.
        Process version = new ProcessBuilder(Jspec.PROJECT.resolve("jspec").toString(), "--version")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(version.waitFor(600, java.util.concurrent.TimeUnit.SECONDS), "the launcher's training ends");
        assumeTrue(Files.exists(Jspec.PROJECT.resolve("target/aot/state.aot")),
                "SKIPPED: the launcher trained no AOT caches here (JDK older than 25, or not root?)");
        Path root = work.resolve("fast-way-root");
        Process p = new ProcessBuilder("bash", "-x", Jspec.PROJECT.resolve("jspec").toString(), "--root", root.toString(),
                "state", "nosuch").redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        p.getOutputStream().close();
        String err;
        try (var in = p.getErrorStream()) {
            err = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the launcher ends");
        assertEquals(1, p.exitValue(), err);
        assertTrue(err.contains("container \"nosuch\" does not exist"), err);
        assertTrue(err.contains("-XX:AOTCache=" + Jspec.PROJECT.resolve("target/aot/state.aot")), err);
        assertFalse(err.contains("check_sources="), "the fast way ends before the build check: " + err);
        Files.deleteIfExists(root);
    }

    /**
     * The launcher maps the AOT cache's layer for configs seen for the first time (the schema
     * validator) only when jspec has not hinted that the bundle's config passed before: the
     * layer costs every start that maps it, and a known config skips the validator.
     * Read from the JVM's own command line (the launcher execs java in its own process).
     */
    @Test
    void theLauncherMapsTheValidatorsLayerOnlyForAConfigNotCheckedBefore() throws Exception {
        Path root = work.resolve("layers-root");
        String config = TestBundles.config("layers", "args: [/bin/sleep, '60']\ncwd: /\nenv: [PATH=/bin]", "", "");
        Path bundle = TestBundles.write(work, "layers", config);
        java.util.List<String> cmdlines = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = "layers" + i;
            Process p = launcherRun(root, bundle, id, ProcessBuilder.Redirect.DISCARD);
            try {
                String cmdline = "";
                for (int t = 0; t < 600 && !(cmdline.contains(" dev.jspec.cli.Main ") && Files.exists(root.resolve(id))); t++) {
                    Thread.sleep(100);
                    cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                            java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
                }
                cmdlines.add(cmdline);
                // Running: the container is there once its state is.
                for (int t = 0; t < 300 && !Jspec.run("--root", root.toString(), "state", id).out().contains("running"); t++) {
                    Thread.sleep(100);
                }
            } finally {
                Jspec.run("--root", root.toString(), "kill", id, "KILL");
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                Jspec.run("--root", root.toString(), "delete", "--force", id);
            }
        }
        assumeTrue(Files.exists(Jspec.PROJECT.resolve("target/aot/jspec.top.jsa")),
                "SKIPPED: the launcher trained no AOT caches here (JDK older than 25?)");
        assertTrue(cmdlines.get(0).contains("jspec.aot:") && cmdlines.get(0).contains("jspec.top.jsa"),
                "a config not checked before maps the layer: " + cmdlines.get(0));
        assertTrue(cmdlines.get(1).contains("-XX:AOTCache=") && !cmdlines.get(1).contains("jspec.top.jsa"),
                "the same config again does without it: " + cmdlines.get(1));
        Files.deleteIfExists(root);
    }

    private static boolean endsWith(Path file, byte[] tail) {
        try {
            byte[] all = Files.readAllBytes(file);
            return all.length >= tail.length
                    && java.util.Arrays.equals(all, all.length - tail.length, all.length, tail, 0, tail.length);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theProgramIsPid1AndSeesOnlyTheContainersProcesses() throws IOException {
        Jspec.Result r = runSh("pid1", "echo pid=$$; ps -o pid= | wc -l");
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().strip().split("\n");
        assertEquals("pid=1", lines[0], r.toString());
        // sh itself and ps (wc runs in the same pipeline): at most three processes.
        assertTrue(Integer.parseInt(lines[1].strip()) <= 3, r.toString());
    }

    @Test
    void theHostnameIsTheContainersAndDoesNotReachTheHost() throws IOException {
        String hostBefore = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        Jspec.Result r = runProcess("uts",
                "args: [sh, -c, 'hostname; hostname changed; hostname']\ncwd: /\nenv: [PATH=/bin]\n"
                        + "capabilities: {bounding: [CAP_SYS_ADMIN], effective: [CAP_SYS_ADMIN], permitted: [CAP_SYS_ADMIN]}",
                "", "");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("uts\nchanged\n", r.out());
        assertEquals(hostBefore, Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
    }

    @Test
    void theRootIsTheBundlesAndTheHostsMountsAreInvisible() throws IOException {
        Jspec.Result r = runSh("root", "ls /; echo ---; cut -d\" \" -f2 /proc/mounts");
        assertEquals(0, r.exit(), r.toString());
        String[] parts = r.out().split("---\n");
        assertTrue(parts[0].contains("bin"), r.toString());
        assertFalse(parts[0].contains(".oldroot"), "the old root is removed: " + r);
        assertEquals("/\n/proc\n/dev\n", parts[1], r.toString());
    }

    @Test
    void theNetworkNamespaceHasOnlyLoopbackAndItIsUp() throws IOException {
        Jspec.Result r = runSh("net", "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d \" \"; cat /sys/class/net/lo/operstate 2>/dev/null; ip link show lo | head -1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("lo\n"), r.toString());
        assertTrue(r.out().contains("UP"), r.toString());
    }

    @Test
    void theExitStatusIsTheContainers() throws IOException {
        assertEquals(3, runSh("exit3", "exit 3").exit());
        assertEquals(0, runSh("exit0", "true").exit());
    }

    @Test
    void signalsToJspecAreForwardedToTheContainer() throws Exception {
        Path bundle = TestBundles.write(work, "sigterm", TestBundles.config("sigterm",
                "args: [sh, -c, 'trap \"exit 42\" TERM; echo ready; while true; do sleep 0.05; done']\ncwd: /\nenv: [PATH=/bin]",
                "", ""));
        Process p = Jspec.start("run", "--bundle", bundle.toString(), "sigterm");
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            p.toHandle().destroy(); // SIGTERM to jspec
            assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(42, p.exitValue());
        } finally {
            stop(p, "sigterm");
        }
    }

    /** Ends a jspec run a failed test left behind, the way a user would: delete --force, then wait. */
    static void stop(Process p, String id) throws InterruptedException {
        if (p.isAlive()) {
            Jspec.run("delete", "--force", id);
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void aContainerKilledBySignalNExitsWith128PlusNAndLeavesNothing() throws Exception {
        Path bundle = TestBundles.write(work, "sigkill", TestBundles.config("sigkill",
                "args: [sh, -c, 'echo ready; while true; do sleep 0.05; done']\ncwd: /\nenv: [PATH=/bin]", "", ""));
        Path pidFile = work.resolve("sigkill.pid");
        Process p = Jspec.start("run", "--pid-file", pidFile.toString(), "--bundle", bundle.toString(), "sigkill");
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL to the container's init
            assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(137, p.exitValue());
        } finally {
            stop(p, "sigkill");
        }
    }

    @Test
    void aMissingProgramExits127WithAOneLineReason() throws IOException {
        Jspec.Result r = runProcess("missing", "args: [nosuchprogram]\ncwd: /\nenv: [PATH=/bin:/usr/bin]", "", "");
        assertEquals(127, r.exit(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().contains("\"nosuchprogram\" not found in the container"), r.toString());
    }

    @Test
    void aProgramThatIsNotExecutableExits126() throws IOException {
        Jspec.Result r = runProcess("noexec", "args: [/etc/passwd]\ncwd: /\nenv: [PATH=/bin]", "", "");
        assertEquals(126, r.exit(), r.toString());
    }

    @Test
    void onlyStandardDescriptorsAreOpenInTheContainer() throws IOException {
        // A child started with no pipeline in flight shows what the container's process
        // passes on; listing pid 1 itself would race with the shell's own pipe descriptors.
        Jspec.Result r = runSh("fds", "sleep 1 & ls /proc/$!/fd; kill $!");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("0\n1\n2\n", r.out(), r.toString());
    }

    @Test
    void stdinReachesTheContainerUnmodified() throws IOException {
        Path bundle = TestBundles.write(work, "stdin", TestBundles.config("stdin", "args: [cat]\ncwd: /\nenv: [PATH=/bin]", "", ""));
        Jspec.Result r = Jspec.runWithInput("line one\nline two\n", "run", "--bundle", bundle.toString(), "stdin");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("line one\nline two\n", r.out());
    }
}
