package dev.jspec.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A config as a tree: what the readers build and the size normalizer, the semantic checks and
 * the binder read. Its accessors behave as Jackson's {@code JsonNode}'s of the same names (a
 * missing child is {@link #missing()}, a value of the wrong kind throws), so the rules read as
 * they did; only the schema validator needs Jackson's own tree, made by {@link JacksonTree}.
 *
 * <p>Why not Jackson's tree throughout: its first value node initializes {@link BigDecimal},
 * whose JDK 25 initializer computes 5^65536, tens of milliseconds of a cold start's CPU. A
 * config whose bytes passed the schema before is never validated again, so that start never
 * needs Jackson at all. Nothing here touches BigDecimal but a float's {@link #bigIntegerValue}.
 *
 * <p>Integers are kept as the readers found them: a long when they fit in 63 bits and a sign,
 * else a {@link BigInteger} (Jackson's LongNode and BigIntegerNode), so unsigned 64-bit values
 * keep their bits. No records and no pattern switches here: the start of a known config runs
 * this code, and those link at run time (classes spun in a cold JVM).
 */
public abstract class ConfigNode {

    private static final ConfigNode MISSING = new Missing();
    private static final ConfigNode NULL = new Null();
    private static final ConfigNode TRUE = new Bool(true);
    private static final ConfigNode FALSE = new Bool(false);

    ConfigNode() {}

    public static ConfigNode missing() {
        return MISSING;
    }

    public static ConfigNode nullValue() {
        return NULL;
    }

    public static ConfigNode bool(boolean value) {
        return value ? TRUE : FALSE;
    }

    public static ConfigNode string(String value) {
        return new Text(Objects.requireNonNull(value));
    }

    public static ConfigNode integer(long value) {
        return new Int(value, null);
    }

    /** An integer: a long when it fits, else a big integer (as Jackson's factory is asked for one or the other). */
    public static ConfigNode integer(BigInteger value) {
        return value.bitLength() < 64 ? new Int(value.longValue(), null) : new Int(0, value);
    }

    public static ConfigNode floating(double value) {
        return new FloatNumber(value);
    }

    public static ObjectValue object() {
        return new ObjectValue();
    }

    public static ArrayValue array() {
        return new ArrayValue();
    }

    /** The value of {@code key} in an object; null when absent or this is not an object. */
    public ConfigNode get(String key) {
        return null;
    }

    /** Element {@code index} of an array; null when out of range or this is not an array. */
    public ConfigNode get(int index) {
        return null;
    }

    /** As {@link #get(String)}, but {@link #missing()} rather than null. */
    public final ConfigNode path(String key) {
        ConfigNode v = get(key);
        return v == null ? MISSING : v;
    }

    public boolean has(String key) {
        return false;
    }

    /** The number of fields or elements; 0 for a scalar. */
    public int size() {
        return 0;
    }

    public final boolean isEmpty() {
        return size() == 0;
    }

    public boolean isObject() {
        return false;
    }

    public boolean isArray() {
        return false;
    }

    public boolean isString() {
        return false;
    }

    public boolean isBoolean() {
        return false;
    }

    public boolean isIntegralNumber() {
        return false;
    }

    public boolean isNumber() {
        return false;
    }

    public boolean isNull() {
        return false;
    }

    public boolean isMissing() {
        return false;
    }

    public String stringValue() {
        throw wrongKind("a string");
    }

    /** A scalar's text (a number's digits, "true"), or {@code otherwise} for null, missing or a container. */
    public String asString(String otherwise) {
        return otherwise;
    }

    public boolean booleanValue() {
        throw wrongKind("a boolean");
    }

    /** A number as a long; one out of range, or with a fraction, throws. */
    public long longValue() {
        throw wrongKind("a number");
    }

    /** A number as an integer; a float's fraction is dropped (the schema has checked it is whole). */
    public BigInteger bigIntegerValue() {
        throw wrongKind("a number");
    }

    /** Each element of an array, or each value of an object. */
    public void forEach(Consumer<ConfigNode> action) {}

    /** Each field of an object, in file order. */
    public void forEachEntry(BiConsumer<String, ConfigNode> action) {}

    /** An object's keys, in file order; empty for anything else. */
    public Collection<String> propertyNames() {
        return List.of();
    }

    /** The node at {@code path}, or {@link #missing()}. */
    public final ConfigNode at(SpecPath path) {
        ConfigNode node = this;
        for (Object segment : path.segments()) {
            ConfigNode next = segment instanceof Integer i ? node.get(i) : node.get((String) segment);
            if (next == null) {
                return MISSING;
            }
            node = next;
        }
        return node;
    }

    IllegalStateException wrongKind(String wanted) {
        return new IllegalStateException(getClass().getSimpleName() + " " + this + " is not " + wanted);
    }

    /** An object; its fields keep the order they were written in. */
    public static final class ObjectValue extends ConfigNode {
        private final Map<String, ConfigNode> fields = new LinkedHashMap<>();

        /** Sets {@code key}, in place of any value it had (keeping its place). */
        public void set(String key, ConfigNode value) {
            fields.put(key, Objects.requireNonNull(value));
        }

        public void remove(String key) {
            fields.remove(key);
        }

        @Override
        public ConfigNode get(String key) {
            return fields.get(key);
        }

        @Override
        public boolean has(String key) {
            return fields.containsKey(key);
        }

        @Override
        public int size() {
            return fields.size();
        }

        @Override
        public boolean isObject() {
            return true;
        }

        @Override
        public void forEach(Consumer<ConfigNode> action) {
            fields.values().forEach(action);
        }

        @Override
        public void forEachEntry(BiConsumer<String, ConfigNode> action) {
            fields.forEach(action);
        }

        @Override
        public Collection<String> propertyNames() {
            return java.util.Collections.unmodifiableSet(fields.keySet());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ObjectValue other && fields.equals(other.fields);
        }

        @Override
        public int hashCode() {
            return fields.hashCode();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("{");
            fields.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(Text.quote(k)).append(':').append(v));
            return sb.append('}').toString();
        }
    }

    /** An array. */
    public static final class ArrayValue extends ConfigNode {
        private final List<ConfigNode> elements = new ArrayList<>();

        public void add(ConfigNode value) {
            elements.add(Objects.requireNonNull(value));
        }

        @Override
        public ConfigNode get(int index) {
            return index >= 0 && index < elements.size() ? elements.get(index) : null;
        }

        @Override
        public int size() {
            return elements.size();
        }

        @Override
        public boolean isArray() {
            return true;
        }

        @Override
        public void forEach(Consumer<ConfigNode> action) {
            elements.forEach(action);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ArrayValue other && elements.equals(other.elements);
        }

        @Override
        public int hashCode() {
            return elements.hashCode();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("[");
            for (ConfigNode e : elements) {
                sb.append(sb.length() > 1 ? "," : "").append(e);
            }
            return sb.append(']').toString();
        }
    }

    static final class Text extends ConfigNode {
        private final String value;

        Text(String value) {
            this.value = value;
        }

        @Override
        public boolean isString() {
            return true;
        }

        @Override
        public String stringValue() {
            return value;
        }

        @Override
        public String asString(String otherwise) {
            return value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Text other && value.equals(other.value);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }

        @Override
        public String toString() {
            return quote(value);
        }

        /** JSON string text, for tests and messages that show a value. */
        static String quote(String s) {
            StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            return sb.append('"').toString();
        }
    }

    /** An integer: {@code big} when it does not fit in a long, else {@code value}. */
    static final class Int extends ConfigNode {
        final long value;
        final BigInteger big;

        Int(long value, BigInteger big) {
            this.value = value;
            this.big = big;
        }

        @Override
        public boolean isIntegralNumber() {
            return true;
        }

        @Override
        public boolean isNumber() {
            return true;
        }

        @Override
        public long longValue() {
            if (big != null) {
                throw wrongKind("in the range of a long");
            }
            return value;
        }

        @Override
        public BigInteger bigIntegerValue() {
            return big != null ? big : BigInteger.valueOf(value);
        }

        @Override
        public String asString(String otherwise) {
            return toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Int other && value == other.value && Objects.equals(big, other.big);
        }

        @Override
        public int hashCode() {
            return big != null ? big.hashCode() : Long.hashCode(value);
        }

        @Override
        public String toString() {
            return big != null ? big.toString() : Long.toString(value);
        }
    }

    static final class FloatNumber extends ConfigNode {
        final double value;

        FloatNumber(double value) {
            this.value = value;
        }

        @Override
        public boolean isNumber() {
            return true;
        }

        @Override
        public long longValue() {
            if (value != Math.rint(value) || value < -0x1p63 || value >= 0x1p63) {
                throw wrongKind("a whole number in the range of a long");
            }
            return (long) value;
        }

        /** As Jackson's DoubleNode: through the double's shortest decimal text, its fraction dropped. */
        @Override
        public BigInteger bigIntegerValue() {
            return BigDecimal.valueOf(value).toBigInteger();
        }

        @Override
        public String asString(String otherwise) {
            return Double.toString(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FloatNumber other && Double.compare(value, other.value) == 0;
        }

        @Override
        public int hashCode() {
            return Double.hashCode(value);
        }

        @Override
        public String toString() {
            return Double.toString(value);
        }
    }

    private static final class Bool extends ConfigNode {
        private final boolean value;

        Bool(boolean value) {
            this.value = value;
        }

        @Override
        public boolean isBoolean() {
            return true;
        }

        @Override
        public boolean booleanValue() {
            return value;
        }

        @Override
        public String asString(String otherwise) {
            return Boolean.toString(value);
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    private static final class Null extends ConfigNode {
        @Override
        public boolean isNull() {
            return true;
        }

        @Override
        public String toString() {
            return "null";
        }
    }

    private static final class Missing extends ConfigNode {
        @Override
        public boolean isMissing() {
            return true;
        }

        @Override
        public String toString() {
            return "";
        }
    }
}
