package dev.jspec.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options every command takes, before or after the command word (runc's callers put
 * {@code --root} before it). A mixin rather than inherited options, so that a command can
 * be parsed on its own, without building the whole command tree (see {@link Main}).
 */
final class GlobalOptions {

    @Option(names = "--debug", description = "Print stack traces and internal detail.")
    void debug(boolean on) {
        Main.debug = on;
    }

    @Option(names = "--root", paramLabel = "DIR", description = "Directory for container state (default: /run/jspec).")
    void root(Path dir) {
        Main.stateRoot = dir;
    }
}
