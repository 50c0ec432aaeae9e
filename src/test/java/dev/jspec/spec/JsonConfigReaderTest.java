package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON reader held to the YAML path it stands in for: for every text, {@link
 * ConfigReader#parse} (which tries the JSON reader first) and {@link ConfigReader#parseYaml}
 * (the YAML path alone, as before) must give the same tree, source map and leading-zero
 * integers, or the same diagnostics, byte for byte. The well-formed texts must also really
 * be read by the JSON reader, or the comparison would prove nothing.
 */
class JsonConfigReaderTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** What one path made of a text: the parsed config, or the diagnostics' lines. */
    private record Outcome(ConfigReader.Parsed parsed, List<String> diagnostics) {}

    private static Outcome outcome(byte[] bytes, boolean yamlOnly) {
        try {
            return new Outcome(yamlOnly ? ConfigReader.parseYaml(bytes, "c.json") : ConfigReader.parse(bytes, "c.json"), null);
        } catch (ConfigException e) {
            return new Outcome(null, e.diagnostics().stream().map(Diagnostic::toString).toList());
        }
    }

    /** Both paths agree on {@code text}; returns whether the JSON reader read it itself. */
    private static boolean same(String text) {
        return same(text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean same(byte[] bytes) {
        Outcome yaml = outcome(bytes, true);
        Outcome both = outcome(bytes, false);
        String shown = new String(bytes, StandardCharsets.UTF_8);
        if (yaml.parsed() == null || both.parsed() == null) {
            assertEquals(yaml.diagnostics(), both.diagnostics(), shown);
        } else {
            assertSame(yaml.parsed(), both.parsed(), shown);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return JsonConfigReader.read(text, "c.json") != null;
    }

    private static void assertSame(ConfigReader.Parsed expected, ConfigReader.Parsed actual, String text) {
        assertEquals(expected.file(), actual.file());
        assertEquals(expected.tree(), actual.tree(), text);
        assertEquals(expected.tree().toString(), actual.tree().toString(), "key order: " + text);
        // And as the schema validator sees them: Jackson's trees, node class for node class.
        JsonNode expectedJackson = JacksonTree.of(expected.tree());
        JsonNode actualJackson = JacksonTree.of(actual.tree());
        assertEquals(expectedJackson, actualJackson, text);
        assertEquals(expectedJackson.toString(), actualJackson.toString(), "key order: " + text);
        assertSameTypes(expectedJackson, actualJackson, text);
        assertEquals(expected.sourceMap().values(), actual.sourceMap().values(), "value locations: " + text);
        assertEquals(expected.sourceMap().keys(), actual.sourceMap().keys(), "key locations: " + text);
        assertEquals(expected.leadingZeroIntegers(), actual.leadingZeroIntegers(), text);
    }

    /** Node classes, all the way down (equals alone lets some numeric kinds pass for others). */
    private static void assertSameTypes(JsonNode expected, JsonNode actual, String text) {
        assertEquals(expected.getClass(), actual.getClass(), text);
        if (expected.isNumber()) {
            assertEquals(expected.numberValue(), actual.numberValue(), text);
        }
        Iterator<JsonNode> e = expected.values().iterator();
        Iterator<JsonNode> a = actual.values().iterator();
        while (e.hasNext()) {
            assertSameTypes(e.next(), a.next(), text);
        }
    }

    private static void read(String text) {
        assertTrue(same(text), "the JSON reader declined:\n" + text);
    }

    private static void declined(String text) {
        assertTrue(!same(text), "the JSON reader read:\n" + text);
    }

    // ---- the configs in the repository, as they are and rewritten ----

    /** Every config of the repository that the YAML path reads, as its tree. */
    private static List<Path> configFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Configs.EXAMPLES, Configs.EXAMPLES.resolve("invalid"), Configs.PROJECT.resolve("bundles"),
                Configs.PROJECT.resolve("src/main/resources/dev/jspec/cli"))) {
            try (Stream<Path> s = Files.walk(dir, 2)) {
                s.filter(p -> p.toString().matches(".*\\.(yaml|json)$") && !p.toString().contains("/rootfs/")).sorted()
                        .forEach(files::add);
            }
        }
        return files;
    }

    @Test
    void readsTheRepositorysJsonConfigsAsTheYamlPathDoes() throws Exception {
        int json = 0;
        for (Path p : configFiles()) {
            if (p.toString().endsWith(".json")) {
                assertTrue(same(Files.readAllBytes(p)), "declined " + p);
                json++;
            }
        }
        assertTrue(json >= 2, "the JSON examples were not found");
    }

    @Test
    void declinesYamlConfigsAndLeavesThemAsTheyWere() throws Exception {
        for (Path p : configFiles()) {
            if (p.toString().endsWith(".yaml")) {
                assertTrue(!same(Files.readAllBytes(p)) || Files.readString(p).strip().startsWith("{"), "read YAML " + p);
            }
        }
    }

    /** Ways to write the same tree out as JSON. */
    private record Style(String indent, String newline, String colon, String comma, boolean crlf) {}

    private static final List<Style> STYLES = List.of(
            new Style("  ", "\n", ": ", ",", false),
            new Style("    ", "\n", ": ", ",", false),
            new Style("\t", "\n", ": ", ",", false),
            new Style("  ", "\r\n", ": ", ",", true),
            new Style("", "", ":", ",", false),
            new Style("", " ", " : ", " , ", false),
            new Style("", "\n", ":", ",", false),
            new Style(" \t ", "\n\n", ":\t", ",", false));

    private static String write(JsonNode node, Style style) {
        StringBuilder sb = new StringBuilder();
        write(node, style, 0, sb);
        return sb.toString();
    }

    private static void write(JsonNode node, Style st, int level, StringBuilder sb) {
        String nl = st.newline();
        if (node.isObject() || node.isArray()) {
            boolean object = node.isObject();
            sb.append(object ? '{' : '[');
            if (node.isEmpty()) {
                sb.append(object ? '}' : ']');
                return;
            }
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : object ? node.properties() : indexed(node)) {
                if (!first) {
                    sb.append(st.comma());
                }
                first = false;
                sb.append(nl).append(st.indent().repeat(level + 1));
                if (object) {
                    sb.append(quote(e.getKey())).append(st.colon());
                }
                write(e.getValue(), st, level + 1, sb);
            }
            sb.append(nl).append(st.indent().repeat(level)).append(object ? '}' : ']');
        } else if (node.isString()) {
            sb.append(quote(node.stringValue()));
        } else {
            sb.append(node.toString());
        }
    }

    private static List<Map.Entry<String, JsonNode>> indexed(JsonNode array) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(Map.entry(Integer.toString(i), array.get(i)));
        }
        return out;
    }

    /** JSON string text: the escapes a JSON writer may use, \\u for other controls. */
    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029 || c == 0xFEFF) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    @Test
    void readsEveryRepositoryConfigRewrittenAsJsonInManyStyles() throws Exception {
        int read = 0;
        for (Path p : configFiles()) {
            Outcome yaml = outcome(Files.readAllBytes(p), true);
            if (yaml.parsed() == null || !yaml.parsed().tree().isObject()) {
                continue;
            }
            for (Style style : STYLES) {
                String text = write(JacksonTree.of(yaml.parsed().tree()), style);
                read(text);
                read("\uFEFF" + text + style.newline());
                read(style.newline() + "  " + text + "  " + (style.crlf() ? "\r\n" : "\n"));
                read++;
            }
        }
        assertTrue(read > 100, "too few configs: " + read);
    }

    // ---- hand-written cases ----

    @Test
    void readsEscapesAndUnicodeWithTheYamlEnginesColumns() {
        read("{\"a\": \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u2028 \\uD83D\\uDE00 \\uFFFF \\u0001\", \"b\": 1}");
        read("{\"é\": \"ü\", \"x\": [\"日本語\", \"😀😀\", \"a😀\"], \"y\": {\"😀\": \"😀\", \"z\": true}}");
        read("{\"k\": \"😀\",\n \"😀😀\": \"é😀\", \"after\": [1, \"😀\", 2]}");
        read("{\"a\": \"\\uD800\", \"b\": \"\\uDFFF\"}"); // lone surrogates by escape, as the YAML engine keeps them
        read("{\"\": \"\", \"a/b\": {\"~c\": {\"~/\": 1}}}");
        read("{\"a\": \"#not a comment\", \"b\": \"--- not a document\", \"c\": \"*alias\", \"d\": \"&anchor\", \"e\": \"!tag\"}");
        read("{\"a\": \"\u00A0\u00FF\u0100\u07FF\u0800\uD7FF\uE000\uFFFD\"}");
    }

    @Test
    void readsNumbersAsTheCoreSchemaDoes() {
        read("[0, -0, 1, -1, 123456789012345678, 1234567890123456789, 9223372036854775807, 9223372036854775808,"
                + " -9223372036854775808, -9223372036854775809, 18446744073709551615, 123456789012345678901234567890]");
        read("[1.5, -1.5, 0.0, -0.0, 1e5, 1E5, 1e+5, 1e-5, -1.25E-3, 1.0e10, 1e400, -1e400, 1e-400, -1e-400, -0e5, -0.000e-3, 0.1, 3.141592653589793238]");
        read("{\"a\":1,\"b\":-2.5,\"c\":[true,false,null],\"d\":{}}");
        read("[[], {}, [[]], [{}], {\"a\": []}, {\"a\": {}}]");
    }

    @Test
    void readsNestingUpToTheLimit() {
        String deep = "[".repeat(ConfigReader.MAX_DEPTH) + "]".repeat(ConfigReader.MAX_DEPTH);
        read(deep);
        read("{\"a\": " + "[".repeat(ConfigReader.MAX_DEPTH - 1) + "1" + "]".repeat(ConfigReader.MAX_DEPTH - 1) + "}");
        declined("[".repeat(ConfigReader.MAX_DEPTH + 1) + "]".repeat(ConfigReader.MAX_DEPTH + 1));
        declined("{\"a\": " + "[".repeat(ConfigReader.MAX_DEPTH) + "1" + "]".repeat(ConfigReader.MAX_DEPTH) + "}");
    }

    @Test
    void readsWhitespaceAsTheYamlEngineDoes() {
        read("{\n\"a\"\t:\t1\t,\n\t\"b\" :[ 1 ,2 ]\n}\n");
        read("\r\n\r\n{\r\n  \"a\": \"b\"\r\n}\r\n");
        read("   {\"a\": 1}   ");
        read("{\"a\":\n\n  1}");
        read("{\"a\":\n\"b\"\n,\"c\"\n:\"d\"}".replace("\"c\"\n:", "\"c\":"));
        read("[\n1\n,\n2\n]");
    }

    @Test
    void declinesWhatItIsNotCertainOf() {
        declined("");
        declined("   \n");
        declined("\"a\"");
        declined("1");
        declined("{\"a\": 1} # comment");
        declined("{\"a\": 1}\n---\n{}");
        declined("{\"a\": 01}");
        declined("{\"a\": 0644}");
        declined("{\"a\": +1}");
        declined("{\"a\": .5}");
        declined("{\"a\": 1.}");
        declined("{\"a\": 0x10}");
        declined("{\"a\": 1, \"a\": 2}");
        declined("{\"a\": 1,}");
        declined("{a: 1}");
        declined("{\"a\": yes}");
        declined("{\"a\": True}");
        declined("{\"a\": \"\\u0000\"}");
        declined("{\"a\": \"\\x41\"}");
        declined("{\"a\": \"\\U00000041\"}");
        declined("{\"a\": \"tab\there\"}");
        declined("{\"a\": \"line\nbreak\"}");
        declined("{\"a\": \"\u0085\"}");
        declined("{\"a\": \"\u2028\"}");
        declined("{\"a\": \"\uFEFF\"}");
        declined("{\"a\": \"\u007F\"}");
        declined("{\"a\"\n: 1}");
        declined("{\"" + "k".repeat(1200) + "\": 1}");
        declined("\t{\"a\": 1}");
        declined("{\"a\": 1}\t");
        declined("{\"a\": 1}\r");
        declined("{\"a\":\r1}");
        declined("{\"a\": 1");
        declined("{\"a\": \"b");
        declined("{\"a\": [1, 2}");
        declined("{\"a\": &x 1, \"b\": *x}");
        declined("{\"a\": !!str 1}");
        declined("{\"a\": tru}");
        declined("{\"a\": truex}");
        declined("{\"a\": 1 2}");
    }

    // ---- everything else: both paths alike on any text ----

    @Test
    void malformedConfigsGetTheYamlPathsDiagnosticsByteForByte() throws Exception {
        List<String> texts = new ArrayList<>();
        texts.add(Files.readString(Configs.EXAMPLES.resolve("oci-config.json")));
        texts.add("{\"ociVersion\": \"1.2.0\", \"hostname\": \"a\", \"hostname\": \"b\"}");
        texts.add("{\"ociVersion\": \"1.2.0\", \"hostname\": \"a\\u0000b\"}");
        texts.add("{\"ociVersion\": \"1.2.0\",\n  \"process\": {\"user\": {\"umask\": 022}}}");
        texts.add("{\"ociVersion\": \"1.2.0\",\n  \"process\": {\"args\": [\"sh\"], }\n}");
        texts.add("{\"ociVersion\": \"1.2.0\",\n  \"process\": {\"args\": [\"sh\"]\n");
        texts.add("{\"ociVersion\": \"1.2.0\" \"hostname\": \"x\"}");
        texts.add("{\"a\": .inf, \"b\": .nan}");
        texts.add("{\"a\": \"\u0001\"}");
        texts.add("{\"a\": \"b\"}\n{\"c\": 1}");
        texts.add("[".repeat(100) + "]".repeat(100));
        for (String t : texts) {
            same(t);
        }
        // Single-character edits of a real config: most break it somewhere, some do not.
        Random random = new Random(9);
        String base = Files.readString(Configs.EXAMPLES.resolve("oci-config.json"));
        String alphabet = "{}[]:,\"\\ \t\n\r#-0123456789.eE+tfnulxa~/&*!?|>'\u0000\u00e9\u2028\uD83D\uDE00";
        int readOnes = 0;
        for (int i = 0; i < 1500; i++) {
            StringBuilder sb = new StringBuilder(base);
            int at = random.nextInt(sb.length());
            switch (random.nextInt(3)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                default -> sb.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (same(sb.toString())) {
                readOnes++;
            }
        }
        assertTrue(readOnes > 0, "no edit was read by the JSON reader");
    }

    @Test
    void notUtf8AndOversizedTextsAreTheYamlPathsToo() {
        same(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'});
        same(new byte[] {(byte) 0xFF, (byte) 0xFE, '{', 0, '}', 0});
        byte[] big = new byte[ConfigReader.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        same(big);
    }

    /** Random trees of every kind of value, written in every style. */
    @Test
    void readsRandomTreesAsTheYamlPathDoes() {
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            JsonNode tree = randomObject(random, 0);
            for (Style style : STYLES) {
                read(write(tree, style));
            }
        }
    }

    private static final String[] STRINGS = {"", "a", "sh", "/usr/bin", "a b", "é", "日本", "😀", "x😀y", "\"", "\\", "/",
        "~", "a/b~c", "\n", "\t", "\u0001", "\u007F", "\u0085", "\u2028", "\uFEFF", "#", "- x", "---", "...", ": ", "? ",
        "{a}", "[1]", "*a", "&a", "!a", "%a", "@a", "`a", "'a'", "yes", "no", "true", "null", "~", "1", "0644", "0o644",
        "0x1F", ".inf", "1e5", " lead", "trail ", "CAP_KILL"};

    private static ObjectNode randomObject(Random r, int level) {
        ObjectNode o = JSON.objectNode();
        int n = r.nextInt(level == 0 ? 8 : 5);
        for (int i = 0; i < n; i++) {
            String key = STRINGS[r.nextInt(STRINGS.length)] + (r.nextBoolean() ? "" : Integer.toString(i));
            o.set(key, randomValue(r, level + 1));
        }
        return o;
    }

    private static JsonNode randomValue(Random r, int level) {
        int kind = r.nextInt(level > 6 ? 6 : 9);
        return switch (kind) {
            case 0 -> JSON.stringNode(STRINGS[r.nextInt(STRINGS.length)] + STRINGS[r.nextInt(STRINGS.length)]);
            case 1 -> JSON.numberNode(r.nextLong() >> r.nextInt(64));
            case 2 -> JSON.numberNode(new java.math.BigInteger(80, r));
            case 3 -> JSON.numberNode(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
            case 4 -> JSON.booleanNode(r.nextBoolean());
            case 5 -> JSON.nullNode();
            case 6, 7 -> randomObject(r, level);
            default -> {
                ArrayNode a = JSON.arrayNode();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    a.add(randomValue(r, level + 1));
                }
                yield a;
            }
        };
    }

    @Test
    void theReaderItselfDeclinesRatherThanFails() {
        assertNull(JsonConfigReader.read("{\"a\": [1, 2", "c.json"));
        assertNull(JsonConfigReader.read("{\"a\": \"\\u12", "c.json"));
        assertNull(JsonConfigReader.read("{\"a\": -", "c.json"));
        assertNotNull(JsonConfigReader.read("{}", "c.json"));
        if (JsonConfigReader.read("[]", "c.json") == null) {
            fail("an empty array root is JSON");
        }
    }
}
