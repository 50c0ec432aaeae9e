package dev.jspec.cli;

import dev.jspec.spec.BundleLoader;
import dev.jspec.spec.ConfigException;
import dev.jspec.spec.Diagnostic;
import dev.jspec.util.ExitCodes;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jspec validate PATH...}: loads each bundle or config exactly as {@code create} would
 * and reports every problem, so a config can be checked before it is run.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Check bundle configs against the OCI runtime-spec schema and jspec's rules, and report every problem.",
            "",
            "Each PATH is a bundle directory (holding config.yaml, config.yml or config.json, tried in that order) "
                    + "or a config file, whose directory is then the bundle. The root filesystem named by root.path "
                    + "must exist. Problems go to standard error as FILE:LINE:COLUMN: message (at spec.path), "
                    + "in file order; each valid PATH is reported on standard output as 'PATH: valid'."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every PATH is valid",
            "1:a PATH does not exist or cannot be read (this wins over 2)",
            "2:a config is invalid",
            "64:the command line is wrong"
        })
final class ValidateCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    GlobalOptions global;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Bundle directories or config files.")
    List<Path> paths;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean invalid = false;
        boolean unreadable = false;
        for (Path path : paths) {
            try {
                for (Diagnostic w : BundleLoader.load(path).warnings()) {
                    err.println(w);
                }
                out.println(path + ": valid");
            } catch (ConfigException e) {
                invalid = true;
                for (Diagnostic d : e.diagnostics()) {
                    err.println(d);
                }
            } catch (UncheckedIOException e) {
                unreadable = true;
                err.println("jspec validate: " + e.getMessage());
                if (Main.debug()) {
                    e.printStackTrace(err);
                }
            }
        }
        out.flush();
        err.flush();
        return unreadable ? ExitCodes.FAILURE : invalid ? ExitCodes.CONFIG_ERROR : ExitCodes.OK;
    }
}
