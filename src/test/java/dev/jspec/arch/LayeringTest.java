package dev.jspec.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages form layers that point one way: a package may use only the packages below it.
 * The scan reads the main sources' imports and fully qualified names, so a new dependency
 * upward (an executor reaching into the CLI, the planner into the executors) fails here with
 * the file that made it, and a new package fails until it is given its place. String
 * literals are not uses: the executors start the init's JVM by its class name.
 */
class LayeringTest {

    /** Top first. Each package may depend only on packages later in this list. */
    static final List<String> LAYERS = List.of(
            "cli",        // commands, flags, output
            "lifecycle",  // container state on disk, ids, the init's identity
            "init",       // the init's main: reads its plan, runs it
            "exec",       // executors of the plan: parent, init, hooks, the protocol between them
            "seccomp",    // loading a seccomp step through libseccomp
            "plan",       // the planner: a pure function from spec and host facts to steps
            "cgroup",     // cgroup files, layouts, stats, device filters
            "spec",       // reading, validating and binding a bundle's config
            "sys",        // the system-call seam: Syscalls, its JNA implementation, errno
            "util");      // JSON, exit codes

    private static final Path MAIN = Path.of("src/main/java/dev/jspec");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.jspec\\.([a-z]+)\\.");

    @Test
    void everyPackageHasALayer() throws IOException {
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(MAIN)) {
            dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(LAYERS), packages, "packages under src/main/java/dev/jspec and LayeringTest.LAYERS differ");
    }

    @Test
    void dependenciesPointDown() throws IOException {
        List<String> upward = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String own = MAIN.relativize(f).getName(0).toString();
                int ownRank = LAYERS.indexOf(own);
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(code(line));
                    while (m.find()) {
                        String used = m.group(1);
                        if (!used.equals(own) && LAYERS.indexOf(used) <= ownRank) {
                            upward.add(MAIN.relativize(f) + ":" + (i + 1) + ": " + own + " uses " + used + ": " + line.strip());
                        }
                    }
                }
            }
        }
        assertTrue(upward.isEmpty(), "dependencies that point up (" + LAYERS + "):\n" + String.join("\n", upward));
    }

    /**
     * The part of a line that can depend on a class: a class named in a string is a process to
     * start, and a comment may name what it likes, except in a javadoc link, which must resolve.
     */
    static String code(String line) {
        String s = line.strip();
        if (s.startsWith("*") || s.startsWith("/*") || s.startsWith("//")) {
            StringBuilder links = new StringBuilder();
            Matcher link = Pattern.compile("(\\{@link(?:plain)? [^}]*}|@see \\S+)").matcher(s);
            while (link.find()) {
                links.append(link.group(1)).append(' ');
            }
            return links.toString();
        }
        return line.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }

    @Test
    void whatCountsAsAUse() {
        assertEquals("\"\"", code("\"dev.jspec.init.InitMain\""));
        assertEquals("", code(" * see {@code dev.jspec.init.InitMain}"));
        assertTrue(code(" * see {@link dev.jspec.init.InitMain}").contains("dev.jspec.init."));
        assertTrue(code("import dev.jspec.cli.Main;").contains("dev.jspec.cli."));
    }

    @Test
    void theScanSeesAnUpwardImport() {
        Matcher m = REFERENCE.matcher("import dev.jspec.cli.Main;");
        assertTrue(m.find());
        assertEquals("cli", m.group(1));
        assertTrue(LAYERS.indexOf("cli") < LAYERS.indexOf("exec"), "cli sits above exec");
    }
}
