package dev.jspec.cli;

import dev.jspec.util.ExitCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jspec spec}, like {@code runc spec}: writes a starting config, a busybox shell with
 * runc's defaults, commented so that the file teaches its own format.
 */
@Command(
        name = "spec",
        mixinStandardHelpOptions = true,
        description = "Write a commented default config.yaml (a busybox shell) to start a bundle from.")
final class SpecCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    GlobalOptions global;

    /** The templates, as resources beside this class. */
    static final String YAML_TEMPLATE = "default-config.yaml";
    static final String JSON_TEMPLATE = "default-config.json";

    @Option(names = {"-b", "--bundle"}, paramLabel = "DIR", defaultValue = ".", description = "Where to write the config (default: the current directory).")
    Path bundle;

    @Option(names = "--stdout", description = "Print the config instead of writing a file.")
    boolean stdout;

    @Option(names = "--json", description = "Write the OCI config.json form (no comments) instead of config.yaml.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        String text = template(json ? JSON_TEMPLATE : YAML_TEMPLATE);
        PrintWriter out = command.commandLine().getOut();
        if (stdout) {
            out.print(text);
            out.flush();
            return ExitCodes.OK;
        }
        Path file = bundle.resolve(json ? "config.json" : "config.yaml");
        try {
            // CREATE_NEW: refusing atomically, so a config someone just wrote is never replaced.
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            command.commandLine().getErr().println("jspec spec: " + file + " already exists; remove it first, or write elsewhere with --bundle DIR");
            return ExitCodes.FAILURE;
        } catch (IOException e) {
            command.commandLine().getErr().println("jspec spec: cannot write " + file + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    static String template(String name) {
        try (InputStream in = SpecCommand.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks its template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
