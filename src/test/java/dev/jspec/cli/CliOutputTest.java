package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.exec.InitCommand;
import dev.jspec.lifecycle.ContainerId;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.lifecycle.StateStore;
import dev.jspec.util.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the commands say, captured through {@link Main#execute(PrintWriter, PrintWriter, String...)}:
 * every message goes to the writers it is given, none straight to System.out/err.
 * Only what runs without root: IDs, state files, configs.
 */
class CliOutputTest {

    private static final String BAD_ID = "jspec: invalid container ID \"../etc\": use letters, digits and _ + - . "
            + "(1 to " + ContainerId.MAX_LENGTH + " characters), not . or ..\n";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path root;

    private int jspec(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    /** A stopped container: its init (pid 0) is not alive, and it recorded no cgroups. */
    private void recordStopped(String id) throws Exception {
        StateStore store = new StateStore(root);
        store.reserve(id);
        store.write(new ContainerState(id, "running", 0, 0, "/bundles/" + id, List.of(), List.of(), Map.of()));
    }

    /** A state directory whose state file is not one jspec wrote. */
    private void recordCorrupt(String id) throws Exception {
        Path dir = Files.createDirectories(root.resolve(id));
        Files.writeString(dir.resolve("state.json"), "{ not json");
    }

    @Test
    void stateOfAnInvalidIdSaysWhyOnStderr() {
        assertEquals(ExitCodes.FAILURE, jspec("state", "--root", root.toString(), "../etc"));
        assertEquals(BAD_ID, err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void stateOfAnUnknownContainerSaysItDoesNotExist() {
        assertEquals(ExitCodes.FAILURE, jspec("state", "--root", root.toString(), "nosuch"));
        assertEquals("jspec: container \"nosuch\" does not exist\n", err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void stateOfAStoppedContainerIsItsOciStateOnStdout() throws Exception {
        recordStopped("web");
        assertEquals(ExitCodes.OK, jspec("state", "--root", root.toString(), "web"), err.toString());
        assertEquals("{\n  \"ociVersion\": \"1.2.0\",\n  \"id\": \"web\",\n  \"status\": \"stopped\",\n  \"pid\": 0,\n"
                + "  \"bundle\": \"/bundles/web\",\n  \"annotations\": {}\n}\n", out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void stateOfACorruptStateSaysWhichFile() throws Exception {
        recordCorrupt("bad");
        assertEquals(ExitCodes.FAILURE, jspec("state", "--root", root.toString(), "bad"));
        assertTrue(err.toString().startsWith("jspec: cannot read the state of \"bad\": " + root.resolve("bad/state.json")
                + " is not a container state: "), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void killWithAnUnknownSignalIsAUsageError() {
        assertEquals(ExitCodes.USAGE, jspec("kill", "--root", root.toString(), "web", "SIGNOPE"));
        assertEquals("jspec: unknown signal \"SIGNOPE\"\n", err.toString());
    }

    @Test
    void killOfAnInvalidIdSaysWhy() {
        assertEquals(ExitCodes.FAILURE, jspec("kill", "--root", root.toString(), "../etc", "KILL"));
        assertEquals(BAD_ID, err.toString());
    }

    @Test
    void killOfAnUnknownContainerSaysItDoesNotExist() {
        assertEquals(ExitCodes.FAILURE, jspec("kill", "--root", root.toString(), "nosuch"));
        assertEquals("jspec: container \"nosuch\" does not exist\n", err.toString());
    }

    @Test
    void killOfAStoppedContainerSaysItIsNotRunning() throws Exception {
        recordStopped("web");
        assertEquals(ExitCodes.FAILURE, jspec("kill", "--root", root.toString(), "web", "TERM"));
        assertEquals("jspec: container \"web\" is not running\n", err.toString());
    }

    @Test
    void deleteOfAnInvalidIdSaysWhy() {
        assertEquals(ExitCodes.FAILURE, jspec("delete", "--root", root.toString(), "../etc"));
        assertEquals(BAD_ID, err.toString());
    }

    @Test
    void deleteOfAnUnknownContainerSaysItDoesNotExist() {
        assertEquals(ExitCodes.FAILURE, jspec("delete", "--root", root.toString(), "nosuch"));
        assertEquals("jspec: container \"nosuch\" does not exist\n", err.toString());
    }

    @Test
    void deleteOfACorruptStateNamesTheForceWayOut() throws Exception {
        recordCorrupt("bad");
        assertEquals(ExitCodes.FAILURE, jspec("delete", "--root", root.toString(), "bad"));
        assertTrue(err.toString().endsWith("; `jspec delete --force bad` removes the state (its cgroups, if any, stay)\n"),
                err.toString());
        assertTrue(Files.exists(root.resolve("bad/state.json")));
    }

    @Test
    void forcedDeleteOfACorruptStateSaysWhatItRemoves() throws Exception {
        recordCorrupt("bad");
        assertEquals(ExitCodes.OK, jspec("delete", "--root", root.toString(), "--force", "bad"));
        assertTrue(err.toString().startsWith("jspec: the state of \"bad\" is unreadable ("), err.toString());
        assertTrue(err.toString().endsWith("); removing it, nothing else (its cgroups, if any, stay)\n"), err.toString());
        assertFalse(Files.exists(root.resolve("bad")));
    }

    @Test
    void deleteOfAStoppedContainerRemovesItQuietly() throws Exception {
        recordStopped("web");
        assertEquals(ExitCodes.OK, jspec("delete", "--root", root.toString(), "web"), err.toString());
        assertEquals("", err.toString());
        assertEquals("", out.toString());
        assertFalse(Files.exists(root.resolve("web")));
    }

    @Test
    void listSkipsACorruptStateAndShowsTheRest() throws Exception {
        recordCorrupt("bad");
        recordStopped("web");
        assertEquals(ExitCodes.OK, jspec("list", "--root", root.toString()));
        List<String> lines = out.toString().lines().toList();
        assertEquals(2, lines.size(), out.toString());
        assertEquals(List.of("ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"), List.of(lines.get(0).split(" +")));
        assertEquals(List.of("web", "0", "stopped", "/bundles/web"), List.of(lines.get(1).split(" +")).subList(0, 4));
        assertTrue(err.toString().startsWith("jspec: skipping container \"bad\": " + root.resolve("bad/state.json")),
                err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void quietListPrintsOnlyTheIds() throws Exception {
        recordStopped("a");
        recordStopped("b");
        assertEquals(ExitCodes.OK, jspec("list", "--root", root.toString(), "-q"));
        assertEquals("a\nb\n", out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void validateReportsABrokenConfigAtItsLineAndColumn(@TempDir Path bundle) throws Exception {
        Files.createDirectory(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve("config.yaml"), """
                ociVersion: 1.2.0
                root: {path: rootfs}
                process:
                  args: [/bin/sh]
                  cwd: /
                linux:
                  namespaces:
                    - type: pid
                    - type: bogus
                """);
        assertEquals(ExitCodes.CONFIG_ERROR, jspec("validate", bundle.toString()));
        assertTrue(err.toString().contains("config.yaml:9:13: \"bogus\" is not a namespace type"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void runRefusesAnInvalidIdBeforeAnythingIsMade(@TempDir Path bundle) {
        assertEquals(ExitCodes.START_FAILED, jspec("run", "--root", root.toString(), "--bundle", bundle.toString(), "a b"));
        assertTrue(err.toString().startsWith("jspec: invalid container ID \"a b\": "), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void runOfAPathWithoutAConfigSaysItIsNotABundle(@TempDir Path dir) {
        assertEquals(ExitCodes.START_FAILED, jspec("run", "--root", root.toString(), dir.toString()));
        assertEquals("jspec: " + dir + " is not a bundle: no config.yaml, config.yml, config.json there\n", err.toString());
    }

    @Test
    void initArgvPrintsOneArgumentPerLine() {
        assertEquals(ExitCodes.OK, jspec("init-argv"));
        assertEquals(String.join("\n", InitCommand.argv()) + "\n", out.toString());
    }

    @Test
    void noCommandPrintsTheUsageOnStderr() {
        assertEquals(ExitCodes.USAGE, jspec());
        assertTrue(err.toString().startsWith("Usage: jspec "), err.toString());
        assertTrue(err.toString().contains("jspec: a command is required"), err.toString());
        assertEquals("", out.toString());
    }
}
