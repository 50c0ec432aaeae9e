package dev.jspec.lifecycle;

import dev.jspec.util.Json;

/**
 * The one rule for a container ID, checked by every command that takes one before any path
 * is made from it: an ID names a directory under the state root and a cgroup, so it must be
 * one plain path component. runc's rule (letters, digits, {@code _ + - .}, not {@code .} or
 * {@code ..}), at most 255 characters, a file name's limit (NAME_MAX).
 */
public final class ContainerId {

    public static final int MAX_LENGTH = 255;

    private ContainerId() {}

    /** Why {@code id} is not a container ID, or null when it is one. */
    public static String problem(String id) {
        if (id == null || !allowed(id) || id.equals(".") || id.equals("..")) {
            // Quoted as JSON: a hostile ID's control characters are not sent to the terminal.
            String shown = id == null ? "(none)" : Json.quote(id.length() > 80 ? id.substring(0, 80) + "..." : id);
            return "invalid container ID " + shown
                    + ": use letters, digits and _ + - . (1 to " + MAX_LENGTH + " characters), not . or ..";
        }
        return null;
    }

    /**
     * 1 to MAX_LENGTH of letters, digits and {@code _ + - .}: a loop rather than a regular
     * expression, whose some 25 classes every command on a container loaded for this alone.
     */
    private static boolean allowed(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '+' || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code id}, when it is a container ID. */
    public static String require(String id) {
        String problem = problem(id);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return id;
    }
}
