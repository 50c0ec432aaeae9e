package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config that is not a regular file is refused at once, never read (a FIFO would block forever). */
class ConfigFileTest {

    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    private static Path fifo(Path at) throws Exception {
        Process p = new ProcessBuilder("mkfifo", at.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        return at;
    }

    private static String refusal(Path bundleOrConfig) {
        return assertTimeoutPreemptively(PROMPTLY,
                () -> assertThrows(UncheckedIOException.class, () -> BundleLoader.load(bundleOrConfig)).getMessage());
    }

    @Test
    void aFifoNamedAsTheConfigIsRefused(@TempDir Path dir) throws Exception {
        Path config = fifo(dir.resolve("config.yaml"));
        assertEquals(config + " is a FIFO, not a regular file; a config must be a regular file", refusal(config));
    }

    @Test
    void aFifoInABundleIsRefusedNotSkippedForTheNextName(@TempDir Path dir) throws Exception {
        fifo(dir.resolve("config.yaml"));
        Files.writeString(dir.resolve("config.json"), "{\"ociVersion\": \"1.2.0\"}");
        assertTrue(refusal(dir).endsWith("config.yaml is a FIFO, not a regular file; a config must be a regular file"));
    }

    @Test
    void aDirectoryNamedConfigYamlIsRefused(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("config.yaml"));
        assertTrue(refusal(dir).endsWith("config.yaml is a directory, not a regular file; a config must be a regular file"));
    }

    @Test
    void aDeviceIsRefusedWithoutBeingOpened() {
        assertEquals("/dev/zero is a character device, not a regular file; a config must be a regular file",
                refusal(Path.of("/dev/zero")));
    }

    @Test
    void aLinkToAFifoIsRefused(@TempDir Path dir) throws Exception {
        Path target = fifo(dir.resolve("pipe"));
        Files.createSymbolicLink(dir.resolve("config.yaml"), target);
        assertTrue(refusal(dir).contains("is a FIFO"));
    }

    @Test
    void aRegularFileIsReadThroughTheNonBlockingOpen(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "ociVersion: 1.2.0\n");
        assertEquals("ociVersion: 1.2.0\n", new String(ConfigFile.read(config, 100), StandardCharsets.UTF_8));
        assertEquals("ociV", new String(ConfigFile.read(config, 4), StandardCharsets.UTF_8));
    }
}
