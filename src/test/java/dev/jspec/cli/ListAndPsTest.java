package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.lifecycle.ContainerState;
import dev.jspec.lifecycle.StateStore;
import dev.jspec.util.ExitCodes;
import dev.jspec.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** list's table and JSON, and ps's filtering, as runc prints them. */
class ListAndPsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path root;

    private int jspec(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void jsonOfNoContainersIsNullAsRuncPrintsIt() {
        assertEquals(ExitCodes.OK, jspec("list", "--root", root.toString(), "--format", "json"));
        assertEquals("null\n", out.toString());
    }

    @Test
    void jsonHasRuncsFieldsForEachContainer() throws Exception {
        StateStore store = new StateStore(root);
        store.reserve("gone");
        store.write(new ContainerState("gone", "running", 0, 0, "/nonexistent/bundle", List.of(), List.of(), Map.of()));
        assertEquals(ExitCodes.OK, jspec("list", "--root", root.toString(), "-f", "json"));
        List<?> list = (List<?>) Json.parse(out.toString());
        assertEquals(1, list.size());
        Map<?, ?> c = (Map<?, ?>) list.get(0);
        assertEquals(List.of("ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner"), List.copyOf(c.keySet()));
        assertEquals("gone", c.get("id"));
        assertEquals(0L, c.get("pid"));
        assertEquals("stopped", c.get("status"));
        assertEquals("/nonexistent/bundle", c.get("bundle"));
        java.time.Instant.parse((String) c.get("created"));
    }

    @Test
    void annotationsAppearOnlyWhenThereAreSome() {
        ListCommand.Entry e = new ListCommand.Entry("1.2.0", "a", 7, "running", "/b", "/b/rootfs", "2024-01-01T00:00:00Z",
                Map.of("k", "v"), "root");
        assertEquals("{\"ociVersion\":\"1.2.0\",\"id\":\"a\",\"pid\":7,\"status\":\"running\",\"bundle\":\"/b\","
                + "\"rootfs\":\"/b/rootfs\",\"created\":\"2024-01-01T00:00:00Z\",\"annotations\":{\"k\":\"v\"},\"owner\":\"root\"}", e.toJson());
    }

    @Test
    void theTableIsLaidOutLikeRuncsTabwriter() {
        String t = ListCommand.table(List.of(List.of("ID", "PID", "OWNER"), List.of("a-rather-long-id", "7", "root")));
        assertEquals("ID" + " ".repeat(17) + "PID" + " ".repeat(9) + "OWNER\na-rather-long-id   7" + " ".repeat(11) + "root\n", t);
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        assertEquals(ExitCodes.USAGE, jspec("list", "--root", root.toString(), "--format", "yaml"));
    }

    @Test
    void psKeepsTheHeaderAndTheContainersLines() {
        String ps = """
                UID          PID    PPID  C STIME TTY          TIME CMD
                root           1       0  0 10:00 ?        00:00:01 /sbin/init
                root         42       1  0 10:00 ?        00:00:00 sleep 600
                root         420      1  0 10:00 ?        00:00:00 sleep 42
                """;
        assertEquals("""
                UID          PID    PPID  C STIME TTY          TIME CMD
                root         42       1  0 10:00 ?        00:00:00 sleep 600
                """, PsCommand.filter(ps, List.of(42)));
        assertNull(PsCommand.filter("USER COMMAND\nroot sh\n", List.of(1)));
        assertEquals("[]", PsCommand.jsonArray(List.of()));
        assertEquals("[1,42]", PsCommand.jsonArray(List.of(1, 42)));
    }

    @Test
    void psOptionsAfterTheIdAreNotJspecs() {
        // -ef would be an unknown option if jspec parsed past the ID; here it reaches the missing container's check.
        assertEquals(ExitCodes.FAILURE, jspec("ps", "--root", root.toString(), "nope", "-ef"));
        assertEquals("jspec: container \"nope\" does not exist\n", err.toString());
        assertEquals(ExitCodes.FAILURE, jspec("--root", root.toString(), "ps", "nope", "-o", "pid"));
    }

    @Test
    void pauseAndResumeOfAStoppedContainerAreRefused() throws Exception {
        StateStore store = new StateStore(root);
        store.reserve("old");
        store.write(new ContainerState("old", "running", 0, 0, "/b", List.of(), List.of(), Map.of()));
        assertEquals(ExitCodes.FAILURE, jspec("pause", "--root", root.toString(), "old"));
        assertTrue(err.toString().contains("jspec: container \"old\" is not running (stopped)"), err.toString());
        assertEquals(ExitCodes.FAILURE, jspec("resume", "--root", root.toString(), "old"));
        assertTrue(err.toString().contains("jspec: container \"old\" is not paused (stopped)"), err.toString());
        assertEquals(ExitCodes.OK, jspec("kill", "--root", root.toString(), "--all", "old", "KILL"), "--all: nothing left is no error");
        assertEquals(ExitCodes.FAILURE, jspec("kill", "--root", root.toString(), "old", "KILL"));
    }
}
