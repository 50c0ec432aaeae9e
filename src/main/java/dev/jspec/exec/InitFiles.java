package dev.jspec.exec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

/**
 * The host's files the init maps or holds open, which the parent makes read-only in the
 * init's mount namespace before spawning it (see {@code Step.ReadonlyBind}): the JDK its
 * java belongs to, its class path with the jars their manifests name, JNA's native library,
 * its AOT cache, and the system libraries java loads from outside the JDK (libc, libm, the
 * dynamic loader, ...).
 *
 * <p>The JDK is bound as a directory; everything else file by file, so that no directory
 * that may hold a bundle (the project's target/, /tmp, /usr/lib) becomes read-only. A bind
 * of a single library only touches that file: a container's bind mount of /usr/lib still
 * is what its config says, except for those very files when it is recursive.
 *
 * <p>{@link #of} reads the host; the rest are functions of their arguments. This runs at
 * every start, in a JVM whose code is mostly cold: loops rather than streams, lambdas or
 * regular expressions, whose first use costs a millisecond or more each.
 */
public final class InitFiles {

    private InitFiles() {}

    /** The files for an init started with {@code initArgv}, real paths, a directory before anything in it. */
    public static List<String> of(List<String> initArgv) {
        List<Path> candidates = new ArrayList<>();
        Path javaHome = jdkHome(initArgv.get(0));
        if (javaHome != null) {
            candidates.add(javaHome);
        }
        for (String entry : classPath(initArgv)) {
            Path p = Path.of(entry);
            candidates.add(p);
            candidates.addAll(manifestClassPath(p));
        }
        String jnaDir = option(initArgv, "-Djna.boot.library.path=");
        if (jnaDir != null) {
            candidates.add(Path.of(jnaDir, System.mapLibraryName("jnidispatch")));
        }
        String aot = option(initArgv, "-XX:AOTCache=");
        if (aot != null) {
            candidates.add(Path.of(aot));
        }
        // The init runs the same java as this JVM: the same libraries from outside the JDK.
        try {
            sharedLibraries(Files.readString(Path.of("/proc/self/maps"))).forEach(l -> candidates.add(Path.of(l)));
        } catch (IOException e) {
            // No /proc: the JDK and the jars are still protected.
        }
        List<String> real = new ArrayList<>();
        for (Path p : candidates) {
            try {
                real.add(p.toRealPath().toString());
            } catch (IOException e) {
                // Absent: the init will not open it either.
            }
        }
        return withoutNested(real);
    }

    /** The JDK home of a java launcher: the directory above its bin/, symlinks resolved; null if it cannot be found. */
    static Path jdkHome(String javaBin) {
        try {
            Path bin = Path.of(javaBin).toRealPath().getParent();
            return bin == null || bin.getParent() == null ? null : bin.getParent();
        } catch (IOException e) {
            return null;
        }
    }

    /** The value of the first argument starting with {@code prefix}, or null. */
    static String option(List<String> argv, String prefix) {
        for (String a : argv) {
            if (a.startsWith(prefix)) {
                return a.substring(prefix.length());
            }
        }
        return null;
    }

    /** The entries of the {@code -cp} (or {@code -classpath}, {@code --class-path}) argument. */
    static List<String> classPath(List<String> argv) {
        for (int i = 0; i + 1 < argv.size(); i++) {
            if (List.of("-cp", "-classpath", "--class-path").contains(argv.get(i))) {
                List<String> entries = new ArrayList<>();
                for (String entry : argv.get(i + 1).split(File.pathSeparator)) {
                    if (!entry.isEmpty()) {
                        entries.add(entry);
                    }
                }
                return entries;
            }
        }
        return List.of();
    }

    /** The jars a jar's manifest adds to the class path (the JVM opens them too), resolved against its directory. */
    static List<Path> manifestClassPath(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return List.of();
        }
        return resolveClassPath(classPathAttribute(jar), jar.toAbsolutePath().getParent());
    }

    /**
     * The manifest's Class-Path value, or null. Read from the start of the file, where a jar
     * keeps its manifest, without the jar's index: opening a JarFile reads and hashes every
     * entry's name first, some milliseconds of a cold JVM per jar, before the init can be
     * spawned. A jar whose manifest is not at its start is opened as a JarFile after all.
     */
    static String classPathAttribute(Path jar) {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar), false)) {
            Manifest m = in.getManifest();
            if (m != null) {
                return m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            }
        } catch (IOException e) {
            // Not readable as a stream: the JarFile below says so, or finds it.
        }
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            return m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        } catch (IOException e) {
            return null;
        }
    }

    /** A manifest's Class-Path value (space-separated relative URLs) as paths under {@code dir}. */
    static List<Path> resolveClassPath(String value, Path dir) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        for (String url : value.trim().split(" ")) {
            if (!url.isEmpty() && !url.contains(":")) {
                out.add(dir.resolve(url).normalize());
            }
        }
        return out;
    }

    /**
     * The shared libraries in a /proc/PID/maps text: the path column of the mappings whose
     * file name is NAME.so or NAME.so.VERSION. Read at every start: no regular expressions.
     */
    static List<String> sharedLibraries(String maps) {
        Set<String> out = new LinkedHashSet<>();
        for (int line = 0, end; line < maps.length(); line = end + 1) {
            end = maps.indexOf('\n', line);
            if (end < 0) {
                end = maps.length();
            }
            // address perms offset dev inode path: the path is the first '/' on, spaces and all.
            // Looked for in this line only: most lines are anonymous mappings without one.
            int slash = maps.indexOf('/', line, end);
            if (slash < 0) {
                continue;
            }
            String path = maps.substring(slash, end).strip();
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (!path.endsWith(" (deleted)") && (name.endsWith(".so") || name.contains(".so."))) {
                out.add(path);
            }
        }
        return List.copyOf(out);
    }

    /** The paths in order without repeats and without those inside an earlier one. */
    static List<String> withoutNested(List<String> paths) {
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            boolean covered = false;
            for (String q : out) {
                covered |= p.equals(q) || (p.startsWith(q) && (q.endsWith("/") || p.charAt(q.length()) == '/'));
            }
            if (!covered) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }
}
