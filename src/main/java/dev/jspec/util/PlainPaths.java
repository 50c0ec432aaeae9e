package dev.jspec.util;

/** Paths jspec acts on only when they cannot climb out of where they point. */
public final class PlainPaths {

    private PlainPaths() {}

    /**
     * Whether {@code s} starts with "/" and has no NUL and no "." or ".." component: the
     * recorded cgroups a delete removes, the cgroup a warmer writes to. A loop, not a
     * split and a stream: every command on a container checks its state's paths first.
     */
    public static boolean absolute(String s) {
        if (!s.startsWith("/") || s.indexOf('\0') >= 0) {
            return false;
        }
        for (int from = 1; from <= s.length(); ) {
            int end = s.indexOf('/', from);
            if (end < 0) {
                end = s.length();
            }
            int length = end - from;
            if ((length == 1 || length == 2) && s.startsWith("..".substring(0, length), from)) {
                return false;
            }
            from = end + 1;
        }
        return true;
    }
}
