package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jspec.exec.LsmProbe;
import dev.jspec.plan.HostFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configs that are not what they claim: a FIFO in a config's place, NUL bytes, security
 * labels this host cannot apply. Each is refused promptly with one readable line, and
 * nothing is made on the host.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class HostileInputIT {

    @TempDir
    static Path work;

    @BeforeAll
    static void setUp() {
        TestBundles.rootfs();
    }

    /** jspec, given 20 seconds: a command that blocks fails the test instead of hanging it. */
    private static Jspec.Result promptly(String... args) throws Exception {
        Path out = work.resolve("out");
        Path err = work.resolve("err");
        Process p = new ProcessBuilder(Jspec.command(args)).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("jspec " + List.of(args) + " did not return in 20 s");
        }
        return new Jspec.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Path fifo(Path at) throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", at.toString()).inheritIO().start().waitFor());
        return at;
    }

    @Test
    void aFifoInTheConfigsPlaceIsRefusedWithoutBlocking() throws Exception {
        Path bundle = Files.createDirectories(work.resolve("fifo-bundle"));
        Path config = fifo(bundle.resolve("config.yaml"));
        String refusal = config + " is a FIFO, not a regular file; a config must be a regular file";
        Path root = work.resolve("fifo-state");
        for (String[] args : List.of(
                new String[] {"validate", bundle.toString()},
                new String[] {"validate", config.toString()},
                new String[] {"plan", bundle.toString()})) {
            Jspec.Result r = promptly(args);
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains(refusal), r.toString());
        }
        for (String[] args : List.of(
                new String[] {"--root", root.toString(), "run", "--bundle", bundle.toString(), "fifo"},
                new String[] {"--root", root.toString(), "run", "--bundle", config.toString(), "fifo"},
                new String[] {"--root", root.toString(), "run", bundle.toString()})) {
            Jspec.Result r = promptly(args);
            assertEquals(125, r.exit(), r.toString());
            assertTrue(r.err().contains(refusal), r.toString());
        }
        assertTrue(Files.notExists(root), "nothing made");
    }

    @Test
    void nulBytesRawOrEscapedAreLocatedConfigErrors() throws Exception {
        String process = "args: [sh, -c, 'echo a']\ncwd: /\nenv: [PATH=/bin]";
        Path raw = TestBundles.write(work, "nul-raw", TestBundles.config("nul-raw", process, "", "").replace("echo a", "echo a\0b"));
        Path escaped = TestBundles.write(work, "nul-escaped",
                TestBundles.config("nul-escaped", "args: [sh, -c, \"echo a\\0; echo b\"]\ncwd: /\nenv: [PATH=/bin]", "", ""));
        Path json = TestBundles.write(work, "nul-json",
                TestBundles.config("nul-json", "args: [sh, -c, \"echo a\\u0000; echo b\"]\ncwd: /\nenv: [\"PATH=/bin\\x00\"]", "", ""));
        for (Path bundle : List.of(raw, escaped, json)) {
            Jspec.Result validate = promptly("validate", bundle.toString());
            assertEquals(2, validate.exit(), validate.toString());
            assertTrue(validate.err().matches("(?s)" + java.util.regex.Pattern.quote(bundle.resolve("config.yaml").toString())
                    + ":[0-9]+:[0-9]+: .*NUL.*"), validate.toString());
            assertTrue(validate.err().lines().noneMatch(l -> l.contains(":1:1:")), "located, not at 1:1: " + validate);
            Jspec.Result run = promptly("--root", work.resolve("nul-state").toString(), "run", bundle.toString());
            assertEquals(2, run.exit(), run.toString());
        }
        Jspec.Result twice = promptly("validate", json.toString());
        assertEquals(2, twice.err().lines().count(), "both NULs, in args and env, are reported: " + twice);
    }

    @Test
    void anApparmorProfileIsRefusedOnAHostWithoutAppArmor() throws Exception {
        assumeFalse(LsmProbe.detect().contains(HostFacts.APPARMOR), "this host has AppArmor");
        Path bundle = TestBundles.write(work, "apparmor", TestBundles.config("apparmor",
                "args: [sh, -c, 'echo should not run']\ncwd: /\nenv: [PATH=/bin]\napparmorProfile: jspec-default", "", ""));
        Jspec.Result r = Jspec.run("run", "--bundle", bundle.toString(), "apparmor");
        assertEquals(125, r.exit(), r.toString());
        assertEquals("", r.out());
        assertEquals("jspec: process.apparmorProfile is \"jspec-default\" but AppArmor is not enabled on this host;"
                + " refusing to run the program without it\n", r.err());
    }

    @Test
    void anSelinuxLabelIsRefusedOnAHostWithoutSelinux() throws IOException {
        assumeFalse(LsmProbe.detect().contains(HostFacts.SELINUX), "this host has SELinux");
        Path bundle = TestBundles.write(work, "selinux", TestBundles.config("selinux",
                "args: [sh, -c, 'echo should not run']\ncwd: /\nenv: [PATH=/bin]\nselinuxLabel: system_u:system_r:container_t:s0",
                "", ""));
        Jspec.Result r = Jspec.run("run", "--bundle", bundle.toString(), "selinux");
        assertEquals(125, r.exit(), r.toString());
        assertTrue(r.err().startsWith("jspec: process.selinuxLabel is "), r.toString());
    }
}
