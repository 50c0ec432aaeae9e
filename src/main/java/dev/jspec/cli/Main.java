package dev.jspec.cli;

import dev.jspec.lifecycle.StateStore;
import dev.jspec.util.ExitCodes;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code jspec} command line. Each subcommand is one class in this package. */
@Command(
        name = "jspec",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A Linux container runtime: a bundle config, validated, planned into system calls, executed.",
        subcommands = CommandLine.HelpCommand.class)
public final class Main implements Runnable {

    /**
     * The commands, in the order --help lists them. Building picocli's model of a command
     * costs reflection over its annotations, so a command line that starts with a command
     * word builds that one command only; the whole tree is built for everything else.
     */
    private static final List<String> COMMANDS = List.of("validate", "plan", "spec", "run", "create", "start", "exec",
            "state", "list", "events", "kill", "delete", "pause", "resume", "ps", "update", "features", "init-argv");

    /**
     * A new object of the command {@code name}, or null when there is none. A switch rather
     * than a map of constructor references: each reference is a class of its own, made or
     * mapped from the AOT cache at every start of every command, 18 of them.
     */
    static Object newCommand(String name) {
        return switch (name) {
            case "validate" -> new ValidateCommand();
            case "plan" -> new PlanCommand();
            case "spec" -> new SpecCommand();
            case "run" -> new RunCommand();
            case "create" -> new CreateCommand();
            case "start" -> new StartCommand();
            case "exec" -> new ExecCommand();
            case "state" -> new StateCommand();
            case "list" -> new ListCommand();
            case "events" -> new EventsCommand();
            case "kill" -> new KillCommand();
            case "delete" -> new DeleteCommand();
            case "pause" -> new PauseCommand.Pause();
            case "resume" -> new PauseCommand.Resume();
            case "ps" -> new PsCommand();
            case "update" -> new UpdateCommand();
            case "features" -> new FeaturesCommand();
            case "init-argv" -> new InitArgvCommand();
            default -> null;
        };
    }

    /** Shows Java stack traces for failures; otherwise a user sees one line per problem. */
    static boolean debug;

    /** Where container state lives (runc's --root). */
    static Path stateRoot = Path.of(StateStore.DEFAULT_ROOT);

    /** The standard error writer of the command line being run, which copies lines to --log. */
    private static LogTee log = new LogTee(new PrintWriter(System.err, true, StandardCharsets.UTF_8));

    /** The writers of the command line being run: picocli's getOut/getErr, or the fast path's. */
    private static PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);

    private static PrintWriter err = new PrintWriter(log, true);

    /** --systemd-cgroup was given: refused before any command runs. */
    static boolean systemdCgroup;

    /** --rootless true was given: refused before any command runs. */
    static boolean rootless;

    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static StateStore stateStore() {
        return new StateStore(stateRoot);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw GlobalOptions.Invalid.usage(spec.commandLine(), "a command is required");
    }

    public static boolean debug() {
        return debug;
    }

    static LogTee log() {
        return log;
    }

    /** Standard output of the command line being run. */
    static PrintWriter out() {
        return out;
    }

    /** Standard error of the command line being run (copied to --log). */
    static PrintWriter err() {
        return err;
    }

    /** Why the global options cannot be honoured, or null; checked after parsing, before the command. */
    static String refusal() {
        if (systemdCgroup) {
            return "--systemd-cgroup: jspec has no systemd cgroup driver; it manages cgroupfs directly (leave the flag out)";
        }
        if (rootless) {
            return "--rootless true: jspec runs containers as root only";
        }
        return log.open();
    }

    public static void main(String[] args) {
        int status = execute(args);
        System.out.flush();
        System.err.flush();
        // Not System.exit: since JDK 21 Runtime.exit asks System.Logger whether to log the
        // exit, and finding the logging backend makes a ServiceLoader look through every jar
        // on the class path (opening each), ten milliseconds and more at every command's end.
        // jspec registers no shutdown hook and has flushed what it printed.
        Runtime.getRuntime().halt(status);
    }

    /**
     * Runs one command line and returns its exit status. Every command prints through the
     * writers picocli hands it (getOut/getErr), never System.out/err, so tests capture all of it.
     */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true, StandardCharsets.UTF_8), new PrintWriter(System.err, true, StandardCharsets.UTF_8), args);
    }

    /** As {@link #execute(String...)}, with standard output and error redirected (tests capture them). */
    public static int execute(PrintWriter out, PrintWriter console, String... args) {
        // Every line a command prints on stderr also goes to --log, whichever command prints it.
        reset(console);
        PrintWriter err = new PrintWriter(log, true);
        Main.out = out;
        Main.err = err;
        // The commands engines send on every container skip picocli's model (see FastPath).
        java.util.concurrent.Callable<Integer> fast = FastPath.parse(args);
        if (fast != null) {
            try {
                return FastPath.run(fast, err);
            } finally {
                finish(out, err);
            }
        }
        CommandLine cli = commandLine(args);
        if (!(cli.getCommand() instanceof Main)) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(ex -> ExitCodes.FAILURE);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("jspec: " + ex.getMessage());
            // A hint for a person, not an error: stderr only, so the log's last line stays the error.
            console.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        });
        cli.setExecutionStrategy(parseResult -> {
            String refused = refusal();
            if (refused != null) {
                err.println("jspec: " + refused);
                return ExitCodes.FAILURE;
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (debug) {
                ex.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("jspec: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            }
            return ExitCodes.FAILURE;
        });
        try {
            return cli.execute(args);
        } finally {
            finish(out, err);
        }
    }

    /**
     * picocli's model for a command line: of its command alone when it starts with a command
     * word (then the word is not part of what it parses), else of the whole tree.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli;
        Object command = args.length > 0 ? newCommand(args[0]) : null;
        if (command != null) {
            cli = new CommandLine(command);
            cli.setCommandName("jspec " + args[0]);
        } else {
            cli = new CommandLine(new Main());
            for (String name : COMMANDS) {
                cli.addSubcommand(name, newCommand(name));
            }
        }
        // What follows the ID belongs to the program (exec ID sh -c ...) or to the host's ps
        // (ps ID -ef), options included, as with runc.
        for (Class<?> type : List.of(ExecCommand.class, PsCommand.class)) {
            String name = type == ExecCommand.class ? "exec" : "ps";
            CommandLine c = type.isInstance(cli.getCommand()) ? cli : cli.getSubcommands().get(name);
            if (c != null) {
                c.setStopAtPositional(true);
            }
        }
        return cli;
    }

    /** The per-command-line state of {@link #execute}, fresh: the log tee and the refusals. */
    static void reset(PrintWriter console) {
        log = new LogTee(console);
        systemdCgroup = false;
        rootless = false;
    }

    private static void finish(PrintWriter out, PrintWriter err) {
        // main exits right after: what a command print()ed without a newline must not be lost.
        out.flush();
        err.flush();
        try {
            log.close();
        } catch (java.io.IOException e) {
            // stderr had it all; only the log file may have lost its last line.
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jspec " + (v == null ? "dev" : v), "spec: OCI runtime-spec 1.2.0"};
        }
    }
}
