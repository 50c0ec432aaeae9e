package dev.jspec.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a value sits in a config, as a list of object keys and array indexes. It prints two
 * ways: as a JSON pointer ({@code /process/rlimits/0/type}), the key of the source map, and
 * in the dotted form people read ({@code process.rlimits[0].type}).
 */
public record SpecPath(List<Object> segments) {

    public static final SpecPath ROOT = new SpecPath(List.of());

    public SpecPath {
        for (Object s : segments) {
            if (!(s instanceof String) && !(s instanceof Integer)) {
                throw new IllegalArgumentException("a path segment is a key or an index, not " + s);
            }
        }
        segments = List.copyOf(segments);
    }

    /** Parses the dotted form back, for code that names fixed fields ({@code linux.resources.memory}). */
    public static SpecPath of(String dotted) {
        SpecPath path = ROOT;
        if (dotted.isEmpty()) {
            return path;
        }
        for (String key : dotted.split("\\.")) {
            path = path.key(key);
        }
        return path;
    }

    public SpecPath key(String key) {
        List<Object> next = new ArrayList<>(segments);
        next.add(key);
        return new SpecPath(next);
    }

    public SpecPath index(int index) {
        List<Object> next = new ArrayList<>(segments);
        next.add(index);
        return new SpecPath(next);
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    public SpecPath parent() {
        return isRoot() ? this : new SpecPath(segments.subList(0, segments.size() - 1));
    }

    /** The last object key on the path, or null (for the root, or a path that ends in an index). */
    public String lastKey() {
        return !isRoot() && segments.getLast() instanceof String s ? s : null;
    }

    /** RFC 6901 JSON pointer. */
    public String pointer() {
        StringBuilder sb = new StringBuilder();
        for (Object s : segments) {
            sb.append('/').append(s.toString().replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }

    /**
     * {@code process.rlimits[0].type}; keys that are not identifiers are quoted: {@code linux.sysctl["net.ipv4.ip_forward"]}.
     * (instanceof, not a pattern switch: that is an invokedynamic site whose first use in a
     * cold JVM generates a class, a few milliseconds of the first warning a start prints.)
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Object s : segments) {
            if (s instanceof Integer i) {
                sb.append('[').append(i).append(']');
            } else if (identifier((String) s)) {
                sb.append(sb.isEmpty() ? "" : ".").append((String) s);
            } else {
                sb.append("[\"").append(((String) s).replace("\\", "\\\\").replace("\"", "\\\"")).append("\"]");
            }
        }
        return sb.toString();
    }

    /**
     * A letter or _, then letters, digits and _: a key printed after a dot. A loop, not a
     * regular expression, whose classes the warnings of a start would load for this alone.
     */
    private static boolean identifier(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }
}
