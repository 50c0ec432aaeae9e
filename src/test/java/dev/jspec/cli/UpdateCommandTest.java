package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.spec.ConfigException;
import dev.jspec.spec.ResourcesReader;
import dev.jspec.spec.Spec;
import dev.jspec.util.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** update's flags and --resources, up to the cgroup writes (those are CgroupUpdateTest's and CliOpsIT's). */
class UpdateCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path root;

    private int jspec(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void sizesAsRuncsFlagsTakeThem() {
        assertEquals(512L, UpdateCommand.bytes("--memory", "512"));
        assertEquals(512L * 1024 * 1024, UpdateCommand.bytes("--memory", "512m"));
        assertEquals(1L << 30, UpdateCommand.bytes("--memory", "1GiB"));
        assertEquals(1536L, UpdateCommand.bytes("--memory", "1.5k"));
        assertEquals(-1L, UpdateCommand.bytes("--memory-swap", "-1"));
        assertNull(UpdateCommand.bytes("--memory", null));
        assertThrows(IllegalArgumentException.class, () -> UpdateCommand.bytes("--memory", "64x"));
        assertThrows(IllegalArgumentException.class, () -> UpdateCommand.bytes("--memory", "-5"));
    }

    @Test
    void resourcesJsonIsValidatedAndBoundLikeAConfigs() throws Exception {
        Spec.Resources r = ResourcesReader.read("""
                {"memory": {"limit": 268435456, "swap": "512Mi"}, "cpu": {"shares": 512, "cpus": "0-1"}, "pids": {"limit": 9}}
                """.getBytes(StandardCharsets.UTF_8), "r.json");
        assertEquals(268435456L, r.memory().limit());
        assertEquals(512L << 20, r.memory().swap());
        assertEquals("0-1", r.cpu().cpus());
        assertEquals(9L, r.pids().limit());
        ConfigException e = assertThrows(ConfigException.class, () -> ResourcesReader.read(
                "{\n  \"memory\": {\"limitt\": 1}\n}".getBytes(StandardCharsets.UTF_8), "r.json"));
        String problem = e.diagnostics().get(0).toString();
        assertTrue(problem.startsWith("r.json:2:"), problem);
        assertTrue(problem.contains("limitt"), problem);
        ConfigException first = assertThrows(ConfigException.class,
                () -> ResourcesReader.read("{\"pids\": {\"limit\": \"x\"}}".getBytes(StandardCharsets.UTF_8), "-"));
        assertEquals(1, first.diagnostics().get(0).line());
        assertTrue(first.diagnostics().get(0).column() < 25, first.diagnostics().toString());
    }

    @Test
    void anInvalidResourcesFileIsAConfigErrorWithItsLocation() throws Exception {
        Path file = Files.writeString(root.resolve("r.json"), "{\"cpu\": {\"shares\": \"many\"}}");
        assertEquals(ExitCodes.CONFIG_ERROR, jspec("update", "--root", root.toString(), "--resources", file.toString(), "c"));
        assertTrue(err.toString().startsWith(file + ":1:"), err.toString());
    }

    @Test
    void kernelMemoryIsRefusedAndResourcesExcludesOtherFlags() {
        assertEquals(ExitCodes.USAGE, jspec("update", "--root", root.toString(), "--kernel-memory", "1m", "c"));
        assertTrue(err.toString().startsWith("jspec: --kernel-memory and --kernel-memory-tcp are refused"), err.toString());
        assertEquals(ExitCodes.USAGE, jspec("update", "--root", root.toString(), "-r", "-", "--memory", "1m", "c"));
    }

    @Test
    void aMissingContainerIsAFailure() {
        assertEquals(ExitCodes.FAILURE, jspec("update", "--root", root.toString(), "--pids-limit", "5", "nope"));
        assertEquals("jspec: container \"nope\" does not exist\n", err.toString());
    }
}
