package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Test helpers: load config text as the runtime would, against a bundle directory. */
final class Configs {

    static final Path PROJECT = Path.of(System.getProperty("jspec.projectDir", ".")).toAbsolutePath();
    static final Path EXAMPLES = PROJECT.resolve("examples");

    private Configs() {}

    /** A config that must load; the bundle is examples/, whose rootfs exists. */
    static Spec load(String yaml) {
        try {
            return BundleLoader.check(ConfigReader.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml"), EXAMPLES);
        } catch (ConfigException e) {
            throw new AssertionError("expected a valid config, got:\n" + String.join("\n", e.diagnostics().stream().map(Diagnostic::toString).toList()));
        }
    }

    /** A config that must fail; returns every diagnostic. */
    static List<Diagnostic> problems(String yaml) {
        return problems(yaml.getBytes(StandardCharsets.UTF_8));
    }

    static List<Diagnostic> problems(byte[] bytes) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> BundleLoader.check(ConfigReader.parse(bytes, "test.yaml"), EXAMPLES));
        if (e.diagnostics().isEmpty()) {
            fail("a ConfigException without diagnostics");
        }
        return e.diagnostics();
    }

    /** The single problem of a config expected to have exactly one, as {@code LINE:COLUMN: message (at path)}. */
    static String problem(String yaml) {
        List<Diagnostic> all = problems(yaml);
        if (all.size() != 1) {
            fail("expected one problem, got:\n" + String.join("\n", all.stream().map(Diagnostic::toString).toList()));
        }
        return all.getFirst().toString().substring("test.yaml:".length());
    }

    /** A minimal valid config with {@code extra} appended (top-level YAML). */
    static String minimal(String extra) {
        return """
                ociVersion: 1.2.0
                root: {path: rootfs}
                process:
                  args: [/bin/sh]
                  cwd: /
                """ + extra;
    }
}
