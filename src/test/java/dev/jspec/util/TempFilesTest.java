package dev.jspec.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFilesTest {

    @TempDir
    Path dir;

    @Test
    void makesDistinctFilesWithTheModeAskedFor() throws Exception {
        Path first;
        Path second;
        try (TempFiles.Created a = TempFiles.create(dir, ".state.json.", PosixFilePermissions.fromString("rw-------"));
                TempFiles.Created b = TempFiles.create(dir, ".state.json.", PosixFilePermissions.fromString("rw-------"))) {
            a.channel().write(ByteBuffer.wrap(new byte[] {'x'}));
            first = a.path();
            second = b.path();
        }
        assertNotEquals(first, second);
        assertEquals(dir, first.getParent());
        assertTrue(first.getFileName().toString().startsWith(".state.json."));
        assertEquals("x", Files.readString(first));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first)));
    }

    @Test
    void noSecureRandomIsSetUp() throws Exception {
        // The reason this class exists: Files.createTempFile seeds a SecureRandom (tens of
        // milliseconds in a cold JVM). A fresh JVM that only makes a file must not load one.
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Xshare:auto", "-verbose:class", "-cp", System.getProperty("java.class.path"),
                TempFilesProbe.class.getName(), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("made "), out);
        assertTrue(!out.contains("java.security.SecureRandom "), "SecureRandom was loaded:\n" + out);
        // Nor ProcessHandle's implementation, whose class makes a process reaper's executor.
        assertTrue(!out.contains("java.lang.ProcessHandleImpl "), "ProcessHandleImpl was loaded:\n" + out);
    }

    @Test
    void namesCarryThisProcesssPid() {
        assertEquals(Long.toString(ProcessHandle.current().pid()), TempFiles.pid());
    }
}
