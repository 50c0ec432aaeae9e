package dev.jspec.cli;

import dev.jspec.util.ExitCodes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The way in for the commands an engine sends on every container (create, start, state,
 * kill, delete, run, exec), without picocli: building picocli's model of a command costs
 * 100-250 ms a start (reflection over annotations in Java 5 class files, which the AOT cache
 * cannot hold), more than all the command's own work.
 *
 * <p>It fills the same command objects' fields picocli would and knows only the plain forms:
 * {@code --opt VALUE}, {@code --opt=VALUE}, the short names, the global options before or
 * after the command word. Anything else (help, version, an unknown or repeated option, a
 * value that looks like an option, {@code --}, an {@code @file}, a missing or extra
 * positional, a value picocli would have to convert or reject) is not its to decide: it
 * returns null and picocli parses the line, so every message and exit status stays
 * picocli's. {@code FastPathTest} checks that both parse every engine's lines alike.
 */
final class FastPath {

    private FastPath() {}

    private enum Kind {
        FLAG,
        VALUE,
        LIST
    }

    /** One hot command's syntax: its options by every name, and how many positionals it takes. */
    private record Syntax(Map<String, String> canonical, Map<String, Kind> kinds, int minPositionals,
            int maxPositionals, boolean stopAtPositional) {}

    private static Syntax syntax(String command) {
        return switch (command) {
            case "create" -> new Syntax(
                    Map.of("-b", "--bundle", "--bundle", "--bundle", "--pid-file", "--pid-file",
                            "--console-socket", "--console-socket", "--preserve-fds", "--preserve-fds",
                            "--no-pivot", "--no-pivot", "--no-new-keyring", "--no-new-keyring"),
                    Map.of("--bundle", Kind.VALUE, "--pid-file", Kind.VALUE, "--console-socket", Kind.VALUE,
                            "--preserve-fds", Kind.VALUE, "--no-pivot", Kind.FLAG, "--no-new-keyring", Kind.FLAG),
                    1, 1, false);
            case "run" -> new Syntax(
                    Map.of("-b", "--bundle", "--bundle", "--bundle", "-d", "--detach", "--detach", "--detach",
                            "--pid-file", "--pid-file", "--console-socket", "--console-socket",
                            "--preserve-fds", "--preserve-fds", "--no-pivot", "--no-pivot",
                            "--no-new-keyring", "--no-new-keyring"),
                    Map.of("--bundle", Kind.VALUE, "--detach", Kind.FLAG, "--pid-file", Kind.VALUE,
                            "--console-socket", Kind.VALUE, "--preserve-fds", Kind.VALUE, "--no-pivot", Kind.FLAG,
                            "--no-new-keyring", Kind.FLAG),
                    0, 1, false);
            case "start", "state" -> new Syntax(Map.of(), Map.of(), 1, 1, false);
            case "kill" -> new Syntax(Map.of("-a", "--all", "--all", "--all"), Map.of("--all", Kind.FLAG), 1, 2, false);
            case "delete" -> new Syntax(Map.of("-f", "--force", "--force", "--force"), Map.of("--force", Kind.FLAG), 1, 1, false);
            case "exec" -> new Syntax(
                    Map.ofEntries(Map.entry("-p", "--process"), Map.entry("--process", "--process"),
                            Map.entry("-d", "--detach"), Map.entry("--detach", "--detach"),
                            Map.entry("-t", "--tty"), Map.entry("--tty", "--tty"),
                            Map.entry("--console-socket", "--console-socket"), Map.entry("--pid-file", "--pid-file"),
                            Map.entry("--cwd", "--cwd"), Map.entry("-e", "--env"), Map.entry("--env", "--env"),
                            Map.entry("-u", "--user"), Map.entry("--user", "--user"),
                            Map.entry("-g", "--additional-gids"), Map.entry("--additional-gids", "--additional-gids"),
                            Map.entry("-c", "--cap"), Map.entry("--cap", "--cap"),
                            Map.entry("--no-new-privs", "--no-new-privs"), Map.entry("--apparmor", "--apparmor"),
                            Map.entry("--process-label", "--process-label"), Map.entry("--preserve-fds", "--preserve-fds")),
                    Map.ofEntries(Map.entry("--process", Kind.VALUE), Map.entry("--detach", Kind.FLAG),
                            Map.entry("--tty", Kind.FLAG), Map.entry("--console-socket", Kind.VALUE),
                            Map.entry("--pid-file", Kind.VALUE), Map.entry("--cwd", Kind.VALUE),
                            Map.entry("--env", Kind.LIST), Map.entry("--user", Kind.VALUE),
                            Map.entry("--additional-gids", Kind.LIST), Map.entry("--cap", Kind.LIST),
                            Map.entry("--no-new-privs", Kind.FLAG), Map.entry("--apparmor", Kind.VALUE),
                            Map.entry("--process-label", Kind.VALUE), Map.entry("--preserve-fds", Kind.VALUE)),
                    1, Integer.MAX_VALUE, true);
            default -> null;
        };
    }

    private static final Set<String> GLOBAL_FLAGS = Set.of("--debug", "--systemd-cgroup");
    private static final Set<String> GLOBAL_VALUES = Set.of("--root", "--log", "--log-format", "--rootless", "--criu");

    /**
     * The command object of a hot command line, its fields and the global options set as
     * picocli would set them; or null (nothing set) when picocli must parse the line.
     */
    static Callable<Integer> parse(String[] args) {
        for (String a : args) {
            if (a.equals("--") || a.startsWith("@")) {
                return null; // picocli's end of options and argument files: its to interpret
            }
        }
        GlobalOptions global = new GlobalOptions();
        List<Runnable> settings = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int i = 0;
        while (i < args.length && args[i].startsWith("-")) {
            int used = global(args, i, global, settings, seen);
            if (used == 0) {
                return null;
            }
            i += used;
        }
        if (i == args.length) {
            return null;
        }
        String command = args[i++];
        Syntax syntax = syntax(command);
        if (syntax == null) {
            return null;
        }
        Map<String, List<String>> values = new java.util.HashMap<>();
        List<String> positionals = new ArrayList<>();
        while (i < args.length) {
            String a = args[i];
            if (!a.startsWith("-") || (syntax.stopAtPositional() && !positionals.isEmpty())) {
                positionals.add(a);
                i++;
                continue;
            }
            int used = global(args, i, global, settings, seen);
            if (used > 0) {
                i += used;
                continue;
            }
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            String option = syntax.canonical().get(name);
            if (option == null) {
                return null;
            }
            Kind kind = syntax.kinds().get(option);
            if (kind != Kind.LIST && values.containsKey(option)) {
                return null; // picocli refuses a single-valued option given twice
            }
            if (kind == Kind.FLAG) {
                if (value != null) {
                    return null;
                }
                values.put(option, List.of());
                i++;
                continue;
            }
            if (value == null) {
                if (i + 1 == args.length) {
                    return null;
                }
                value = args[i + 1];
                i += 2;
            } else {
                i++;
            }
            if (value.startsWith("-")) {
                return null;
            }
            values.computeIfAbsent(option, k -> new ArrayList<>()).add(value);
        }
        if (positionals.size() < syntax.minPositionals() || positionals.size() > syntax.maxPositionals()) {
            return null;
        }
        Callable<Integer> filled;
        try {
            filled = fill(command, values, positionals);
        } catch (RuntimeException e) {
            return null; // a value picocli converts differently or refuses (a path with NUL, ...)
        }
        if (filled == null) {
            return null;
        }
        settings.forEach(Runnable::run);
        return filled;
    }

    /**
     * A global option at args[i]: how many arguments it used (0: not a global option, or one
     * picocli must judge), its setting added to settings.
     */
    private static int global(String[] args, int i, GlobalOptions global, List<Runnable> settings, Set<String> seen) {
        String a = args[i];
        String name = a;
        String value = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
            name = a.substring(0, eq);
            value = a.substring(eq + 1);
        }
        if (GLOBAL_FLAGS.contains(name)) {
            if (value != null || !seen.add(name)) {
                return 0;
            }
            settings.add(name.equals("--debug") ? () -> global.debug(true) : () -> global.systemdCgroup(true));
            return 1;
        }
        if (!GLOBAL_VALUES.contains(name) || !seen.add(name)) {
            return 0;
        }
        int used = 1;
        if (value == null) {
            if (i + 1 == args.length) {
                return 0;
            }
            value = args[i + 1];
            used = 2;
        }
        if (value.startsWith("-")) {
            return 0;
        }
        String v = value;
        switch (name) {
            case "--root" -> {
                Path root = path(v);
                if (root == null) {
                    return 0;
                }
                settings.add(() -> global.root(root));
            }
            case "--log" -> {
                Path log = path(v);
                if (log == null) {
                    return 0;
                }
                settings.add(() -> global.log(log));
            }
            case "--log-format" -> {
                if (!Set.of("text", "json", "").contains(v.toLowerCase(Locale.ROOT))) {
                    return 0;
                }
                settings.add(() -> global.logFormat(v));
            }
            case "--rootless" -> {
                if (!Set.of("true", "false", "auto").contains(v.toLowerCase(Locale.ROOT))) {
                    return 0;
                }
                settings.add(() -> global.rootless(v));
            }
            default -> settings.add(() -> global.criu(v));
        }
        return used;
    }

    private static Path path(String value) {
        try {
            return Path.of(value);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Callable<Integer> fill(String command, Map<String, List<String>> values, List<String> positionals) {
        switch (command) {
            case "create" -> {
                CreateCommand c = new CreateCommand();
                c.id = positionals.get(0);
                c.bundle = pathOrNull(values, "--bundle");
                c.pidFile = pathOrNull(values, "--pid-file");
                c.consoleSocket = one(values, "--console-socket");
                c.preserveFds = number(values, "--preserve-fds");
                c.noPivot = values.containsKey("--no-pivot");
                c.noNewKeyring = values.containsKey("--no-new-keyring");
                return c;
            }
            case "run" -> {
                RunCommand c = new RunCommand();
                c.target = positionals.isEmpty() ? null : positionals.get(0);
                c.bundle = pathOrNull(values, "--bundle");
                c.detach = values.containsKey("--detach");
                c.pidFile = pathOrNull(values, "--pid-file");
                c.consoleSocket = one(values, "--console-socket");
                c.preserveFds = number(values, "--preserve-fds");
                c.noPivot = values.containsKey("--no-pivot");
                c.noNewKeyring = values.containsKey("--no-new-keyring");
                return c;
            }
            case "start" -> {
                StartCommand c = new StartCommand();
                c.id = positionals.get(0);
                return c;
            }
            case "state" -> {
                StateCommand c = new StateCommand();
                c.id = positionals.get(0);
                return c;
            }
            case "kill" -> {
                KillCommand c = new KillCommand();
                c.id = positionals.get(0);
                c.signal = positionals.size() > 1 ? positionals.get(1) : "TERM";
                c.all = values.containsKey("--all");
                return c;
            }
            case "delete" -> {
                DeleteCommand c = new DeleteCommand();
                c.id = positionals.get(0);
                c.force = values.containsKey("--force");
                return c;
            }
            case "exec" -> {
                ExecCommand c = new ExecCommand();
                c.id = positionals.get(0);
                c.args.addAll(positionals.subList(1, positionals.size()));
                c.processFile = pathOrNull(values, "--process");
                c.detach = values.containsKey("--detach");
                c.tty = values.containsKey("--tty");
                c.consoleSocket = one(values, "--console-socket");
                c.pidFile = pathOrNull(values, "--pid-file");
                c.cwd = one(values, "--cwd");
                c.env.addAll(values.getOrDefault("--env", List.of()));
                c.user = one(values, "--user");
                for (String gid : values.getOrDefault("--additional-gids", List.of())) {
                    if (!plainNumber(gid, 18)) {
                        return null;
                    }
                    c.additionalGids.add(Long.parseLong(gid));
                }
                c.caps.addAll(values.getOrDefault("--cap", List.of()));
                c.noNewPrivs = values.containsKey("--no-new-privs");
                c.apparmor = one(values, "--apparmor");
                c.processLabel = one(values, "--process-label");
                c.preserveFds = number(values, "--preserve-fds");
                return c;
            }
            default -> {
                return null;
            }
        }
    }

    private static String one(Map<String, List<String>> values, String option) {
        List<String> v = values.get(option);
        return v == null ? null : v.get(0);
    }

    private static Path pathOrNull(Map<String, List<String>> values, String option) {
        String v = one(values, option);
        return v == null ? null : Path.of(v);
    }

    /** An int option's value; anything but plain decimal digits is picocli's to convert or refuse. */
    private static int number(Map<String, List<String>> values, String option) {
        String v = one(values, option);
        if (v == null) {
            return 0;
        }
        if (!plainNumber(v, 9)) {
            throw new IllegalArgumentException(option);
        }
        return Integer.parseInt(v);
    }

    /** Decimal digits without a leading zero (picocli may read those as octal), at most max of them. */
    private static boolean plainNumber(String v, int max) {
        if (v.isEmpty() || v.length() > max || (v.length() > 1 && v.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs a parsed command as picocli's execution strategy and handlers in {@link Main} do:
     * the global options' refusal first, a thrown exception as one line (a stack trace with --debug).
     */
    static int run(Callable<Integer> command, java.io.PrintWriter err) {
        String refused = Main.refusal();
        if (refused != null) {
            err.println("jspec: " + refused);
            return ExitCodes.FAILURE;
        }
        try {
            Integer status = command.call();
            return status == null ? ExitCodes.OK : status;
        } catch (Exception ex) {
            if (Main.debug()) {
                ex.printStackTrace(err);
            } else {
                err.println("jspec: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            }
            return ExitCodes.FAILURE;
        }
    }
}
