package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.cli.Main;
import dev.jspec.util.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The example configs, run through {@code jspec validate} exactly as a user would. */
class ExamplesTest {

    private static final String EXPECT = "# expect: ";

    record Run(int status, String out, String err) {}

    static Run validate(String... paths) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = Stream.concat(Stream.of("validate"), Stream.of(paths)).toArray(String[]::new);
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    static Stream<Path> invalidExamples() throws Exception {
        try (Stream<Path> files = Files.list(Configs.EXAMPLES.resolve("invalid"))) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.jspec.spec.SpecBinderTest#validExamples")
    void everyExampleIsValid(Path example) {
        Run run = validate(example.toString());
        assertEquals("", run.err());
        assertEquals(example + ": valid\n", run.out());
        assertEquals(ExitCodes.OK, run.status());
    }

    @ParameterizedTest
    @MethodSource("invalidExamples")
    void everyInvalidExampleFailsWithItsExpectedDiagnostic(Path example) throws Exception {
        // Read as bytes: not-utf8.yaml is meant to be undecodable past its first lines.
        List<String> expected = new String(Files.readAllBytes(example), StandardCharsets.ISO_8859_1).lines()
                .takeWhile(l -> l.startsWith(EXPECT))
                .map(l -> example + ":" + l.substring(EXPECT.length()))
                .toList();
        assertFalse(expected.isEmpty(), example + " has no '# expect:' line");
        Run run = validate(example.toString());
        List<String> actual = run.err().lines().toList();
        for (String line : expected) {
            assertTrue(actual.contains(line), "expected\n  " + line + "\nin\n  " + String.join("\n  ", actual));
        }
        assertEquals("", run.out());
        assertEquals(ExitCodes.CONFIG_ERROR, run.status());
    }

    @Test
    void aMissingPathIsAFailureNotAConfigError() {
        Run run = validate(Configs.EXAMPLES.resolve("no-such-bundle").toString());
        assertEquals(ExitCodes.FAILURE, run.status());
        assertTrue(run.err().contains("no-such-bundle: no such bundle or config file"), run.err());
        assertFalse(run.err().contains("Exception"), "no stack trace without --debug");
    }

    @Test
    void aDirectoryWithoutAConfigIsAFailure() {
        Run run = validate(Configs.EXAMPLES.resolve("rootfs").toString());
        assertEquals(ExitCodes.FAILURE, run.status());
        assertTrue(run.err().contains("no config.yaml, config.yml or config.json"), run.err());
    }

    @Test
    void severalPathsAreAllReported() {
        Path good = Configs.EXAMPLES.resolve("minimal.yaml");
        Path bad = Configs.EXAMPLES.resolve("invalid/unknown-key.yaml");
        Run run = validate(good.toString(), bad.toString());
        assertEquals(ExitCodes.CONFIG_ERROR, run.status());
        assertEquals(good + ": valid\n", run.out());
        assertTrue(run.err().startsWith(bad + ":5:1: unknown key 'hostnme'"), run.err());
    }

    @Test
    void validateWithoutPathsIsAUsageError() {
        assertEquals(ExitCodes.USAGE, validate().status());
    }
}
