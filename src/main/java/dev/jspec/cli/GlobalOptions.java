package dev.jspec.cli;

import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Options every command takes, before or after the command word (runc's callers put
 * {@code --root} before it). A mixin rather than inherited options, so that a command can
 * be parsed on its own, without building the whole command tree (see {@link Main}).
 *
 * <p>runc's other global flags are accepted as engines pass them: {@code --log} and
 * {@code --log-format} (see {@link LogTee}), {@code --criu} (jspec has no checkpointing, so
 * the path is never used), {@code --rootless false|auto}. What jspec cannot honour is refused
 * before the command runs ({@link Main#refusal()}): {@code --systemd-cgroup} and
 * {@code --rootless true}.
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

    @Option(names = "--log", paramLabel = "FILE",
            description = "Also write every error and warning line to FILE (appended), as runc's --log does.")
    void log(Path file) {
        Main.log().file(file);
    }

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "Format of --log lines: text (default) or json.")
    void logFormat(String format) {
        switch (format.toLowerCase(Locale.ROOT)) {
            case "text", "" -> Main.log().format(LogTee.Format.TEXT);
            case "json" -> Main.log().format(LogTee.Format.JSON);
            default -> throw Invalid.value("invalid --log-format \"" + format + "\": use text or json");
        }
    }

    @Option(names = "--systemd-cgroup", description = "Refused: jspec has no systemd cgroup driver.")
    void systemdCgroup(boolean on) {
        Main.systemdCgroup = on;
    }

    @Option(names = "--rootless", paramLabel = "true|false|auto",
            description = "Accepted as false or auto (jspec runs as root); true is refused.")
    void rootless(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> Main.rootless = true;
            case "false", "auto" -> Main.rootless = false;
            default -> throw Invalid.value("invalid --rootless \"" + value + "\": use true, false or auto");
        }
    }

    @Option(names = "--criu", paramLabel = "PATH", description = "Accepted for runc compatibility; jspec does not checkpoint.")
    void criu(String path) {
        // Nothing uses it: checkpoint and restore are not commands of jspec.
    }

    /**
     * picocli's refusals of a command line, made in a class of its own: a method of a
     * command class that threw picocli's exception itself would make the JVM load picocli's
     * exception classes to verify that class, and picocli's (Java 5) classes are never in
     * the AOT cache, so every start would open the jars on the class path one by one to
     * find them. Every command throws these through here.
     */
    static final class Invalid {
        private Invalid() {}

        /** An option's value refused (picocli adds which option). */
        static RuntimeException value(String message) {
            return new picocli.CommandLine.TypeConversionException(message);
        }

        /** A usage error of the command line {@code cli}. */
        static RuntimeException usage(picocli.CommandLine cli, String message) {
            return new picocli.CommandLine.ParameterException(cli, message);
        }
    }
}
