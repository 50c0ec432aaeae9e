package dev.jspec.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libc through JNA {@code Function} calls (see {@link LibC}): arguments keep their native
 * types, strings travel as UTF-8, errno comes back, and no call sets up JNA's direct mapping.
 */
class LibCTest {

    private final Syscalls sys = new LinuxSyscalls();

    @TempDir
    Path dir;

    @Test
    void aNameOutsideAsciiGoesAndComesBackAsUtf8() {
        int fd = sys.openPath(dir.toString());
        try {
            sys.symlinkAt("tärget-ß-€", fd, "lïnk");
            assertEquals("tärget-ß-€", sys.readlinkAt(fd, "lïnk"));
            assertEquals(Syscalls.FileKind.SYMLINK, sys.kind(dir + "/lïnk", false));
        } finally {
            sys.close(fd);
        }
    }

    @Test
    void arraysAreFilledInAndResultsComeBack() {
        int[] pipe = sys.pipe();
        try {
            byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
            sys.writeAll(pipe[1], data);
            byte[] buf = new byte[32];
            assertEquals(10, sys.read(pipe[0], buf));
            assertEquals("0123456789", new String(buf, 0, 10, StandardCharsets.US_ASCII));
        } finally {
            sys.close(pipe[0]);
            sys.close(pipe[1]);
        }
        assertTrue(sys.gettid() > 0);
        long[] caps = sys.capget();
        assertEquals(3, caps.length);
    }

    @Test
    void errnoComesBackWithTheCall() {
        SyscallException e = assertThrows(SyscallException.class, () -> sys.rmdir(dir + "/missing"));
        assertEquals("rmdir(\"" + dir + "/missing\"): ENOENT (No such file or directory)", e.getMessage());
        e = assertThrows(SyscallException.class, () -> sys.close(-1));
        assertEquals(9, e.errno(), "EBADF");
    }

    @Test
    void callsInAFreshJvmSetUpNoDirectMapping() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xlog:class+load=info", "--enable-native-access=ALL-UNNAMED",
                "-Djna.nosys=true"));
        String boot = System.getProperty("jna.boot.library.path");
        if (boot != null) {
            cmd.add("-Djna.boot.library.path=" + boot);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Calls.class.getName(), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("com.sun.jna.Function "), "the calls went through JNA's Function:\n" + out);
        assertTrue(out.contains("calls done"), out);
        // Direct mapping's registration builds a libffi type per parameter: Structure.FFIType,
        // with reflection over its field order and annotation proxies.
        assertFalse(out.contains("com.sun.jna.Structure$FFIType "), "Structure.FFIType was set up:\n" + out);
        assertFalse(out.contains("com.sun.jna.NativeString "), "a String argument went through NativeString:\n" + out);
    }

    /** The calls of {@link #callsInAFreshJvmSetUpNoDirectMapping}, in the child JVM. */
    static final class Calls {
        public static void main(String[] args) {
            Syscalls sys = new LinuxSyscalls();
            sys.kind(args[0], true);
            sys.mkdir(args[0] + File.separator + "d", 0755);
            sys.rmdir(args[0] + File.separator + "d");
            try {
                sys.rmdir(args[0] + File.separator + "d");
            } catch (SyscallException expected) {
                // the error path too
            }
            int[] pipe = sys.pipe();
            sys.writeAll(pipe[1], new byte[] {1});
            sys.read(pipe[0], new byte[1]);
            sys.close(pipe[0]);
            sys.close(pipe[1]);
            sys.umask(022);
            sys.capget();
            System.out.println("calls done");
        }
    }
}
