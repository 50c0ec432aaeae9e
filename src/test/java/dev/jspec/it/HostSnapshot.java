package dev.jspec.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a container run may leave behind on the host, read from the kernel: mounts in the
 * host's mount namespace, cgroup directories, state directories, and jspec processes. Two
 * snapshots taken before and after a run must be equal in what this suite's tests make, and
 * only in that: other runtimes' (and other jspecs') containers start and stop on the same
 * host meanwhile.
 *
 * <p>Cgroups: every directory under the names the tests give their cgroups, in every
 * hierarchy: jspec's default parent {@code jspec} (whose children are container IDs) and the
 * {@code cgroupsPath} prefixes of {@link #TEST_CGROUP_PREFIXES}. Which of the containers under
 * {@code jspec} are the tests' is decided when comparing, from the names the tests used
 * ({@link Jspec#names()}): a container ID no test used is another jspec's.
 *
 * @param cgroupRoot where the cgroup hierarchies are mounted (a v1 or hybrid host has one
 *     below it per controller, a v2 host is the hierarchy itself)
 */
record HostSnapshot(TreeSet<String> mounts, Path cgroupRoot, TreeSet<String> cgroups, TreeSet<String> state,
        TreeSet<String> processes) {

    static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    /** jspec's shared parent when a config names no cgroupsPath; below it, one directory per container ID. */
    static final String DEFAULT_PARENT = "jspec";

    /** The first level of every cgroupsPath a test configures or cgroup a test makes itself, and of none other. */
    static final List<String> TEST_CGROUP_PREFIXES = List.of("jspec-it", "jspec-devtest-");

    static HostSnapshot take(Path stateRoot) {
        return new HostSnapshot(readMounts(), CGROUP_ROOT, readCgroups(CGROUP_ROOT), listing(stateRoot), readProcesses());
    }

    /** Only the cgroup part, from a cgroup root of the caller's (a temp tree, in HostSnapshotTest). */
    static HostSnapshot cgroupsOnly(Path cgroupRoot) {
        return new HostSnapshot(new TreeSet<>(), cgroupRoot, readCgroups(cgroupRoot), new TreeSet<>(), new TreeSet<>());
    }

    private static TreeSet<String> readMounts() {
        TreeSet<String> out = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                // mount point, fs type, source: IDs and options change for reasons of their own.
                String mount = f[4] + " " + f[dash + 1] + " " + f[dash + 2];
                // What a jspec run could leave: a mount of a bundle or rootfs (made under the
                // project or the temp directory) or of anything named for jspec. Mounts of
                // other software on the host are not this suite's to judge: another runtime's
                // rootfs (containerd's .../<id>/rootfs) comes and goes as it likes.
                if (mount.contains("jspec") || mount.contains(Jspec.PROJECT.toString())
                        || mount.contains(System.getProperty("java.io.tmpdir"))) {
                    out.add(mount);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * Files.walk fails when a directory goes away under it (another jspec on the machine
     * removing the shared parent): such a snapshot is taken again, since what vanished is no leftover.
     */
    private static TreeSet<String> readCgroups(Path root) {
        for (int attempt = 1; ; attempt++) {
            try {
                return walkCgroups(root);
            } catch (java.io.UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static TreeSet<String> walkCgroups(Path root) {
        TreeSet<String> out = new TreeSet<>();
        try {
            for (Path h : hierarchies(root)) {
                List<Path> tops;
                try (Stream<Path> s = Files.list(h)) {
                    tops = s.filter(Files::isDirectory).filter(d -> isTestTree(d.getFileName().toString())).toList();
                }
                for (Path top : tops) {
                    try (Stream<Path> dirs = Files.walk(top)) {
                        dirs.filter(Files::isDirectory).forEach(d -> out.add(d.toString()));
                    }
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The hierarchies under a cgroup root: the root itself on a v2 host, else each mount below it (v1, and a hybrid host's unified). */
    private static List<Path> hierarchies(Path root) throws IOException {
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return List.of(root);
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).toList();
        }
    }

    /** Whether a first-level cgroup name is one under which this suite's tests make cgroups. */
    private static boolean isTestTree(String name) {
        return name.equals(DEFAULT_PARENT) || TEST_CGROUP_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /**
     * The cgroup directories among {@code dirs} that this suite's tests made or could have:
     * under a test prefix, or under the default parent in a directory named as a container a
     * test ran ({@code names}). The default parent itself is not judged: it is shared with
     * every other jspec on the host (and any runtime told to use it), whose containers may
     * come and go in it during a test, so its presence says nothing about the test; that
     * jspec removes a parent it made is the unit tests' to check (CgroupManagerTest).
     */
    TreeSet<String> testCgroups(Set<String> names) {
        TreeSet<String> out = new TreeSet<>();
        for (String dir : cgroups) {
            List<String> rel = hierarchyPath(dir);
            if (rel.isEmpty()) {
                continue;
            }
            if (!rel.get(0).equals(DEFAULT_PARENT)) {
                out.add(dir);
            } else if (rel.size() > 1 && names.contains(rel.get(1))) {
                out.add(dir);
            }
        }
        return out;
    }

    /** The path of a cgroup directory below its hierarchy's root, as names. */
    private List<String> hierarchyPath(String dir) {
        Path rel = cgroupRoot.relativize(Path.of(dir));
        List<String> names = new ArrayList<>();
        rel.forEach(p -> names.add(p.toString()));
        if (!Files.exists(cgroupRoot.resolve("cgroup.controllers")) && !names.isEmpty()) {
            names.remove(0);
        }
        return names;
    }

    private static TreeSet<String> listing(Path dir) {
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

    private static TreeSet<String> readProcesses() {
        TreeSet<String> out = new TreeSet<>();
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().forEach(p -> {
            if (p.pid() == self) {
                return;
            }
            try {
                String cmd = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
                // Only this checkout's jspec: other checkouts and other runtimes on the host come and go.
                if ((cmd.contains("dev.jspec.init.InitMain") || cmd.contains("jspec.jar")) && cmd.contains(Jspec.PROJECT.toString())) {
                    out.add(p.pid() + " " + cmd.strip());
                }
            } catch (IOException e) {
                // Exited meanwhile.
            }
        });
        return out;
    }

    /**
     * The differences in what this suite's tests make, as lines a person can act on; empty
     * when nothing changed. {@code names} are the container names the tests used.
     */
    List<String> diff(HostSnapshot after, Set<String> names) {
        List<String> out = new ArrayList<>();
        diff("mount", mounts, after.mounts, out);
        diff("cgroup", testCgroups(names), after.testCgroups(names), out);
        diff("state", state, after.state, out);
        diff("process", processes, after.processes, out);
        return out;
    }

    private static void diff(String what, TreeSet<String> before, TreeSet<String> after, List<String> out) {
        for (String s : after) {
            if (!before.contains(s)) {
                out.add("left behind: " + what + " " + s);
            }
        }
        for (String s : before) {
            if (!after.contains(s)) {
                out.add("gone: " + what + " " + s);
            }
        }
    }
}
