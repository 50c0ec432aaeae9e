package dev.jspec.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.Syscalls;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** On the running kernel with a child of the test's own (no root needed). */
class InitProcessTest {

    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;

    private final Syscalls sys = new LinuxSyscalls();

    @Test
    void theStartTimeIsField22CountedAfterTheCommandName() {
        String stat = "4242 (a) b (c) R 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 18446744073709551615";
        assertEquals(987654, InitProcess.startTime(stat));
        assertEquals("R", InitProcess.state(stat));
    }

    @Test
    void aProcessIsAliveOnlyWithItsOwnStartTime() {
        int self = (int) ProcessHandle.current().pid();
        InitProcess me = InitProcess.of(sys, self);
        assertTrue(me.alive(sys));
        assertFalse(new InitProcess(self, me.startTime() - 1).alive(sys), "the pid reused by another process");
        assertFalse(new InitProcess(self, 0).alive(sys), "no recorded start time, no claim");
        assertFalse(new InitProcess(0, me.startTime()).alive(sys));
    }

    @Test
    void aReusedPidIsNeverSignalled() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            InitProcess real = InitProcess.of(sys, (int) sleep.pid());
            InitProcess recorded = new InitProcess(real.pid(), real.startTime() + 100);
            assertFalse(recorded.signal(sys, SIGKILL));
            assertFalse(sleep.waitFor(200, TimeUnit.MILLISECONDS), "the unrelated process still runs");

            assertTrue(real.signal(sys, SIGTERM));
            assertTrue(sleep.waitFor(5, TimeUnit.SECONDS), "the process itself was signalled");
            assertFalse(real.alive(sys));
            assertFalse(real.signal(sys, SIGTERM), "an exited process is not signalled");
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void aZombieIsNotAlive() throws Exception {
        // sleep 0 exits at once; the sleep 30 its shell execs never reaps it, so it stays a zombie.
        Process sh = new ProcessBuilder("sh", "-c", "sleep 0 & echo $!; exec sleep 30").start();
        try {
            int zombie = Integer.parseInt(new java.io.BufferedReader(new java.io.InputStreamReader(sh.getInputStream(), StandardCharsets.UTF_8)).readLine().strip());
            InitProcess child = InitProcess.of(sys, zombie);
            for (int i = 0; i < 100 && !InitProcess.state(sys.readFile("/proc/" + zombie + "/stat")).equals("Z"); i++) {
                Thread.sleep(10);
            }
            assertEquals("Z", InitProcess.state(sys.readFile("/proc/" + zombie + "/stat")));
            assertFalse(child.alive(sys));
            assertFalse(child.signal(sys, SIGKILL));
        } finally {
            sh.destroyForcibly().waitFor();
        }
    }
}
