package dev.jspec.cli;

import java.util.function.IntConsumer;

/**
 * A handler for one signal, through {@code sun.misc.Signal}: the JDK has no public API for
 * catching signals. It is the one class compiled on its own, with {@code -nowarn} (see
 * pom.xml): javac warns about every reference to {@code sun.misc} ("internal proprietary
 * API"), a warning no annotation silences, while the rest of the build treats warnings as
 * errors. Reaching the class by reflection instead needs a dynamic proxy spun at run time
 * for {@code SignalHandler}, which cost every {@code run} 12-30 ms before its init could
 * start; this class is compiled, so the AOT cache holds it.
 */
final class SignalHook implements sun.misc.SignalHandler {

    private final IntConsumer handler;

    private SignalHook(IntConsumer handler) {
        this.handler = handler;
    }

    /** Installs {@code handler} for the signal named {@code name} (INT, TERM, ...); IllegalArgumentException when the JVM reserves it. */
    static void install(String name, IntConsumer handler) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), new SignalHook(handler));
    }

    @Override
    public void handle(sun.misc.Signal signal) {
        handler.accept(signal.getNumber());
    }
}
