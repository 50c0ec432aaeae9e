package dev.jspec.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/** Runs the real jspec command line in a child JVM, as a user would, and collects what it printed. */
final class Jspec {

    /** Integration tests keep their state apart from any real containers on the machine. */
    static final Path STATE_ROOT = Path.of("/run/jspec-it");

    static final Path PROJECT = Path.of(System.getProperty("jspec.projectDir", ".")).toAbsolutePath();

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Jspec() {}

    static {
        // The state roots this suite's starts make (its own; jspec's default, which podman's
        // runs use) are left as runc leaves its own: empty. The ones this suite made go when
        // its JVM ends, if empty; an entry left in one keeps it, for the leftover checks to see.
        List<Path> made = java.util.stream.Stream.of(STATE_ROOT, Path.of(dev.jspec.lifecycle.StateStore.DEFAULT_ROOT))
                .filter(p -> !Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> made.forEach(root -> {
            try {
                Files.deleteIfExists(root);
            } catch (IOException stays) {
                // Not empty: something was left in it, and it stays for a person to see.
            }
        })));
    }

    /** Every word and bundle directory name the tests passed to jspec: among them, every container ID they used. */
    private static final Set<String> NAMES = ConcurrentHashMap.newKeySet();

    /**
     * The names the tests have given jspec so far in this JVM. A container's ID is one of its
     * arguments, or the name of the bundle directory `run` was given, so every cgroup a test's
     * container made under jspec's default parent is named by one of these.
     */
    static Set<String> names() {
        return Set.copyOf(NAMES);
    }

    /** Set (to anything) where every integration test must run, as in CI: then one that cannot fails instead of skipping. */
    static final String REQUIRE_ALL = "JSPEC_IT_REQUIRE_ALL";

    /**
     * The condition of every integration test class ({@code @EnabledIf("dev.jspec.it.Jspec#canRun")}).
     * A class it turns off is counted, and the run ends with a banner on stderr saying how many
     * integration tests did not run and why: a green build without root is not a tested one.
     */
    static boolean canRun(ExtensionContext context) {
        return canRun(context, whyNot());
    }

    /** As {@link #canRun(ExtensionContext)}, for a class with a reason of its own not to run (a missing tool), or null. */
    static boolean canRun(ExtensionContext context, String why) {
        if (why == null) {
            return true;
        }
        if (System.getenv(REQUIRE_ALL) != null) {
            throw new IllegalStateException(REQUIRE_ALL + " is set, but the integration tests cannot run: " + why);
        }
        return skip(context, why);
    }

    /**
     * Turns a class off and counts its tests in the closing banner, whatever {@value #REQUIRE_ALL}
     * says: for a reason no installation can fix (the runtime under test lacks a command yet).
     */
    static boolean skip(ExtensionContext context, String why) {
        int tests = AnnotationSupport.findAnnotatedMethods(context.getRequiredTestClass(), Testable.class,
                HierarchyTraversalMode.TOP_DOWN).size();
        context.getRoot().getStore(ExtensionContext.Namespace.create(Jspec.class))
                .getOrComputeIfAbsent(SkipBanner.class.getName() + ": " + why, k -> new SkipBanner(why), SkipBanner.class)
                .add(tests);
        return false;
    }

    /** Why the integration tests cannot run in this JVM, or null when they can. */
    static String whyNot() {
        if (!Boolean.parseBoolean(System.getProperty("jspec.it", "true"))) {
            return "turned off with -Djspec.it=false";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root";
        }
        return null;
    }

    /** Closed with the engine's root store, after the last test class: prints the count of tests that did not run. */
    private static final class SkipBanner implements AutoCloseable {
        private final String why;
        private final AtomicInteger tests = new AtomicInteger();

        SkipBanner(String why) {
            this.why = why;
        }

        void add(int n) {
            tests.addAndGet(n);
        }

        @Override
        public void close() {
            System.err.printf("%n*** %d integration tests SKIPPED: %s ***%n%n", tests.get(), why);
            System.err.flush();
        }
    }

    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:-UsePerfData");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Djava.util.logging.manager=dev.jspec.init.QuietLogManager");
        String jna = System.getProperty("jna.boot.library.path");
        if (jna != null) {
            cmd.add("-Djna.boot.library.path=" + jna);
            cmd.add("-Djna.nosys=true");
        }
        // The packaged jar, exactly as ./jspec runs it: the init needs an open jar, not a
        // classes directory, to load classes after pivot_root.
        cmd.add("-cp");
        cmd.add(System.getProperty("jspec.jar", PROJECT.resolve("target/jspec.jar").toString()));
        cmd.add("dev.jspec.cli.Main");
        for (String a : args) {
            cmd.add(a);
            NAMES.add(a);
            if (a.contains("/") && Path.of(a).getFileName() != null) {
                NAMES.add(Path.of(a).getFileName().toString());
            }
        }
        return cmd;
    }

    /** Runs jspec with the integration tests' state root after the command word. */
    static Result run(String... args) {
        return runWithInput(null, args);
    }

    private static List<String> withStateRoot(String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        if (!full.isEmpty() && List.of("run", "create", "delete", "kill", "state", "list", "start", "events", "exec", "ps", "pause",
                "resume", "update").contains(full.get(0))) {
            full.add(1, "--root");
            full.add(2, STATE_ROOT.toString());
        }
        return full;
    }

    /** Starts jspec and returns at once; stdout is a pipe to read, stderr goes to the test's. */
    static Process start(String... args) throws IOException {
        return new ProcessBuilder(command(withStateRoot(args).toArray(String[]::new)))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    static Result runWithInput(String stdin, String... args) {
        List<String> full = withStateRoot(args);
        try {
            Path out = Files.createTempFile("jspec-it", ".out");
            Path err = Files.createTempFile("jspec-it", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command(full.toArray(String[]::new)))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                if (stdin == null) {
                    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                }
                Process p = pb.start();
                if (stdin != null) {
                    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                    p.getOutputStream().close();
                }
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                    throw new AssertionError("jspec " + full + " did not finish in 60 s");
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
}
