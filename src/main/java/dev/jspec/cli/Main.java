package dev.jspec.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code jspec} command line. Each subcommand is one class in this package. */
@Command(
        name = "jspec",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A Linux container runtime: a bundle config, validated, planned into system calls, executed.",
        subcommands = {
            ValidateCommand.class,
            PlanCommand.class,
            SpecCommand.class,
            RunCommand.class,
            StateCommand.class,
            ListCommand.class,
            KillCommand.class,
            DeleteCommand.class,
            InitArgvCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    /** Shows Java stack traces for failures; otherwise a user sees one line per problem. */
    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces and internal detail.")
    static boolean debug;

    /** Where container state lives; runc's --root, given before or after the command word. */
    @Option(names = "--root", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DIR",
            description = "Directory for container state (default: /run/jspec).")
    static java.nio.file.Path stateRoot = java.nio.file.Path.of(dev.jspec.lifecycle.StateStore.DEFAULT_ROOT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static dev.jspec.lifecycle.StateStore stateStore() {
        return new dev.jspec.lifecycle.StateStore(stateRoot);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static boolean debug() {
        return debug;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit status (tests call this directly). */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, with standard output and error redirected (tests capture them). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(ex -> ExitCodes.FAILURE);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("jspec: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (debug) {
                ex.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("jspec: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            }
            return ExitCodes.FAILURE;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jspec " + (v == null ? "dev" : v), "spec: OCI runtime-spec 1.2.0"};
        }
    }
}
