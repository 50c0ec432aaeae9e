package dev.jspec.init;

import java.util.logging.LogManager;

/**
 * The init JVM's {@code java.util.logging} manager ({@code -Djava.util.logging.manager}):
 * one that reads no configuration. JNA's {@code Native} makes a logger when it is set up,
 * which starts the logging system, and reading and applying the JDK's logging.properties is
 * a part of that start the init never needs: it logs nothing, and anything it printed
 * would land in the container's stderr.
 */
public final class QuietLogManager extends LogManager {

    public QuietLogManager() {
        super();
    }

    /** No logging.properties: no handlers, the default level. */
    @Override
    public void readConfiguration() {
        // Nothing to read.
    }
}
