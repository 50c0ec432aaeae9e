package dev.jspec.cli;

import java.util.function.BiConsumer;
import sun.misc.Signal;

/** Forwarding of the signals a user sends to jspec on to the container. */
final class Signals {

    private Signals() {}

    /** Installs a handler for each signal name (INT, TERM, ...); ones the JVM reserves are skipped. */
    static void forward(String[] names, BiConsumer<String, Integer> handler) {
        for (String name : names) {
            try {
                Signal.handle(new Signal(name), s -> handler.accept(name, s.getNumber()));
            } catch (IllegalArgumentException e) {
                // Reserved by the JVM (it says which); the container cannot get this one through jspec.
            }
        }
    }
}
