package dev.jspec.plan;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * POSIX path arithmetic on strings, without touching any file system: the planner must
 * stay pure, and a plan must read the same on every machine. Symlinks are not resolved;
 * the executor resolves container paths inside the container's root.
 */
public final class LexicalPath {

    private LexicalPath() {}

    /**
     * The absolute, clean form of {@code path}: duplicate and trailing slashes, {@code .}
     * and {@code ..} removed; {@code ..} stops at the root, as the kernel does at "/". A
     * relative path is taken from "/".
     */
    public static String clean(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
    }

    /** {@code path} if absolute, else {@code base/path}; cleaned either way. */
    public static String resolve(String base, String path) {
        return path.startsWith("/") ? clean(path) : clean(base + "/" + path);
    }

    /** {@code dir} joined with the absolute {@code path} below it: ("/.oldroot", "/etc") is "/.oldroot/etc". */
    public static String under(String dir, String path) {
        String p = clean(path);
        return p.equals("/") ? clean(dir) : clean(dir) + p;
    }
}
