package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.sys.Errno;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.SyscallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real call failing inside a step of several calls: the user's one line on stderr names
 * the step as `jspec plan` prints it, the call that failed with its arguments (a descriptor
 * with the path it names), and the errno; and the BPF verifier's reasons reach the error.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class StepErrorsIT {

    @TempDir
    static Path work;

    private static Jspec.Result run(String name, String mounts, String linux) throws IOException {
        Path bundle = TestBundles.write(work, name,
                TestBundles.config(name, "args: [sh, -c, 'echo should not run']\ncwd: /\nenv: [PATH=/bin]", mounts, linux));
        return Jspec.run("run", "--bundle", bundle.toString(), name);
    }

    private static void assertOneLine(Jspec.Result r, Pattern expected) {
        assertEquals(125, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertTrue(expected.matcher(r.err()).matches(), "expected " + expected + "\n     got " + r.err());
    }

    /**
     * A device where the image has a directory: of the Mknod step's calls (mkdirat of the
     * parents, unlinkat of what is there, mknodat, chmod, fchownat) the unlinkat fails, in
     * the rootfs's own directory, which is left as it was.
     */
    @Test
    void aDeviceOverADirectoryNamesTheUnlinkatThatFailed() throws IOException {
        Path rootfs = TestBundles.rootfs();
        Jspec.Result r = run("mknoddir", "", "devices: [{type: c, path: /etc, major: 1, minor: 3, fileMode: 0o666}]");
        assertOneLine(r, Pattern.compile("jspec: step \\d+ " + Pattern.quote("mknod(\"/etc\", c 1:3, 0666) + chown(0, 0): unlinkat(")
                + "\\d+" + Pattern.quote("<" + rootfs.toRealPath() + ">, \"etc\", 0): EISDIR (Is a directory)") + "\n"));
        assertTrue(Files.isDirectory(rootfs.resolve("etc")) && Files.exists(rootfs.resolve("etc/passwd")), "the image's /etc stays");
    }

    /** A Mount step opens its target in the root and mounts through the descriptor: the line says which directory that was. */
    @Test
    void aMountNamesTheMountCallWithTheDirectoryItsDescriptorNames() throws IOException {
        Path rootfs = TestBundles.rootfs();
        Jspec.Result r = run("mountfs", "- {destination: /tmp, type: nosuchfs, source: none, options: [nosuid, nodev]}", "");
        assertOneLine(r, Pattern.compile("jspec: step \\d+ " + Pattern.quote("mount(\"none\", \"/tmp\", \"nosuchfs\", MS_NOSUID|MS_NODEV, NULL): "
                + "mount(\"none\", \"/proc/self/fd/") + "\\d+" + Pattern.quote("\"<" + rootfs.toRealPath() + "/tmp>, \"nosuchfs\", "
                + "MS_NOSUID|MS_NODEV, NULL): ENODEV (No such device) (the kernel does not know filesystem type nosuchfs)") + "\n"));
    }

    /**
     * The verifier's reasons for a program it rejects come with the error. The load comes
     * before anything is opened or attached, so no cgroup is needed.
     */
    @Test
    void aDeviceProgramTheVerifierRejectsCarriesItsLog() {
        long exitWithoutR0 = 0x95L; // BPF_JMP|BPF_EXIT, r0 never set
        SyscallException e = assertThrows(SyscallException.class,
                () -> new LinuxSyscalls().attachDeviceFilter("/nonexistent", new long[] {exitWithoutR0}));
        assertEquals(Errno.EACCES, e.errno(), e.getMessage());
        assertEquals("bpf(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE, 1 insns)", e.call());
        assertTrue(e.detail().startsWith("verifier: ") && e.detail().contains("R0 !read_ok"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
