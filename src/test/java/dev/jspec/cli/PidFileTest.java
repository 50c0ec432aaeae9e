package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {

    @Test
    void writesThePidAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("ctr.pid");
        Launch.writePidFile(pidFile, 4242);
        assertEquals("4242", Files.readString(pidFile));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aLinkPlantedAtTheTemporaryNameIsNotFollowed(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        Path pidFile = dir.resolve("ctr.pid");
        Path tmp = dir.resolve(".ctr.pid." + ProcessHandle.current().pid() + ".jspec-tmp");
        Files.createSymbolicLink(tmp, victim);
        Launch.writePidFile(pidFile, 7);
        assertEquals("untouched", Files.readString(victim));
        assertEquals("7", Files.readString(pidFile));
        assertFalse(Files.exists(tmp, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aLinkAtThePidFilesNameIsReplacedNotWrittenThrough(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "untouched");
        Path pidFile = dir.resolve("ctr.pid");
        Files.createSymbolicLink(pidFile, victim);
        Launch.writePidFile(pidFile, 9);
        assertEquals("untouched", Files.readString(victim));
        assertTrue(Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS));
        assertEquals("9", Files.readString(pidFile));
    }
}
