package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** runc's two-step start, as engines drive it: create returns with the init waiting, start runs the program. */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class CreateStartIT {

    @TempDir
    static Path work;

    /** A bundle whose program leaves a mark in a bind-mounted host directory, then waits to be killed. */
    private static Path markingBundle(String id, Path marks) throws Exception {
        Files.createDirectories(marks);
        return TestBundles.write(work, id, TestBundles.config(id,
                "args: [sh, -c, 'echo ran > /tmp/ran; trap \"exit 0\" TERM; while true; do sleep 0.05; done']\ncwd: /\nenv: [PATH=/bin]",
                "- {destination: /tmp, type: bind, source: " + marks + ", options: [rbind, rw]}", ""));
    }

    @Test
    void createWaitsWithoutRunningTheProgramAndStartRunsIt() throws Exception {
        Path marks = work.resolve("marks-a");
        Path bundle = markingBundle("two-step", marks);
        Path pidFile = work.resolve("two-step.pid");
        try {
            Jspec.Result create = Jspec.run("create", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), "two-step");
            assertEquals(0, create.exit(), create.toString());
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the init waits after create returned");
            Jspec.Result state = Jspec.run("state", "two-step");
            assertTrue(state.out().contains("\"status\": \"created\""), state.toString());
            assertTrue(state.out().contains("\"pid\": " + pid), state.toString());
            Thread.sleep(300);
            assertFalse(Files.exists(marks.resolve("ran")), "the program must not run before start");

            Jspec.Result start = Jspec.run("start", "two-step");
            assertEquals(0, start.exit(), start.toString());
            for (int i = 0; i < 300 && !Files.exists(marks.resolve("ran")); i++) {
                Thread.sleep(10);
            }
            assertTrue(Files.exists(marks.resolve("ran")), "start runs the program");
            assertTrue(Jspec.run("state", "two-step").out().contains("\"status\": \"running\""));
            Jspec.Result again = Jspec.run("start", "two-step");
            assertEquals(1, again.exit(), "a container starts once: " + again);
            assertTrue(again.err().contains("not created"), again.toString());
        } finally {
            Jspec.Result delete = Jspec.run("delete", "--force", "two-step");
            assertEquals(0, delete.exit(), delete.toString());
        }
    }

    @Test
    void deleteOfACreatedContainerEndsItsWaitingInitWithoutForce() throws Exception {
        Path marks = work.resolve("marks-b");
        Path bundle = markingBundle("never-started", marks);
        Path pidFile = work.resolve("never-started.pid");
        assertEquals(0, Jspec.run("create", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), "never-started").exit());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Jspec.Result delete = Jspec.run("delete", "never-started");
        assertEquals(0, delete.exit(), delete.toString());
        for (int i = 0; i < 200 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(10);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the waiting init is gone");
        assertFalse(Files.exists(marks.resolve("ran")), "and its program never ran");
        assertEquals(1, Jspec.run("state", "never-started").exit());
    }

    @Test
    void createOfAMissingProgramFailsWith127AndLeavesNothing() throws Exception {
        Path bundle = TestBundles.write(work, "no-program", TestBundles.config("no-program",
                "args: [nosuch-program]\ncwd: /\nenv: [PATH=/bin]", "", ""));
        Jspec.Result create = Jspec.run("create", "--bundle", bundle.toString(), "no-program");
        assertEquals(127, create.exit(), create.toString());
        assertTrue(create.err().contains("\"nosuch-program\" not found in the container"), create.toString());
        assertEquals(1, Jspec.run("state", "no-program").exit(), "no state left behind");
    }

    @Test
    void startOfAContainerWhoseInitDiedSaysSoAndDoesNotHang() throws Exception {
        Path bundle = markingBundle("killed-early", work.resolve("marks-c"));
        Path pidFile = work.resolve("killed-early.pid");
        try {
            assertEquals(0, Jspec.run("create", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), "killed-early").exit());
            assertEquals(0, Jspec.run("kill", "killed-early", "KILL").exit());
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            for (int i = 0; i < 200 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
                Thread.sleep(10);
            }
            Jspec.Result start = Jspec.run("start", "killed-early");
            assertEquals(1, start.exit(), start.toString());
            assertTrue(start.err().contains("stopped"), start.toString());
        } finally {
            assertEquals(0, Jspec.run("delete", "--force", "killed-early").exit());
        }
    }

    @Test
    void aTerminalContainerNeedsAConsoleSocketToBeCreated() throws Exception {
        Path bundle = TestBundles.write(work, "tty-create", TestBundles.config("tty-create",
                "terminal: true\nargs: [sh]\ncwd: /\nenv: [PATH=/bin]", "", ""));
        Jspec.Result create = Jspec.run("create", "--bundle", bundle.toString(), "tty-create");
        assertEquals(125, create.exit(), create.toString());
        assertTrue(create.err().contains("--console-socket"), create.toString());
        assertEquals(1, Jspec.run("state", "tty-create").exit());
    }
}
