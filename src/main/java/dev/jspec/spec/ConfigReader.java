package dev.jspec.spec;

import dev.jspec.spec.SourceMap.Location;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads one config file (YAML 1.2, so JSON too) into a {@link ConfigNode} tree and a {@link SourceMap}.
 *
 * <p>What it refuses, each as a located {@link Diagnostic}: files over {@link #MAX_BYTES},
 * text that is not UTF-8, more than one YAML document, aliases, nesting deeper than
 * {@link #MAX_DEPTH}, duplicate keys, keys that are not strings, tags other than the core
 * schema's, and numbers JSON cannot hold (.inf, .nan).
 *
 * <p>Aliases are refused outright rather than capped: a config is short, a merge or alias
 * hides what a field really holds from the person reviewing it, and refusing them removes
 * alias-expansion attacks ("billion laughs") without a budget to tune. A lone anchor
 * ({@code &name} with no {@code *name}) is harmless and ignored.
 */
public final class ConfigReader {

    /** Larger than any real config (podman's are under 20 KiB), small enough to parse at once. */
    public static final int MAX_BYTES = 1024 * 1024;

    /** OCI configs nest about 6 levels; the cap keeps a hostile file from exhausting the stack. */
    public static final int MAX_DEPTH = 64;

    /** A config read into a tree: {@code tree} is the root value, {@code sourceMap} where each part was written. */
    public record Parsed(String file, ConfigNode tree, SourceMap sourceMap, Set<String> leadingZeroIntegers) {}

    private final String file;
    /** The decoded config, for locating what a scalar's value alone cannot (an escape inside it). */
    private String text = "";
    private final SourceMap sourceMap = new SourceMap();
    private final List<Diagnostic> problems = new ArrayList<>();
    /** Pointers of integers written like {@code 0644}, which YAML 1.2 reads as decimal: the schema's messages hint at 0o644. */
    private final Set<String> leadingZeroIntegers = new HashSet<>();

    private ConfigReader(String file) {
        this.file = file;
    }

    /**
     * Reads {@code path}; {@code file} is the name diagnostics carry (as the user wrote it).
     *
     * @throws IOException when the file cannot be opened or read at all
     */
    public static Parsed read(Path path, String file) throws IOException, ConfigException {
        // One byte past the limit, so that a larger file is told apart; only a regular file is read at all.
        return parse(ConfigFile.read(path, MAX_BYTES + 1), file);
    }

    /** Parses config text held in memory (tests, and configs that did not come from a file). */
    public static Parsed parse(byte[] bytes, String file) throws ConfigException {
        return parse(bytes, file, true);
    }

    /** As {@link #parse(byte[], String)} through the YAML path alone, for tests that hold the JSON reader to it. */
    static Parsed parseYaml(byte[] bytes, String file) throws ConfigException {
        return parse(bytes, file, false);
    }

    private static Parsed parse(byte[] bytes, String file, boolean json) throws ConfigException {
        ConfigReader reader = new ConfigReader(file);
        if (bytes.length > MAX_BYTES) {
            throw reader.fail(Location.START, "the config is larger than 1 MiB (" + MAX_BYTES + " bytes); jspec refuses it");
        }
        String text = reader.decode(bytes);
        if (json) {
            // Plain JSON (runc's config.json, every engine's) in one pass; the reader yields
            // exactly what the YAML path below would, or declines and leaves the text to it.
            Parsed parsed = JsonConfigReader.read(text, file);
            if (parsed != null) {
                return parsed;
            }
        }
        reader.text = text;
        reader.refuseUnprintable(text);
        reader.scanEvents(text);
        Node root = reader.compose(text);
        ConfigNode tree = reader.convert(root, SpecPath.ROOT);
        if (!reader.problems.isEmpty()) {
            throw new ConfigException(Diagnostics.sorted(reader.problems));
        }
        return new Parsed(file, tree, reader.sourceMap, Set.copyOf(reader.leadingZeroIntegers));
    }

    private String decode(byte[] bytes) throws ConfigException {
        int start = 0;
        if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
            start = 3; // a UTF-8 byte order mark is legal and carries no meaning
        } else if (startsWith(bytes, 0xFE, 0xFF) || startsWith(bytes, 0xFF, 0xFE) || startsWith(bytes, 0x00, 0x00, 0xFE, 0xFF)) {
            throw fail(Location.START, "the config is UTF-16 or UTF-32 encoded; jspec reads UTF-8 only (convert it with iconv -t UTF-8)");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            out.flip();
            throw fail(locate(out), String.format("the config is not UTF-8: byte 0x%02X cannot start or continue a character here",
                    bytes[in.position()] & 0xFF));
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }

    /**
     * Characters YAML does not allow (NUL and other control characters) are refused where
     * they are; the YAML reader would stop at the first with no place to show.
     */
    private void refuseUnprintable(String text) throws ConfigException {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!StreamReader.isPrintable(c)) {
                throw fail(locate(text.substring(0, i)), c == 0
                        ? "a NUL byte is not allowed in a config (the kernel reads a string only up to its first NUL)"
                        : String.format("control character U+%04X is not allowed in a config (YAML allows tab, line feed and"
                                + " carriage return only)", c));
            }
            i += Character.charCount(c);
        }
    }

    /**
     * A string holding NUL, written as an escape ({@code \0}, {@code \x00}, {@code \u0000}):
     * every string jspec hands the kernel ends at its first NUL, so the value would silently
     * be cut short. Reported at the escape when it can be found, else at the string.
     */
    @SuppressWarnings("IncrementInForLoopAndHeader") // an escape skips the character it escapes
    private void refuseNul(ScalarNode scalar, SpecPath path, String what) {
        Location at = location(scalar.getStartMark());
        Optional<Mark> start = scalar.getStartMark();
        Optional<Mark> end = scalar.getEndMark();
        if (start.isPresent() && end.isPresent()) {
            int from = text.offsetByCodePoints(0, Math.min(start.get().getIndex(), text.codePointCount(0, text.length())));
            int to = text.offsetByCodePoints(0, Math.min(end.get().getIndex(), text.codePointCount(0, text.length())));
            for (int i = from; i < to - 1; i++) {
                if (text.charAt(i) != '\\') {
                    continue;
                }
                String rest = text.substring(i + 1, to);
                if (rest.startsWith("0") || rest.startsWith("x00") || rest.startsWith("u0000") || rest.startsWith("U00000000")) {
                    at = advance(at, text.substring(from, i));
                    break;
                }
                i++; // the escaped character, whatever it is
            }
        }
        problems.add(diagnostic(at, path, what + " contains a NUL character (\\0), which is not allowed: the kernel reads"
                + " a string only up to its first NUL, so the value would be cut short"));
    }

    /** {@code at} moved past {@code text}. */
    private static Location advance(Location at, String text) {
        int newline = text.lastIndexOf('\n');
        if (newline < 0) {
            return new Location(at.line(), at.column() + text.codePointCount(0, text.length()));
        }
        int lines = (int) text.chars().filter(c -> c == '\n').count();
        String last = text.substring(newline + 1);
        return new Location(at.line() + lines, 1 + last.codePointCount(0, last.length()));
    }

    /** The line and column just after the decoded text {@code before}. */
    private static Location locate(CharSequence before) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < before.length(); i++) {
            if (before.charAt(i) == '\n') {
                line++;
                column = 1;
            } else if (!Character.isLowSurrogate(before.charAt(i))) {
                column++;
            }
        }
        return new Location(line, column);
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private LoadSettings settings() {
        return LoadSettings.builder()
                .setLabel(file)
                .setUseMarks(true)
                // Duplicate and non-string keys are reported by convert(), located, with the others.
                .setAllowDuplicateKeys(true)
                .setAllowNonScalarKeys(true)
                .setMaxAliasesForCollections(0)
                .setCodePointLimit(MAX_BYTES + 1)
                // YAML 1.2 core: yes/no/on/off are strings, 0o644 is octal, ~ is null.
                .setSchema(new CoreSchema())
                .build();
    }

    /**
     * A pass over the parser's events, before any tree is built: refuses aliases, a second
     * document and excessive nesting where they are written, and reports syntax errors.
     */
    private void scanEvents(String text) throws ConfigException {
        int documents = 0;
        int depth = 0;
        try {
            for (Event event : new Parse(settings()).parseString(text)) {
                switch (event.getEventId()) {
                    case DocumentStart -> {
                        if (++documents == 2) {
                            problems.add(at(event.getStartMark(), SpecPath.ROOT,
                                    "a second YAML document starts here; a config is one document (remove the '---' and what follows, or split the file)"));
                        }
                    }
                    case Alias -> {
                        String name = ((AliasEvent) event).getAlias().getValue();
                        problems.add(at(event.getStartMark(), SpecPath.ROOT,
                                "alias *" + name + " is not allowed in a config; write the value out in full"));
                    }
                    case MappingStart, SequenceStart -> {
                        if (++depth == MAX_DEPTH + 1) {
                            problems.add(at(event.getStartMark(), SpecPath.ROOT,
                                    "the config nests deeper than " + MAX_DEPTH + " levels"));
                            throw new ConfigException(Diagnostics.sorted(problems));
                        }
                    }
                    case MappingEnd, SequenceEnd -> depth--;
                    default -> {}
                }
            }
        } catch (MarkedYamlEngineException e) {
            problems.add(syntaxError(e));
        } catch (YamlEngineException e) {
            problems.add(new Diagnostic(file, 1, 1, "", "cannot parse the config: " + e.getMessage()));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(Diagnostics.sorted(problems));
        }
    }

    private Diagnostic syntaxError(MarkedYamlEngineException e) {
        Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
        String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
        String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
        return at(mark, SpecPath.ROOT, "YAML syntax error: " + problem + context);
    }

    private Node compose(String text) throws ConfigException {
        try {
            Optional<Node> root = new Compose(settings()).composeString(text);
            if (root.isEmpty()) {
                throw fail(Location.START, "the config is empty; it needs at least ociVersion");
            }
            return root.get();
        } catch (MarkedYamlEngineException e) {
            throw new ConfigException(syntaxError(e));
        } catch (YamlEngineException e) {
            throw fail(Location.START, "cannot parse the config: " + e.getMessage());
        }
    }

    private ConfigNode convert(Node node, SpecPath path) {
        sourceMap.putValue(path, location(node.getStartMark()));
        return switch (node) {
            case MappingNode mapping -> convertMapping(mapping, path);
            case SequenceNode sequence -> {
                ConfigNode.ArrayValue array = ConfigNode.array();
                List<Node> items = sequence.getValue();
                for (int i = 0; i < items.size(); i++) {
                    array.add(convert(items.get(i), path.index(i)));
                }
                yield array;
            }
            case ScalarNode scalar -> convertScalar(scalar, path);
            default -> {
                problems.add(at(node.getStartMark(), path, "unsupported YAML node"));
                yield ConfigNode.nullValue();
            }
        };
    }

    private ConfigNode convertMapping(MappingNode mapping, SpecPath path) {
        ConfigNode.ObjectValue object = ConfigNode.object();
        Map<String, Location> seen = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            Location keyLocation = location(keyNode.getStartMark());
            String key = keyOf(keyNode, path);
            if (key == null) {
                continue;
            }
            SpecPath child = path.key(key);
            Location first = seen.putIfAbsent(key, keyLocation);
            if (first != null) {
                problems.add(diagnostic(keyLocation, child, "duplicate key '" + key + "' (first set at line "
                        + first.line() + ", column " + first.column() + "); a key may appear once in a mapping"));
                continue;
            }
            sourceMap.putKey(child, keyLocation);
            object.set(key, convert(tuple.getValueNode(), child));
        }
        return object;
    }

    /** The key as a string, or null after reporting why it is not one. */
    private String keyOf(Node keyNode, SpecPath parent) {
        if (!(keyNode instanceof ScalarNode scalar)) {
            String kind = keyNode instanceof MappingNode ? "a mapping" : "a sequence";
            problems.add(at(keyNode.getStartMark(), parent, "a key must be a string, not " + kind));
            return null;
        }
        Tag tag = scalar.getTag();
        if (!tag.equals(Tag.STR)) {
            String kind = describeTag(tag);
            problems.add(at(keyNode.getStartMark(), parent, "key " + scalar.getValue() + " is " + kind
                    + ", not a string; quote it: \"" + scalar.getValue() + "\""));
            return null;
        }
        if (scalar.getValue().indexOf('\0') >= 0) {
            refuseNul(scalar, parent, "the key");
            return null;
        }
        return scalar.getValue();
    }

    private ConfigNode convertScalar(ScalarNode scalar, SpecPath path) {
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (tag.equals(Tag.STR)) {
            if (text.indexOf('\0') >= 0) {
                refuseNul(scalar, path, "the string");
            }
            return ConfigNode.string(text);
        } else if (tag.equals(Tag.NULL)) {
            return ConfigNode.nullValue();
        } else if (tag.equals(Tag.BOOL)) {
            return ConfigNode.bool(text.equalsIgnoreCase("true"));
        } else if (tag.equals(Tag.INT)) {
            BigInteger value = parseInteger(text);
            if (value == null) {
                problems.add(at(scalar.getStartMark(), path, "'" + text + "' is tagged as an integer but is not one"));
                return ConfigNode.string(text);
            }
            if (text.length() > 1 && text.matches("[-+]?0[0-9]+")) {
                leadingZeroIntegers.add(path.pointer());
            }
            return ConfigNode.integer(value);
        } else if (tag.equals(Tag.FLOAT)) {
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            if (lower.endsWith(".inf") || lower.equals(".nan")) {
                problems.add(at(scalar.getStartMark(), path, text + " is not a number a config can hold; use a finite number"));
                return ConfigNode.nullValue();
            }
            try {
                return floatNode(text);
            } catch (NumberFormatException e) {
                problems.add(at(scalar.getStartMark(), path, "'" + text + "' is tagged as a number but is not one"));
                return ConfigNode.string(text);
            }
        }
        problems.add(at(scalar.getStartMark(), path, "YAML tag " + tag.getValue()
                + " is not supported in a config; write a plain string, number, boolean or null"));
        return ConfigNode.string(text);
    }

    /**
     * A float's node, from the core schema's float text (a finite one). BigDecimal refuses
     * what only Double.parseDouble takes ("1d", "0x1p3") in a value tagged !!float.
     */
    static ConfigNode floatNode(String text) {
        return ConfigNode.floating(new BigDecimal(text.startsWith("+") ? text.substring(1) : text).doubleValue());
    }

    /** YAML 1.2 core schema integers: decimal, 0o octal, 0x hexadecimal, with an optional sign. */
    private static BigInteger parseInteger(String text) {
        String t = text.startsWith("+") ? text.substring(1) : text;
        boolean negative = t.startsWith("-");
        String digits = negative ? t.substring(1) : t;
        try {
            BigInteger v;
            if (digits.startsWith("0o")) {
                v = new BigInteger(digits.substring(2), 8);
            } else if (digits.startsWith("0x")) {
                v = new BigInteger(digits.substring(2), 16);
            } else {
                v = new BigInteger(digits);
            }
            return negative ? v.negate() : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String describeTag(Tag tag) {
        if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
            return "a number";
        } else if (tag.equals(Tag.BOOL)) {
            return "a boolean";
        } else if (tag.equals(Tag.NULL)) {
            return "null";
        }
        return "tagged " + tag.getValue();
    }

    private static Location location(Optional<Mark> mark) {
        return mark.map(m -> new Location(m.getLine() + 1, m.getColumn() + 1)).orElse(Location.START);
    }

    private Diagnostic at(Optional<Mark> mark, SpecPath path, String message) {
        return diagnostic(location(mark), path, message);
    }

    private Diagnostic diagnostic(Location location, SpecPath path, String message) {
        return new Diagnostic(file, location.line(), location.column(), path.toString(), message);
    }

    private ConfigException fail(Location location, String message) {
        return new ConfigException(diagnostic(location, SpecPath.ROOT, message));
    }
}
