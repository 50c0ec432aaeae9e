package dev.jspec.init;

import java.util.logging.LogManager;

/**
 * The {@code java.util.logging} manager of jspec's JVMs ({@code -Djava.util.logging.manager}:
 * the init's, given by {@code InitCommand}, and the parent's, given by the launcher): one that
 * reads no configuration. JNA's {@code Native} makes a logger when it is set up,
 * which starts the logging system, and reading and applying the JDK's logging.properties is
 * a part of that start the init never needs: it logs nothing, and anything it printed
 * would land in the container's stderr.
 *
 * <p>Its first configuration also skips the rest of that start. Right after it, the JDK
 * hands the System.Logger loggers made so far over to java.util.logging, and to know whether
 * to, it first looks for another logging backend: through every module of the JDK image and
 * every jar of the class path, opening each and reading its index, some 10-15 ms of the
 * init's path to the container's program. The JDK's LogManager catches what its first
 * {@link #readConfiguration()} throws and goes on without the hand-over (checked in JDK 25's
 * source; a JDK that did not would only be slower); jspec makes no such logger to hand
 * over, and logs nothing through java.util.logging.
 */
public final class QuietLogManager extends LogManager {

    /** What the first configuration throws: the hand-over after it is skipped. */
    static final class NoHandOver extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoHandOver() {
            super("jspec init: java.util.logging is not configured", null, false, false);
        }
    }

    private boolean configured;

    public QuietLogManager() {
        super();
    }

    /** No logging.properties: no handlers, the default level; the first call skips the hand-over (see above). */
    @Override
    public void readConfiguration() {
        if (!configured) {
            configured = true;
            throw new NoHandOver();
        }
    }
}
