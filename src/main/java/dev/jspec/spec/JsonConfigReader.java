package dev.jspec.spec;

import dev.jspec.spec.SourceMap.Location;
import java.math.BigInteger;

/**
 * A one-pass reader for configs written as plain JSON, as runc's {@code config.json} and
 * every engine's are. The YAML path of {@link ConfigReader} reads such a file twice through
 * the YAML engine's scanner and parser (the event scan, then the composer) and converts the
 * node tree after, a third of a cold start's config handling; this reader does it in one
 * pass over the characters.
 *
 * <p>It decides nothing about a config. For text it reads, it yields exactly what the YAML
 * path yields: the same tree (the same node types), the same source map (1-based lines,
 * columns counted in code points, as the YAML engine's marks). Whenever it is not certain
 * of that, it declines ({@link #read} returns null) and the YAML path reads the text as
 * before, so every diagnostic a user can see comes from there: any JSON syntax error, a
 * YAML-only form (comments, plain strings, block style, a trailing comma, ...), a duplicate
 * key, nesting deeper than {@link ConfigReader#MAX_DEPTH}, a NUL or a character YAML does
 * not allow, a number with a leading zero, a character the YAML engine counts as a line
 * break or as no column (U+0085, U+2028, U+2029, U+FEFF), a lone carriage return, a tab
 * outside the root collection, a key whose ':' is not on its line or is over 1000
 * characters away (the YAML engine's limit for an implicit key is 1024), a root that is
 * not an object or array. {@code JsonConfigReaderTest} holds it to the YAML path.
 *
 * <p>It builds a {@link ConfigNode} tree and touches neither Jackson nor BigDecimal (see
 * ConfigNode for why). No string concatenation with {@code +} here: each new shape of it is an invokedynamic
 * call site whose first use spins classes, milliseconds of a cold start apiece.
 */
final class JsonConfigReader {

    /** The farthest a key's ':' may be from the key's start; the YAML engine drops an implicit key past 1024. */
    private static final int MAX_KEY_SPAN = 1000;

    /** Thrown to decline; carries no stack trace, it is never shown. */
    private static final class Declined extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Declined() {
            super(null, null, false, false);
        }
    }

    private final char[] s;
    private final int end;
    private final SourceMap sourceMap = new SourceMap();
    private int pos;
    private int line = 1;
    /** Index of the current line's first character. */
    private int lineStart;
    /** Low surrogates since lineStart: a character outside the BMP is one column, as in the YAML engine's marks. */
    private int lowSurrogates;
    private int depth;

    private JsonConfigReader(String text) {
        this.s = text.toCharArray();
        this.end = s.length;
    }

    /**
     * The config {@code text} (decoded, its byte order mark gone) read as {@link ConfigReader}'s
     * YAML path would read it, or null when this reader is not certain it would.
     */
    static ConfigReader.Parsed read(String text, String file) {
        JsonConfigReader reader = new JsonConfigReader(text);
        try {
            ConfigNode tree = reader.document();
            return new ConfigReader.Parsed(file, tree, reader.sourceMap, java.util.Set.of());
        } catch (Declined | ArrayIndexOutOfBoundsException e) {
            // Out of bounds: the text ended inside a value; the YAML path says where.
            return null;
        }
    }

    private ConfigNode document() {
        outerSpace();
        if (pos >= end || (s[pos] != '{' && s[pos] != '[')) {
            throw new Declined();
        }
        ConfigNode root = value("");
        outerSpace();
        if (pos != end) {
            throw new Declined();
        }
        return root;
    }

    /** Space and line breaks outside the root collection (block context: no tabs). */
    private void outerSpace() {
        while (pos < end) {
            char c = s[pos];
            if (c == ' ') {
                pos++;
            } else if (c == '\n' || c == '\r') {
                lineBreak();
            } else {
                return;
            }
        }
    }

    /** Space, tabs and line breaks inside the root collection. */
    private void space() {
        while (pos < end) {
            char c = s[pos];
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (c == '\n' || c == '\r') {
                lineBreak();
            } else {
                return;
            }
        }
    }

    /** At a '\n', or a '\r' that must be the first of "\r\n". */
    private void lineBreak() {
        if (s[pos] == '\r') {
            if (pos + 1 >= end || s[pos + 1] != '\n') {
                throw new Declined();
            }
            pos++;
        }
        pos++;
        line++;
        lineStart = pos;
        lowSurrogates = 0;
    }

    private Location here() {
        return new Location(line, pos - lineStart - lowSurrogates + 1);
    }

    private ConfigNode value(String pointer) {
        sourceMap.putValue(pointer, here());
        char c = s[pos];
        return switch (c) {
            case '{' -> object(pointer);
            case '[' -> array(pointer);
            case '"' -> ConfigNode.string(string());
            case 't' -> literal("true", ConfigNode.bool(true));
            case 'f' -> literal("false", ConfigNode.bool(false));
            case 'n' -> literal("null", ConfigNode.nullValue());
            default -> number();
        };
    }

    private ConfigNode object(String pointer) {
        enter();
        pos++;
        space();
        ConfigNode.ObjectValue object = ConfigNode.object();
        if (s[pos] == '}') {
            pos++;
            depth--;
            return object;
        }
        while (true) {
            if (s[pos] != '"') {
                throw new Declined();
            }
            Location keyAt = here();
            int keyStart = pos;
            int keyLine = line;
            String key = string();
            space();
            if (s[pos] != ':' || line != keyLine || pos - keyStart > MAX_KEY_SPAN || object.has(key)) {
                throw new Declined();
            }
            pos++;
            space();
            String child = pointer.concat("/").concat(escape(key));
            sourceMap.putKey(child, keyAt);
            object.set(key, value(child));
            space();
            char c = s[pos++];
            if (c == '}') {
                depth--;
                return object;
            }
            if (c != ',') {
                throw new Declined();
            }
            space();
        }
    }

    private ConfigNode array(String pointer) {
        enter();
        pos++;
        space();
        ConfigNode.ArrayValue array = ConfigNode.array();
        if (s[pos] == ']') {
            pos++;
            depth--;
            return array;
        }
        for (int i = 0; ; i++) {
            array.add(value(pointer.concat("/").concat(Integer.toString(i))));
            space();
            char c = s[pos++];
            if (c == ']') {
                depth--;
                return array;
            }
            if (c != ',') {
                throw new Declined();
            }
            space();
        }
    }

    private void enter() {
        if (++depth > ConfigReader.MAX_DEPTH) {
            throw new Declined();
        }
    }

    /** A JSON pointer segment (RFC 6901), as {@link SpecPath#pointer()} writes it. */
    private static String escape(String key) {
        if (key.indexOf('~') < 0 && key.indexOf('/') < 0) {
            return key;
        }
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** The string starting at the '"' at pos; pos ends past its closing '"'. */
    private String string() {
        int start = ++pos;
        while (true) {
            char c = s[pos];
            if (c == '"') {
                pos++;
                return new String(s, start, pos - 1 - start);
            }
            if (c == '\\') {
                return escapedString(start);
            }
            plain(c);
            pos++;
        }
    }

    /**
     * A character that may stand as itself in a string, counted for the column; anything
     * JSON or YAML refuses there, or that the YAML engine counts other than as one column
     * of a line, declines.
     */
    private void plain(char c) {
        if (c >= 0x20 && c <= 0x7E) {
            return;
        }
        if (c < 0xA0 || c == 0x2028 || c == 0x2029 || c == 0xFEFF || c > 0xFFFD) {
            throw new Declined();
        }
        if (Character.isLowSurrogate(c)) {
            lowSurrogates++; // the decoder let only whole pairs through
        }
    }

    private String escapedString(int start) {
        StringBuilder sb = new StringBuilder(pos - start + 16);
        sb.append(s, start, pos - start);
        while (true) {
            char c = s[pos];
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c != '\\') {
                plain(c);
                sb.append(c);
                pos++;
                continue;
            }
            char e = s[pos + 1];
            pos += 2;
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(s[pos++], 16);
                        if (d < 0) {
                            throw new Declined();
                        }
                        v = v * 16 + d;
                    }
                    if (v == 0) {
                        throw new Declined(); // a NUL: the YAML path refuses it, located
                    }
                    sb.append((char) v);
                }
                default -> throw new Declined();
            }
        }
    }

    private ConfigNode literal(String word, ConfigNode node) {
        for (int i = 0; i < word.length(); i++) {
            if (s[pos++] != word.charAt(i)) {
                throw new Declined();
            }
        }
        delimiter();
        return node;
    }

    /** A plain scalar ends here as it does in YAML's flow context: at a space, line break, ',' or a closing bracket. */
    private void delimiter() {
        if (pos >= end) {
            throw new Declined(); // the root is a collection: a scalar never ends the text
        }
        char c = s[pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',' && c != '}' && c != ']') {
            throw new Declined();
        }
    }

    /** A JSON number without a leading zero: an integer, or a float (with a fraction or exponent). */
    private ConfigNode number() {
        int start = pos;
        if (s[pos] == '-') {
            pos++;
        }
        int digits = digits();
        if (digits == 0 || (digits > 1 && s[pos - digits] == '0')) {
            throw new Declined();
        }
        boolean integer = true;
        if (s[pos] == '.') {
            pos++;
            integer = false;
            if (digits() == 0) {
                throw new Declined();
            }
        }
        if (s[pos] == 'e' || s[pos] == 'E') {
            pos++;
            integer = false;
            if (s[pos] == '+' || s[pos] == '-') {
                pos++;
            }
            if (digits() == 0) {
                throw new Declined();
            }
        }
        delimiter();
        String text = new String(s, start, pos - start);
        if (!integer) {
            // The double ConfigReader.floatNode makes through BigDecimal: both round correctly,
            // and read JSON's number form alike, but for a zero: BigDecimal has no -0.
            double d = Double.parseDouble(text);
            return ConfigNode.floating(d == 0 && zeroMantissa(start) ? 0.0 : d);
        }
        // Up to 18 digits fit a long, as ConfigNode.integer(BigInteger) would find.
        return digits <= 18 ? ConfigNode.integer(Long.parseLong(text)) : ConfigNode.integer(new BigInteger(text));
    }

    /** Whether the number starting at {@code from} has only zeros before its exponent (-0.0, 0e5). */
    private boolean zeroMantissa(int from) {
        for (int i = from; i < pos && s[i] != 'e' && s[i] != 'E'; i++) {
            if (s[i] >= '1' && s[i] <= '9') {
                return false;
            }
        }
        return true;
    }

    private int digits() {
        int from = pos;
        while (pos < end && s[pos] >= '0' && s[pos] <= '9') {
            pos++;
        }
        return pos - from;
    }
}
