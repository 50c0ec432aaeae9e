package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * runtime-spec config.md, "Extensibility": a runtime MUST NOT fail on a property it does not
 * know, it ignores it (runtime-tools' misc_props). jspec warns, located; `jspec validate`,
 * for people writing configs by hand, keeps calling it an error.
 */
class UnknownPropertiesTest {

    /** runtime-tools' case: an extra top-level property beside a plain config, and one deeper, misspelt. */
    private static final String CONFIG = """
            {
              "ociVersion": "1.2.0",
              "root": {"path": "rootfs"},
              "process": {"args": ["true"], "cwd": "/", "terminl": false},
              "linux": {"namespaces": [{"type": "mount"}], "vendorThing": {"a": [1, 2]}},
              "unknown": "unknown"
            }
            """;

    private static Path bundle(Path dir, String config) throws Exception {
        Files.createDirectories(dir.resolve("rootfs"));
        Files.writeString(dir.resolve("config.json"), config);
        return dir;
    }

    @Test
    void aRuntimeLoadIgnoresUnknownPropertiesWithALocatedWarningEach(@TempDir Path dir) throws Exception {
        LoadedBundle loaded = BundleLoader.loadLenient(bundle(dir, CONFIG));
        assertEquals(List.of("true"), loaded.spec().process().args());
        List<String> warnings = loaded.warnings().stream().map(Diagnostic::toString).toList();
        String file = dir.resolve("config.json").toString();
        assertEquals(List.of(
                file + ":4:45: warning: unknown key 'terminl' ignored, as the OCI runtime-spec has runtimes do; did you mean"
                        + " 'terminal'? (at process.terminl)",
                file + ":5:48: warning: unknown key 'vendorThing' ignored, as the OCI runtime-spec has runtimes do (at linux.vendorThing)",
                file + ":6:3: warning: unknown key 'unknown' ignored, as the OCI runtime-spec has runtimes do (at unknown)"),
                warnings);
    }

    @Test
    void validateStillReportsThemAsErrorsWithTheirSuggestion(@TempDir Path dir) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> BundleLoader.load(bundle(dir, CONFIG)));
        List<String> problems = e.diagnostics().stream().map(Diagnostic::message).toList();
        assertEquals(3, problems.size(), problems.toString());
        assertEquals("unknown key 'terminl'; did you mean 'terminal'?", problems.get(0));
        assertTrue(problems.get(1).startsWith("unknown key 'vendorThing'"), problems.get(1));
        assertTrue(problems.get(2).startsWith("unknown key 'unknown'"), problems.get(2));
    }

    @Test
    void anUnknownPropertyDoesNotHideTheRealProblemsBesideIt(@TempDir Path dir) throws Exception {
        // runtime-tools' third case: an invalid value must still fail.
        ConfigException e = assertThrows(ConfigException.class, () -> BundleLoader.loadLenient(bundle(dir, """
                {"ociVersion": "1.2.0", "root": {"path": "rootfs"}, "unknown": 1,
                 "process": {"args": ["true"], "cwd": "relative"}, "linux": {"namespaces": [{"type": "mount"}]}}
                """)));
        assertEquals(1, e.diagnostics().size(), e.diagnostics().toString());
        assertTrue(e.diagnostics().getFirst().jsonPath().equals("process.cwd"), e.diagnostics().toString());
    }

    @Test
    void aFieldJspecKnowsAndRefusesIsStillAnError(@TempDir Path dir) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> BundleLoader.loadLenient(bundle(dir, """
                {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
                 "process": {"args": ["true"], "cwd": "/", "scheduler": {"policy": "SCHED_OTHER"}},
                 "linux": {"namespaces": [{"type": "mount"}]}}
                """)));
        assertTrue(e.diagnostics().getFirst().message().contains("does not support yet"), e.diagnostics().toString());
    }

    @Test
    void planWarnsOnStderrAndPlansWhileValidateFails(@TempDir Path dir) throws Exception {
        Path b = bundle(dir, CONFIG);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int plan = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "plan", b.toString());
        assertEquals(0, plan, err.toString());
        assertTrue(err.toString().contains(":6:3: warning: unknown key 'unknown' ignored"), err.toString());
        assertTrue(out.toString().contains("execve(\"true\""), out.toString());

        StringWriter vout = new StringWriter();
        StringWriter verr = new StringWriter();
        int validate = Main.execute(new PrintWriter(vout, true), new PrintWriter(verr, true), "validate", b.toString());
        assertEquals(2, validate);
        assertTrue(verr.toString().contains(":6:3: unknown key 'unknown'"), verr.toString());
        assertFalse(verr.toString().contains("ignored"), verr.toString());
    }
}
