package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record of configs that passed the schema check: it skips the check only for the very
 * bytes that passed, never records a config with a schema problem or unknown key, and is
 * not believed where someone other than root could have written it.
 */
class ValidatedConfigsTest {

    private static final String VALID = """
            {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
             "process": {"args": ["true"], "cwd": "/"}, "linux": {"namespaces": [{"type": "mount"}]}}
            """;

    private static boolean root() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    private static Path bundle(Path dir, String config) throws Exception {
        Files.createDirectories(dir.resolve("rootfs"));
        Files.writeString(dir.resolve("config.json"), config);
        return dir;
    }

    @Test
    void onlyTheExactBytesThatPassedAreKnown(@TempDir Path dir) throws Exception {
        assumeTrue(root(), "entries are believed only when root's");
        Path cache = dir.resolve("validated-configs");
        ValidatedConfigs configs = new ValidatedConfigs(cache);
        byte[] bytes = VALID.getBytes(StandardCharsets.UTF_8);
        assertFalse(configs.entry(bytes).known());
        configs.entry(bytes).record();
        assertTrue(configs.entry(bytes).known());
        byte[] other = VALID.replace("true", "tru3").getBytes(StandardCharsets.UTF_8);
        assertFalse(configs.entry(other).known());
    }

    @Test
    void anEntryWithTheSameNameButOtherBytesIsNotBelieved(@TempDir Path dir) throws Exception {
        assumeTrue(root(), "entries are believed only when root's");
        Path cache = dir.resolve("validated-configs");
        ValidatedConfigs configs = new ValidatedConfigs(cache);
        byte[] bytes = VALID.getBytes(StandardCharsets.UTF_8);
        configs.entry(bytes).record();
        try (var s = Files.list(cache)) {
            for (Path p : s.toList()) {
                Files.writeString(p, "something else");
            }
        }
        assertFalse(configs.entry(bytes).known());
    }

    @Test
    void aDirectoryOthersCanWriteIsNotBelieved(@TempDir Path dir) throws Exception {
        assumeTrue(root(), "entries are believed only when root's");
        Path cache = dir.resolve("validated-configs");
        ValidatedConfigs configs = new ValidatedConfigs(cache);
        byte[] bytes = VALID.getBytes(StandardCharsets.UTF_8);
        configs.entry(bytes).record();
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertFalse(configs.entry(bytes).known());
    }

    @Test
    void aLoadRecordsAValidConfigAndTheNextStillWarnsAndChecksSemantics(@TempDir Path dir) throws Exception {
        assumeTrue(root(), "entries are believed only when root's");
        Path cache = dir.resolve("validated-configs");
        // A warning of the semantic checks (an ambient capability that is not inheritable) stays.
        String config = VALID.replace("\"cwd\": \"/\"", "\"cwd\": \"/\", \"capabilities\": {\"ambient\": [\"CAP_KILL\"]}");
        Path b = bundle(dir.resolve("b"), config);
        LoadedBundle first = BundleLoader.loadLenient(b, cache);
        LoadedBundle second = BundleLoader.loadLenient(b, cache);
        assertTrue(new ValidatedConfigs(cache).entry(config.getBytes(StandardCharsets.UTF_8)).known());
        assertEquals(first.warnings().stream().map(Diagnostic::toString).toList(),
                second.warnings().stream().map(Diagnostic::toString).toList());
        assertFalse(second.warnings().isEmpty());
        assertEquals(List.of("true"), second.spec().process().args());
    }

    @Test
    void aConfigWithAnUnknownKeyOrAProblemIsNeverRecorded(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("validated-configs");
        String unknown = VALID.replace("\"cwd\": \"/\"", "\"cwd\": \"/\", \"terminl\": false");
        BundleLoader.loadLenient(bundle(dir.resolve("u"), unknown), cache);
        String invalid = VALID.replace("\"mount\"", "\"bogus\"");
        assertThrows(ConfigException.class, () -> BundleLoader.loadLenient(bundle(dir.resolve("i"), invalid), cache));
        assertFalse(new ValidatedConfigs(cache).entry(unknown.getBytes(StandardCharsets.UTF_8)).known());
        assertFalse(new ValidatedConfigs(cache).entry(invalid.getBytes(StandardCharsets.UTF_8)).known());
        // And an invalid config stays invalid even after a valid one was recorded.
        assertThrows(ConfigException.class, () -> BundleLoader.loadLenient(bundle(dir.resolve("i"), invalid), cache));
    }

    /**
     * The launcher's hint: once a bundle's config passed, a file named after the bundle's
     * path, no older than the config; none for a config with a problem; made again when the
     * config changed after it.
     */
    @Test
    void aConfigThatPassedLeavesTheLauncherAHintNamedAfterItsBundle(@TempDir Path dir) throws Exception {
        assumeTrue(root(), "entries are believed only when root's");
        Path cache = dir.resolve("validated-configs");
        Path b = bundle(dir.resolve("b"), VALID);
        Path hint = cache.resolve("@" + b.toAbsolutePath().toString().replace('/', '%'));
        assertEquals(hint, ValidatedConfigs.hintFile(cache, b));
        BundleLoader.loadLenient(b, cache);
        assertTrue(Files.isRegularFile(hint), "the first load, which records the config");
        Files.setLastModifiedTime(hint, java.nio.file.attribute.FileTime.fromMillis(0));
        BundleLoader.loadLenient(b, cache);
        assertTrue(Files.getLastModifiedTime(hint).compareTo(Files.getLastModifiedTime(b.resolve("config.json"))) >= 0,
                "a hint older than the config is made again by a load that finds it known");
        Path bad = bundle(dir.resolve("bad"), VALID.replace("\"mount\"", "\"bogus\""));
        assertThrows(ConfigException.class, () -> BundleLoader.loadLenient(bad, cache));
        assertFalse(Files.exists(ValidatedConfigs.hintFile(cache, bad)));
        assertEquals(null, ValidatedConfigs.hintFile(cache, Path.of("/" + "x".repeat(300))), "too long for a name");
    }
}
