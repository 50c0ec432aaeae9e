package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ConfigReaderTest {

    private static ConfigReader.Parsed parse(String text) throws ConfigException {
        return ConfigReader.parse(text.getBytes(StandardCharsets.UTF_8), "c.yaml");
    }

    private static String only(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
        assertEquals(1, e.diagnostics().size(), e.diagnostics().toString());
        return e.diagnostics().getFirst().toString();
    }

    @Test
    void recordsTheLineAndColumnOfEveryKeyAndValue() throws Exception {
        ConfigReader.Parsed p = parse("""
                ociVersion: 1.2.0
                process:
                  rlimits:
                    - type: RLIMIT_NOFILE
                      soft: 1
                """);
        SourceMap map = p.sourceMap();
        assertEquals(new SourceMap.Location(1, 13), map.valueAt(SpecPath.of("ociVersion")));
        assertEquals(new SourceMap.Location(2, 1), map.keyAt(SpecPath.of("process")));
        SpecPath rlimit = SpecPath.of("process.rlimits").index(0);
        assertEquals(new SourceMap.Location(4, 7), map.keyAt(rlimit.key("type")));
        assertEquals(new SourceMap.Location(4, 13), map.valueAt(rlimit.key("type")));
        assertEquals(new SourceMap.Location(5, 13), map.valueAt(rlimit.key("soft")));
        // A path not in the file falls back to its nearest written ancestor.
        assertEquals(new SourceMap.Location(4, 7), map.valueAt(rlimit.key("hard")));
    }

    @Test
    void refusesDuplicateKeysAtTheSecondOne() {
        assertEquals("c.yaml:3:1: duplicate key 'hostname' (first set at line 2, column 1); a key may appear once in a mapping (at hostname)",
                only("ociVersion: 1.2.0\nhostname: a\nhostname: b\n"));
    }

    @Test
    void refusesNonStringKeys() {
        assertEquals("c.yaml:2:15: key 1 is a number, not a string; quote it: \"1\" (at annotations)", only("ociVersion: x\nannotations: {1: a}\n"));
        assertEquals("c.yaml:3:5: a key must be a string, not a sequence (at annotations)", only("ociVersion: x\nannotations:\n  ? [a, b]\n  : c\n"));
        assertTrue(only("true: 1\n").contains("key true is a boolean"));
    }

    @Test
    void refusesAliasesWhereTheyAreUsed() {
        assertEquals("c.yaml:2:11: alias *v is not allowed in a config; write the value out in full", only("a: &v 1.0\nhostname: *v\n"));
    }

    @Test
    void refusesAnAliasBombBeforeExpandingIt() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            bomb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ", ").append('*').append((char) (c - 1));
            }
            bomb.append("]\n");
        }
        ConfigException e = assertThrows(ConfigException.class, () -> parse(bomb.toString()));
        assertEquals(81, e.diagnostics().size());
    }

    @Test
    void refusesFilesOverOneMebibyte() {
        byte[] big = new byte[ConfigReader.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigReader.parse(big, "c.yaml"));
        assertTrue(e.diagnostics().getFirst().toString().startsWith("c.yaml:1:1: the config is larger than 1 MiB"));
    }

    @Test
    void refusesASecondDocument() {
        assertEquals("c.yaml:2:1: a second YAML document starts here; a config is one document (remove the '---' and what follows, or split the file)",
                only("ociVersion: 1.2.0\n---\nociVersion: 1.0.0\n"));
    }

    @Test
    void acceptsOneExplicitDocument() throws Exception {
        assertEquals("1.2.0", parse("---\nociVersion: 1.2.0\n...\n").tree().get("ociVersion").stringValue());
    }

    @Test
    void refusesTextThatIsNotUtf8AtTheBadByte() {
        byte[] latin1 = "ociVersion: 1.2.0\nhostname: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigReader.parse(latin1, "c.yaml"));
        assertEquals("c.yaml:2:14: the config is not UTF-8: byte 0xE9 cannot start or continue a character here",
                e.diagnostics().getFirst().toString());
    }

    @Test
    void refusesUtf16() {
        byte[] utf16 = "ociVersion: 1.2.0\n".getBytes(StandardCharsets.UTF_16);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigReader.parse(utf16, "c.yaml"));
        assertTrue(e.getMessage().contains("UTF-16"));
    }

    @Test
    void skipsAUtf8ByteOrderMark() throws Exception {
        byte[] bom = "\uFEFFociVersion: 1.2.0\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("1.2.0", ConfigReader.parse(bom, "c.yaml").tree().get("ociVersion").stringValue());
    }

    @Test
    void reportsSyntaxErrorsWithTheirPosition() {
        String message = only("ociVersion: 1.2.0\nprocess:\n  args: [a, b\n");
        assertTrue(message.startsWith("c.yaml:4:1: YAML syntax error"), message);
    }

    @Test
    void refusesAnEmptyConfig() {
        assertEquals("c.yaml:1:1: the config is empty; it needs at least ociVersion", only("# nothing\n"));
    }

    @Test
    void refusesDeepNesting() {
        String deep = "a: " + "[".repeat(100) + "]".repeat(100) + "\n";
        assertTrue(only(deep).contains("nests deeper than 64 levels"));
    }

    @Test
    void readsScalarsByTheYaml12CoreSchema() throws Exception {
        JsonNode t = JacksonTree.of(parse("""
                s1: yes
                s2: no
                s3: on
                b1: true
                b2: False
                n1: ~
                n2: null
                i1: 42
                i2: 0o644
                i3: 0x1F
                i4: -1
                i5: 18446744073709551615
                f1: 1.5
                q: "42"
                """).tree());
        assertTrue(t.get("s1").isString() && t.get("s2").isString() && t.get("s3").isString());
        assertTrue(t.get("b1").booleanValue());
        assertTrue(t.get("b2").isBoolean() && !t.get("b2").booleanValue());
        assertTrue(t.get("n1").isNull() && t.get("n2").isNull());
        assertTrue(t.get("i1").isLong());
        assertEquals(420, t.get("i2").longValue());
        assertEquals(31, t.get("i3").longValue());
        assertEquals(-1, t.get("i4").longValue());
        assertTrue(t.get("i5").isBigInteger());
        assertEquals(new BigInteger("18446744073709551615"), t.get("i5").bigIntegerValue());
        assertEquals(1.5, t.get("f1").doubleValue());
        assertTrue(t.get("q").isString());
    }

    @Test
    void refusesInfinityAndCustomTags() {
        assertTrue(only("a: .inf\n").contains("not a number a config can hold"));
        assertTrue(only("a: !secret x\n").contains("YAML tag !secret is not supported"));
    }

    @Test
    void refusesInfinityWhateverTheDefaultLocale() {
        // Turkish lower-cases "I" to a dotless "ı": a locale-sensitive ".INF" check let it through.
        java.util.Locale before = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
        try {
            assertTrue(only("a: .INF\n").contains("not a number a config can hold"));
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @Test
    void readsAnOciConfigJsonThroughTheSamePath() throws Exception {
        ConfigReader.Parsed p = parse("{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"}\n}\n");
        assertEquals("sh", p.tree().at(SpecPath.of("process.args").index(0)).stringValue());
        assertEquals(new SourceMap.Location(3, 14), p.sourceMap().valueAt(SpecPath.of("process")));
    }

    @Test
    void reportsEveryProblemInFileOrder() {
        // Aliases are found while scanning, before the tree (and its duplicate keys) exists.
        ConfigException e = assertThrows(ConfigException.class, () -> parse("b: &x 1\nc: *x\na: 1\na: 2\nd: *x\n"));
        assertEquals(2, e.diagnostics().size());
        assertEquals(2, e.diagnostics().get(0).line());
        assertEquals(5, e.diagnostics().get(1).line());
    }

    // ---- NUL and other control characters ----

    @Test
    void aRawNulByteIsReportedWhereItIs() {
        assertEquals("c.yaml:3:11: a NUL byte is not allowed in a config (the kernel reads a string only up to its first NUL)",
                only("ociVersion: 1.2.0\nprocess:\n  args: [a\0b]\n"));
    }

    @Test
    void anotherControlCharacterIsReportedWhereItIs() {
        assertEquals("c.yaml:2:12: control character U+0007 is not allowed in a config (YAML allows tab, line feed and"
                + " carriage return only)", only("ociVersion: 1.2.0\nhostname: a\u0007\n"));
    }

    @Test
    void anEscapedNulInAnyFormIsReportedAtTheEscape() {
        for (String escape : new String[] {"\\0", "\\x00", "\\u0000", "\\U00000000"}) {
            assertEquals("c.yaml:3:16: the string contains a NUL character (\\0), which is not allowed: the kernel reads a string"
                    + " only up to its first NUL, so the value would be cut short (at process.args[1])",
                    only("ociVersion: 1.2.0\nprocess:\n  args: [sh, \"a" + escape + "b\"]\n"), escape);
        }
    }

    @Test
    void anEscapedNulInJsonIsReportedAtTheEscape() {
        assertEquals("c.yaml:2:28: the string contains a NUL character (\\0), which is not allowed: the kernel reads a string"
                + " only up to its first NUL, so the value would be cut short (at process.env[0])",
                only("{\"ociVersion\": \"1.2.0\",\n \"process\": {\"env\": [\"A=\\\\0\\u0000\"]}}\n"));
    }

    @Test
    void anEscapedBackslashBeforeAZeroIsNoNul() throws Exception {
        // "\\0" is a backslash and a zero; the NUL the string does hold is the \x00 after them.
        assertEquals("c.yaml:1:16", only("hostname: \"a\\\\0\\x00\"\n").substring(0, 11));
        assertEquals("a\\0", parse("hostname: \"a\\\\0\"\n").tree().get("hostname").stringValue());
    }

    @Test
    void aNulInAKeyIsReported() {
        String d = only("annotations: {\"a\\0b\": c}\n");
        assertTrue(d.startsWith("c.yaml:1:17: the key contains a NUL character"), d);
    }

    @Test
    void aNulInAMultiLineStringIsFoundOnItsLine() {
        assertTrue(only("hostname: \"first\n  then \\0 here\"\n").startsWith("c.yaml:2:8: the string contains a NUL"));
    }
}
