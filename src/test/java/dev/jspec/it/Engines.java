package dev.jspec.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the engine tests (PodmanIT, ContainerdIT) share: the runtime under test, client
 * commands that cannot hang the suite, and the sweeps that leave the host as it was.
 *
 * <p>The runtime is {@code -Djspec.engine.runtime=PATH} (or {@code JSPEC_ENGINE_RUNTIME}),
 * by default this checkout's {@code ./jspec} launcher; {@code /usr/sbin/runc} proves the
 * tests themselves.
 */
final class Engines {

    static final String RUNTIME_PROPERTY = "jspec.engine.runtime";

    /** Every client command gets this long; one that takes longer is killed with its children. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Engines() {}

    static Path runtime() {
        String r = System.getProperty(RUNTIME_PROPERTY);
        if (r == null || r.isBlank()) {
            r = System.getenv("JSPEC_ENGINE_RUNTIME");
        }
        return r == null || r.isBlank() ? Jspec.PROJECT.resolve("jspec") : Path.of(r).toAbsolutePath();
    }

    /**
     * Where the runtime keeps its containers' state when its caller gives no {@code --root}, as
     * podman does not: runc's {@code /run/runc}, jspec's {@code /run/jspec}.
     */
    static Path defaultStateRoot() {
        return Path.of(runtime().getFileName().toString().contains("runc") ? "/run/runc" : "/run/jspec");
    }

    /**
     * The class condition: root and every tool installed, else a loud skip (a failure with
     * JSPEC_IT_REQUIRE_ALL); then a runtime that has no {@code create} command yet is a skip
     * in the banner, not a failure: jspec gains create/start/exec in its own time.
     */
    static boolean canRun(ExtensionContext context, String... tools) {
        String why = Jspec.whyNot();
        for (String tool : tools) {
            if (why == null && which(tool) == null) {
                why = tool + " is not installed (apt-get install podman conmon containerd runc)";
            }
        }
        Path runtime = runtime();
        if (why == null && !Files.isExecutable(runtime)) {
            why = "the runtime under test " + runtime + " is not executable (-D" + RUNTIME_PROPERTY + "=PATH)";
        }
        if (!Jspec.canRun(context, why)) {
            return false;
        }
        Result help = run(List.of(runtime.toString(), "create", "--help"), Map.of(), Duration.ofMinutes(2));
        if (help.exit() != 0 || !CREATE_HELP.matcher(help.out()).find()) {
            return Jspec.skip(context, runtime + " has no create command");
        }
        return true;
    }

    /**
     * The help of a create command, runc's ("runc create - create a container") or picocli's
     * ("Usage: jspec create ..."); a runtime without one may still print its general help and
     * exit 0 (picocli does, for {@code --help} after an unknown word).
     */
    private static final java.util.regex.Pattern CREATE_HELP =
            java.util.regex.Pattern.compile("(?m)^(Usage:\\s+\\S+\\s+create\\b|\\s*\\S+\\s+create\\s+-\\s)");

    static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result run(List<String> command, Map<String, String> env) {
        return run(command, env, TIMEOUT);
    }

    /**
     * Runs a client command with stdin from /dev/null and its output in files (no pipe to
     * fill up). When it outlives the timeout, it and every process it started are killed and
     * the test fails, saying what it had printed.
     */
    static Result run(List<String> command, Map<String, String> env, Duration timeout) {
        try {
            Path out = Files.createTempFile("jspec-engine", ".out");
            Path err = Files.createTempFile("jspec-engine", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill(p);
                    throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout.toSeconds() + " s\n"
                            + new Result(-1, Files.readString(out), Files.readString(err)));
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills a process and its descendants, children first, and reaps it. */
    static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** Polls until the condition holds or the time is up; says whether it held. */
    static boolean eventually(Duration within, BooleanSupplier condition) {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > end) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Processes (other than this JVM and the listed ones) whose command line names the path: the engine's helpers. */
    static List<String> processesMentioning(Path path, long... except) {
        List<String> out = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().forEach(p -> {
            if (p.pid() == self || java.util.Arrays.stream(except).anyMatch(e -> e == p.pid())) {
                return;
            }
            try {
                String cmd = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
                if (cmd.contains(path.toString())) {
                    out.add(p.pid() + " " + cmd.strip());
                }
            } catch (IOException e) {
                // Exited meanwhile.
            }
        });
        return out;
    }

    static void killProcessesMentioning(Path path) {
        for (String p : processesMentioning(path)) {
            ProcessHandle.of(Long.parseLong(p.substring(0, p.indexOf(' ')))).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** The cgroup hierarchies' mount points: each v1 controller's and the unified one. */
    static List<Path> hierarchies() {
        try (Stream<Path> s = Files.list(Path.of("/sys/fs/cgroup"))) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            // On a pure v2 host /sys/fs/cgroup is the hierarchy itself.
            return Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? List.of(Path.of("/sys/fs/cgroup")) : dirs;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every cgroup directory below the tree {@code /NAME} (not NAME itself), in every hierarchy. */
    static TreeSet<String> cgroupsBelow(String name) {
        TreeSet<String> out = new TreeSet<>();
        for (Path h : hierarchies()) {
            Path top = h.resolve(name);
            if (Files.isDirectory(top)) {
                try (Stream<Path> s = Files.walk(top)) {
                    s.filter(d -> !d.equals(top) && Files.isDirectory(d)).forEach(d -> out.add(d.toString()));
                } catch (IOException | java.io.UncheckedIOException e) {
                    // A directory went away while we walked: the caller polls again.
                }
            }
        }
        return out;
    }

    /** Kills every process left in the cgroup tree {@code /NAME} and removes the tree, deepest first. */
    static void removeCgroupTree(String name) {
        for (Path h : hierarchies()) {
            Path top = h.resolve(name);
            if (!Files.isDirectory(top)) {
                continue;
            }
            List<Path> dirs;
            try (Stream<Path> s = Files.walk(top)) {
                dirs = s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            for (Path d : dirs) {
                try {
                    for (String pid : Files.readAllLines(d.resolve("cgroup.procs"))) {
                        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                } catch (IOException | NumberFormatException e) {
                    // Nothing to kill.
                }
            }
            for (Path d : dirs) {
                // rmdir fails while the killed processes are still exiting: retry briefly.
                eventually(Duration.ofSeconds(5), () -> {
                    try {
                        Files.deleteIfExists(d);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
            }
        }
    }

    /** Detaches every mount at or below the directory, deepest first (what a broken run left). */
    static void unmountUnder(Path dir) {
        List<String> points = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String point = line.split(" ")[4];
                if (point.startsWith(dir.toString())) {
                    points.add(point);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        points.sort(Comparator.reverseOrder());
        for (String point : points) {
            run(List.of("umount", "-l", point), Map.of(), Duration.ofSeconds(20));
        }
    }

    /** The names in a directory, or none when it does not exist. */
    static TreeSet<String> listing(Path dir) {
        TreeSet<String> out = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString()).forEach(out::add);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** A container's cgroup directory in the hierarchy of one v1 controller, or the unified one on a v2 host. */
    static Path controllerDir(String controller, String cgroup) {
        Path v2 = Path.of("/sys/fs/cgroup/cgroup.controllers");
        Path base = Files.exists(v2) ? Path.of("/sys/fs/cgroup") : Path.of("/sys/fs/cgroup", controller);
        return base.resolve(cgroup.replaceFirst("^/", ""));
    }

    /** Whether the cgroup's freezer holds it frozen: v1 {@code freezer.state}, or v2 {@code cgroup.events}. */
    static boolean frozen(String cgroup) throws IOException {
        Path dir = controllerDir("freezer", cgroup);
        Path v1 = dir.resolve("freezer.state");
        if (Files.exists(v1)) {
            return Files.readString(v1).strip().equals("FROZEN");
        }
        return Files.readString(dir.resolve("cgroup.events")).contains("frozen 1");
    }

    /** Writes the test's pty input and collects what the other side prints, as TerminalIT does. */
    static String shellOnPty(List<String> command, Map<String, String> env, String typed, String until, Duration timeout,
            int[] exit) throws Exception {
        dev.jspec.sys.Syscalls sys = new dev.jspec.sys.LinuxSyscalls();
        int[] pty = sys.openPty();
        sys.setWindowSize(pty[0], 33, 111);
        String slave = Files.readSymbolicLink(Path.of("/proc/self/fd/" + pty[1])).toString();
        @SuppressWarnings("JdkObsolete") // the reader thread appends while the test reads
        StringBuffer screen = new StringBuffer();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = sys.read(pty[0], buf)) > 0) {
                    screen.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (RuntimeException e) {
                // EIO once every slave is closed.
            }
        });
        reader.setDaemon(true);
        reader.start();
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(slave)))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new java.io.File(slave)))
                .redirectError(ProcessBuilder.Redirect.appendTo(new java.io.File(slave)));
        pb.environment().putAll(env);
        Process p = pb.start();
        sys.close(pty[1]);
        try {
            // The shell's prompt says it reads its terminal; type only then.
            eventually(Duration.ofSeconds(30), () -> screen.indexOf("# ") >= 0);
            sys.writeAll(pty[0], typed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            eventually(timeout, () -> screen.indexOf(until) >= 0);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout.toSeconds() + " s; screen:\n" + screen);
            }
            exit[0] = p.exitValue();
            reader.join(2000);
            return screen.toString();
        } finally {
            if (p.isAlive()) {
                kill(p);
            }
            sys.close(pty[0]);
        }
    }
}
