package dev.jspec.spec;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each key and value of a config was written: JSON pointer to 1-based line and column.
 * Built while the YAML tree is converted, so every later stage (schema, semantic checks,
 * binder) can point at the text the user wrote.
 */
public final class SourceMap {

    /** A 1-based position in the file. */
    public record Location(int line, int column) {
        public static final Location START = new Location(1, 1);
    }

    private final Map<String, Location> values = new HashMap<>();
    private final Map<String, Location> keys = new HashMap<>();

    void putValue(SpecPath path, Location location) {
        values.put(path.pointer(), location);
    }

    void putKey(SpecPath path, Location location) {
        keys.put(path.pointer(), location);
    }

    void putValue(String pointer, Location location) {
        values.put(pointer, location);
    }

    void putKey(String pointer, Location location) {
        keys.put(pointer, location);
    }

    /** Every value's location by JSON pointer (tests compare two readers' maps). */
    Map<String, Location> values() {
        return Collections.unmodifiableMap(values);
    }

    /** Every key's location by JSON pointer. */
    Map<String, Location> keys() {
        return Collections.unmodifiableMap(keys);
    }

    /** Where the value at {@code path} starts; for a path that is not in the file, the nearest ancestor's. */
    public Location valueAt(SpecPath path) {
        for (SpecPath p = path; ; p = p.parent()) {
            Location l = values.get(p.pointer());
            if (l != null) {
                return l;
            }
            if (p.isRoot()) {
                return Location.START;
            }
        }
    }

    /**
     * Where the key naming {@code path} was written ({@code hostnme:} for an unknown key); for an
     * array element or the root, where its value starts.
     */
    public Location keyAt(SpecPath path) {
        Location l = keys.get(path.pointer());
        return l != null ? l : valueAt(path);
    }
}
