package dev.jspec.cli;

import java.util.function.BiConsumer;

/** Forwarding of the signals a user sends to jspec on to the container. */
final class Signals {

    private static final java.util.Map<String, Integer> NUMBERS = java.util.Map.ofEntries(
            java.util.Map.entry("HUP", 1), java.util.Map.entry("INT", 2), java.util.Map.entry("QUIT", 3),
            java.util.Map.entry("ILL", 4), java.util.Map.entry("TRAP", 5), java.util.Map.entry("ABRT", 6),
            java.util.Map.entry("BUS", 7), java.util.Map.entry("FPE", 8), java.util.Map.entry("KILL", 9),
            java.util.Map.entry("USR1", 10), java.util.Map.entry("SEGV", 11), java.util.Map.entry("USR2", 12),
            java.util.Map.entry("PIPE", 13), java.util.Map.entry("ALRM", 14), java.util.Map.entry("TERM", 15),
            java.util.Map.entry("STKFLT", 16), java.util.Map.entry("CHLD", 17), java.util.Map.entry("CONT", 18),
            java.util.Map.entry("STOP", 19), java.util.Map.entry("TSTP", 20), java.util.Map.entry("TTIN", 21),
            java.util.Map.entry("TTOU", 22), java.util.Map.entry("URG", 23), java.util.Map.entry("XCPU", 24),
            java.util.Map.entry("XFSZ", 25), java.util.Map.entry("VTALRM", 26), java.util.Map.entry("PROF", 27),
            java.util.Map.entry("WINCH", 28), java.util.Map.entry("IO", 29), java.util.Map.entry("PWR", 30),
            java.util.Map.entry("SYS", 31));

    private Signals() {}

    /** A signal's number from {@code 15}, {@code TERM} or {@code SIGTERM}; -1 when unknown. */
    static int number(String signal) {
        String s = signal.toUpperCase(java.util.Locale.ROOT);
        if (s.chars().allMatch(Character::isDigit) && !s.isEmpty()) {
            int n = Integer.parseInt(s);
            return n >= 1 && n <= 64 ? n : -1;
        }
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        return NUMBERS.getOrDefault(s, -1);
    }

    /** Installs a handler for each signal name (INT, TERM, ...); ones the JVM reserves are skipped. */
    static void forward(String[] names, BiConsumer<String, Integer> handler) {
        for (String name : names) {
            try {
                SignalHook.install(name, number -> handler.accept(name, number));
            } catch (IllegalArgumentException e) {
                // Reserved by the JVM (it says which); the container cannot get this one through jspec.
            }
        }
    }
}
