package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.cgroup.AttachWarmer;
import dev.jspec.cgroup.CgroupLayoutProbe;
import dev.jspec.cgroup.CgroupLayoutProbe.CgroupMounts;
import dev.jspec.sys.LinuxSyscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The warmer a start runs while its init boots (see AttachWarmer), against this host's real
 * cgroupfs, in this test's own JVM: its writes go through, and they move nothing. Root only.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class AttachWarmerIT {

    @Test
    void itsWritesGoThroughAndLeaveThisProcessWhereItWas() throws IOException, InterruptedException {
        String before = Files.readString(Path.of("/proc/self/cgroup"));
        CgroupMounts mounts = CgroupLayoutProbe.detect();
        AttachWarmer warmer = AttachWarmer.start(new LinuxSyscalls(), mounts.layout(), mounts.v1Mounts(), mounts.v2Mount());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (warmer.writes() < 3 && !warmer.stopped() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        warmer.stop();
        assertNotNull(warmer.procsFile(), "this process's own cgroup.procs was found");
        assertTrue(warmer.writes() >= 3, "writes to " + warmer.procsFile() + ": " + warmer.writes());
        Thread.sleep(20);
        assertTrue(warmer.stopped());
        int after = warmer.writes();
        Thread.sleep(20);
        assertEquals(after, warmer.writes(), "no write once stopped");
        assertEquals(before, Files.readString(Path.of("/proc/self/cgroup")), "the writes moved nothing");
    }

    /**
     * Something else moving the process while the warmer runs (a service manager) ends the
     * warming; the warmer never moves it back. This test's JVM moves itself into a child of
     * its own cgroup, in the warmer's hierarchy, and back.
     */
    @Test
    void aMoveByAnythingElseEndsItWithoutAMoveBack() throws IOException, InterruptedException {
        CgroupMounts mounts = CgroupLayoutProbe.detect();
        LinuxSyscalls sys = new LinuxSyscalls();
        AttachWarmer warmer = AttachWarmer.start(sys, mounts.layout(), mounts.v1Mounts(), mounts.v2Mount());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (warmer.writes() < 2 && !warmer.stopped() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        String own = warmer.procsFile();
        assertNotNull(own, "this process's own cgroup.procs was found");
        Path child = Path.of(own).resolveSibling("jspec-warmer-test-" + ProcessHandle.current().pid());
        Files.createDirectory(child);
        try {
            Files.writeString(child.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
            while (!warmer.stopped() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(warmer.stopped(), "the warming ended");
            Thread.sleep(30);
            String procs = Files.readString(child.resolve("cgroup.procs"));
            assertTrue(procs.lines().anyMatch(l -> l.equals(Long.toString(ProcessHandle.current().pid()))),
                    "still where the other mover put it: " + procs);
        } finally {
            warmer.stop();
            Files.writeString(Path.of(own), Long.toString(ProcessHandle.current().pid()));
            Files.delete(child);
        }
    }
}
