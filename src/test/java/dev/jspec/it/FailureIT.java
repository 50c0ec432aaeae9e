package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config that fails at each kind of step: a located one-line error, the right exit
 * status, and (checked by {@link NoLeftovers} around every test) the host exactly as before.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class FailureIT {

    private static final Pattern STEP_ERROR = Pattern.compile("^jspec: step \\d+ .+: E[A-Z]+ \\(.+\\).*\\n$");

    @TempDir
    static Path work;

    private static Jspec.Result run(String name, String mounts, String linux) throws IOException {
        Path bundle = TestBundles.write(work, name,
                TestBundles.config(name, "args: [sh, -c, 'echo should not run']\ncwd: /\nenv: [PATH=/bin]", mounts, linux));
        return Jspec.run("run", "--bundle", bundle.toString(), name);
    }

    private static void assertStepError(Jspec.Result r, String... fragments) {
        assertEquals(125, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertTrue(STEP_ERROR.matcher(r.err()).matches(), "one located line expected: " + r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "expected \"" + f + "\" in: " + r.err());
        }
    }

    @Test
    void aBindMountOfAMissingHostPathNamesTheStepAndErrno() throws IOException {
        Jspec.Result r = run("badbind", "- {destination: /data, type: bind, source: /no/such/host/dir, options: [rbind]}", "");
        // The step is the mount, or the making of /data before it when the image has none: the call is the source's open.
        assertStepError(r, "\"/no/such/host/dir\"", "open(\"/no/such/host/dir\", O_PATH): ENOENT",
                "/no/such/host/dir does not exist on the host");
    }

    @Test
    void anUnknownFilesystemTypeNamesTheStep() throws IOException {
        Jspec.Result r = run("badfs", "- {destination: /x, type: nosuchfs, source: none}", "");
        assertStepError(r, "\"nosuchfs\"", "ENODEV");
    }

    @Test
    void anUnknownSysctlNamesTheStep() throws IOException {
        Jspec.Result r = run("badsysctl", "", "sysctl: {net.ipv4.no_such_knob: '1'}");
        assertStepError(r, "/proc/sys/net/ipv4/no_such_knob", "ENOENT");
    }

    @Test
    void aCgroupValueTheKernelRejectsNamesTheFileValueAndErrno() throws IOException {
        Jspec.Result r = run("badcpuset", "", "resources: {cpu: {cpus: '999'}}");
        assertStepError(r, "cpuset.cpus", "\"999\"");
    }

    @Test
    void aMissingProgramLeavesNothingBehind() throws IOException {
        Path bundle = TestBundles.write(work, "noprog",
                TestBundles.config("noprog", "args: [/bin/no-such-program]\ncwd: /\nenv: [PATH=/bin]", "", ""));
        Jspec.Result r = Jspec.run("run", "--bundle", bundle.toString(), "noprog");
        assertEquals(127, r.exit(), r.toString());
    }

    @Test
    void aConfigErrorExits2AndMakesNothing() throws IOException {
        Path bundle = TestBundles.write(work, "badconfig", "ociVersion: 1.2.0\nroot: {path: ROOTFS}\nprocess: {args: [sh], cwd: relative}\n");
        Jspec.Result r = Jspec.run("run", "--bundle", bundle.toString(), "badconfig");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("config.yaml:3:"), r.toString());
    }

    @Test
    void aSecondContainerWithTheSameIdIsRefused() throws Exception {
        Path bundle = TestBundles.write(work, "dup",
                TestBundles.config("dup", "args: [sh, -c, 'echo ready; sleep 5']\ncwd: /\nenv: [PATH=/bin]", "", ""));
        Process first = Jspec.start("run", "--bundle", bundle.toString(), "dup");
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            Jspec.Result second = Jspec.run("run", "--bundle", bundle.toString(), "dup");
            assertEquals(125, second.exit(), second.toString());
            assertTrue(second.err().contains("already exists"), second.toString());
        } finally {
            RunIT.stop(first, "dup");
        }
    }

    @Test
    void aTerminalContainerIsNotDetachedToHangUp() throws IOException {
        Path bundle = TestBundles.write(work, "ttydetach",
                TestBundles.config("ttydetach", "terminal: true\nargs: [sh]\ncwd: /\nenv: [PATH=/bin]", "", ""));
        Jspec.Result r = Jspec.run("run", "--detach", "--bundle", bundle.toString(), "ttydetach");
        assertEquals(125, r.exit(), r.toString());
        assertTrue(r.err().contains("a detached container needs --console-socket"), r.toString());
    }
}
