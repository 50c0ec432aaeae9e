package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.util.ExitCodes;
import dev.jspec.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** runc's global flags: --log and --log-format, and the refusals of what jspec cannot do. */
class GlobalFlagsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int jspec(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void everyErrorLineGoesToTheJsonLogAsOneObjectWithoutThePrefix() throws Exception {
        Path log = dir.resolve("log.json");
        assertEquals(ExitCodes.FAILURE, jspec("--root", dir.toString(), "--log", log.toString(), "--log-format", "json",
                "state", "nope"));
        assertEquals("jspec: container \"nope\" does not exist\n", err.toString());
        List<String> lines = Files.readAllLines(log);
        assertEquals(1, lines.size(), lines.toString());
        Object parsed = dev.jspec.util.Json.parse(lines.get(0));
        Map<?, ?> entry = (Map<?, ?>) parsed;
        assertEquals("error", entry.get("level"));
        assertEquals("container \"nope\" does not exist", entry.get("msg"));
        OffsetDateTime.parse((String) entry.get("time")); // RFC 3339
    }

    @Test
    void theLogFlagsWorkAfterTheCommandWordAndAppendInText() throws Exception {
        Path log = dir.resolve("log.txt");
        Files.writeString(log, "earlier\n");
        assertEquals(ExitCodes.FAILURE, jspec("state", "--root", dir.toString(), "--log", log.toString(), "nope"));
        List<String> lines = Files.readAllLines(log);
        assertEquals("earlier", lines.get(0));
        assertTrue(lines.get(1).matches("time=\"[^\"]+\" level=error msg=\"container \\\\\"nope\\\\\" does not exist\""), lines.get(1));
    }

    @Test
    void aUsageErrorIsLoggedButTheHintForAPersonIsNot() throws Exception {
        Path log = dir.resolve("log.json");
        assertEquals(ExitCodes.USAGE, jspec("--log", log.toString(), "--log-format", "json", "kill", "--bogus", "x"));
        assertTrue(err.toString().contains("Try 'jspec kill --help'."), err.toString());
        List<String> lines = Files.readAllLines(log);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"msg\":\"Unknown option: '--bogus'\""), lines.get(0));
    }

    @Test
    void theLogIsCreatedEvenWhenNothingFails() throws Exception {
        Path log = dir.resolve("made.json");
        assertEquals(ExitCodes.OK, jspec("--root", dir.toString(), "--log", log.toString(), "list", "-q"));
        assertTrue(Files.exists(log));
        assertEquals("", Files.readString(log));
    }

    @Test
    void systemdCgroupIsRefusedInOneLine() {
        assertEquals(ExitCodes.FAILURE, jspec("--systemd-cgroup", "--root", dir.toString(), "list"));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("jspec: --systemd-cgroup: jspec has no systemd cgroup driver"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void rootlessTrueIsRefusedAndFalseOrAutoAccepted() {
        assertEquals(ExitCodes.FAILURE, jspec("--rootless", "true", "--root", dir.toString(), "list", "-q"));
        assertTrue(err.toString().startsWith("jspec: --rootless true"), err.toString());
        assertEquals(ExitCodes.OK, jspec("--rootless", "auto", "--criu", "/usr/sbin/criu", "--root", dir.toString(), "list", "-q"));
        assertEquals(ExitCodes.OK, jspec("--rootless=false", "--root", dir.toString(), "list", "-q"));
        assertEquals(ExitCodes.USAGE, jspec("--rootless", "maybe", "list"));
    }

    @Test
    void anUnknownLogFormatIsAUsageError() {
        assertEquals(ExitCodes.USAGE, jspec("--log-format", "xml", "list"));
        assertTrue(err.toString().contains("invalid --log-format \"xml\""), err.toString());
    }

    @Test
    void levelsAndMessages() {
        assertEquals("warning", LogTee.level("jspec: warning: kernel memory is ignored"));
        assertEquals("warning", LogTee.level("b/config.yaml:3:1: warning: x"));
        assertEquals("error", LogTee.level("b/config.yaml:3:1: unknown key"));
        assertEquals("debug", LogTee.level("\tat dev.jspec.cli.Main.main(Main.java:1)"));
        assertEquals("kernel memory is ignored", LogTee.message("jspec: warning: kernel memory is ignored"));
        assertEquals("{\"level\":\"error\",\"msg\":\"a \\\"b\\\"\",\"time\":\"2024-01-02T03:04:05Z\"}\n",
                LogTee.entry(LogTee.Format.JSON, "error", "a \"b\"", OffsetDateTime.parse("2024-01-02T03:04:05.678Z")));
    }
}
