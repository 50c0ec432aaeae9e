package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start whose config.json passed the schema check before reads it without Jackson's tree,
 * so a cold JVM never runs BigDecimal's class initializer (5^65536 in JDK 25, tens of
 * milliseconds) nor Jackson's value nodes. Checked in a JVM of its own, as a start is.
 */
class KnownConfigTest {

    /** Valid, with a size string (ByteSize), an unsigned 64-bit value (a BigInteger) and a negative one. */
    private static final String CONFIG = """
            {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
             "process": {"args": ["true"], "cwd": "/",
                         "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 18446744073709551615, "soft": 1024}]},
             "linux": {"namespaces": [{"type": "mount"}],
                       "resources": {"memory": {"limit": "64Mi", "swap": -1}}}}
            """;

    @TempDir
    Path dir;

    private static boolean root() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    /** The class initializations logged by a fresh JVM loading the bundle, with its output. */
    private String probe(Path bundle, Path validated) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-Xshare:auto", "-Xlog:class+init=info", "-cp", System.getProperty("java.class.path"),
                KnownConfigProbe.class.getName(), bundle.toString(), validated.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** A bundle with {@link #CONFIG} as its config.json and an empty root filesystem. */
    private Path bundle() throws java.io.IOException {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Files.createDirectories(bundle.resolve("rootfs"));
        Files.writeString(bundle.resolve("config.json"), CONFIG);
        return bundle;
    }

    @Test
    void aKnownConfigJsonIsLoadedWithoutBigDecimalOrJacksonNodes() throws Exception {
        assumeTrue(root(), "entries are believed only when root's");
        Path bundle = bundle();
        Path validated = dir.resolve("validated-configs");

        String first = probe(bundle, validated);
        assertTrue(first.contains("loaded new [true]"), first);
        // The probe sees BigDecimal: the test is not blind to it.
        assertTrue(first.contains("Initializing 'java/math/BigDecimal'"), first);

        String second = probe(bundle, validated);
        assertTrue(second.contains("loaded known [true]"), second);
        assertFalse(second.contains("Initializing 'java/math/BigDecimal'"), "BigDecimal was initialized:\n" + second);
        assertFalse(second.contains("Initializing 'tools/jackson/databind/node/ValueNode'"), "a Jackson value node was made:\n" + second);
    }

    @Test
    void aKnownConfigBindsAsTheSchemaCheckedOne() throws Exception {
        assumeTrue(root(), "entries are believed only when root's");
        Path bundle = bundle();
        Path validated = dir.resolve("validated-configs");
        Spec checked = BundleLoader.loadLenient(bundle, validated).spec();
        Spec known = BundleLoader.loadLenient(bundle, validated).spec();
        assertEquals(checked, known);
        assertEquals(64L << 20, known.linux().resources().memory().limit());
        assertEquals(-1L, known.linux().resources().memory().swap());
        assertEquals(-1L, known.process().rlimits().getFirst().hard());
    }
}
