package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jspec.cgroup.BpfInsn;
import dev.jspec.cgroup.DeviceFilter;
import dev.jspec.sys.Errno;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.SyscallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A device program loaded and attached by the real bpf(2), and enforced by the kernel on a
 * process in the cgroup. Needs a cgroup2 mount, not a v2 host: a hybrid host's
 * {@code /sys/fs/cgroup/unified} has no controllers, but device programs attach to its
 * directories all the same. Root only.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class DeviceFilterIT {

    private static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");

    private static final List<String> ONLY_DEV_NULL = List.of("deny a", "allow c 1:3 rwm");

    @Test
    void onlyTheAllowedDeviceOpensInTheCgroup() throws Exception {
        Path dir = newCgroup();
        try {
            new LinuxSyscalls().attachDeviceFilter(dir.toString(), DeviceFilter.program(ONLY_DEV_NULL));
            assertEquals("null-ok\nzero-denied\n", openDevicesIn(dir));
        } finally {
            removeCgroup(dir);
        }
    }

    @Test
    void aNewFilterReplacesTheOneAlreadyOnTheDirectory() throws Exception {
        Path dir = newCgroup();
        try {
            LinuxSyscalls sys = new LinuxSyscalls();
            // As a reused cgroup would carry it: a stricter program from before. Both staying attached would deny /dev/null.
            sys.attachDeviceFilter(dir.toString(), DeviceFilter.program(List.of("deny a")));
            sys.attachDeviceFilter(dir.toString(), DeviceFilter.program(ONLY_DEV_NULL));
            assertEquals("null-ok\nzero-denied\n", openDevicesIn(dir));
        } finally {
            removeCgroup(dir);
        }
    }

    private static Path newCgroup() throws IOException {
        assumeTrue(isCgroup2Mount(UNIFIED), UNIFIED + " is not a cgroup2 mount on this host");
        Path dir = UNIFIED.resolve("jspec-devtest-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectory(dir);
        return dir;
    }

    /** A shell that moves itself into the cgroup, then execs a shell that opens /dev/null and /dev/zero; its output. */
    private static String openDevicesIn(Path dir) throws Exception {
        Process child = new ProcessBuilder("/bin/sh", "-c", "echo $$ > " + dir + "/cgroup.procs; exec sh -c "
                + "'echo > /dev/null && echo null-ok; head -c 1 /dev/zero >/dev/null 2>&1 || echo zero-denied'")
                .redirectErrorStream(true).start();
        try {
            child.getOutputStream().close();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not finish");
            return out;
        } finally {
            // Reaped before the cgroup is removed: rmdir fails while a process is inside.
            child.destroyForcibly();
            child.waitFor();
        }
    }

    @Test
    void aProgramTheVerifierRejectsFailsWithTheVerifiersWords() {
        // No exit at the end: the verifier refuses the load, so nothing is attached anywhere.
        SyscallException e = assertThrows(SyscallException.class,
                () -> new LinuxSyscalls().attachDeviceFilter(UNIFIED.toString(), new long[] {BpfInsn.mov32(0, 1)}));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.call().startsWith("bpf(BPF_PROG_LOAD") && e.detail().startsWith("verifier: "), e.getMessage());
    }

    private static boolean isCgroup2Mount(Path path) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .map(line -> line.split(" "))
                .anyMatch(f -> f.length > 2 && f[1].equals(path.toString()) && f[2].equals("cgroup2"));
    }

    /** rmdir, retried: a reaped process can leave the cgroup a moment after waitpid returns. */
    private static void removeCgroup(Path dir) throws Exception {
        for (int i = 0; ; i++) {
            try {
                Files.delete(dir);
                return;
            } catch (IOException e) {
                if (i == 50) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }
}
