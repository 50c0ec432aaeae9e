package dev.jspec.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a container run may leave behind on the host, read from the kernel: mounts in the
 * host's mount namespace, cgroup directories under every hierarchy's {@code jspec} tree,
 * state directories, and jspec processes. Two snapshots taken before and after a run must
 * be equal.
 */
record HostSnapshot(TreeSet<String> mounts, TreeSet<String> cgroups, TreeSet<String> state, TreeSet<String> processes) {

    static HostSnapshot take(Path stateRoot) {
        return new HostSnapshot(readMounts(), readCgroups(), listing(stateRoot), readProcesses());
    }

    private static TreeSet<String> readMounts() {
        TreeSet<String> out = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                // mount point, fs type, source: IDs and options change for reasons of their own.
                String mount = f[4] + " " + f[dash + 1] + " " + f[dash + 2];
                // What a jspec run could leave: a mount of a bundle, a rootfs or a scratch dir
                // (mounts of other software on the host are not this suite's to judge).
                if (mount.contains("jspec") || mount.contains("rootfs") || mount.contains(Jspec.PROJECT.toString())
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
    private static TreeSet<String> readCgroups() {
        for (int attempt = 1; ; attempt++) {
            try {
                return walkCgroups();
            } catch (java.io.UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static TreeSet<String> walkCgroups() {
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path jspec = h.resolve("jspec");
                if (Files.isDirectory(jspec)) {
                    try (Stream<Path> dirs = Files.walk(jspec)) {
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

    private static TreeSet<String> listing(Path dir) {
        TreeSet<String> out = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                // '@validated' is jspec's record of configs that passed the schema check, not a container's.
                s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(Engines.VALIDATED)).forEach(out::add);
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

    /** The differences, as lines a person can act on; empty when nothing changed. */
    List<String> diff(HostSnapshot after) {
        List<String> out = new ArrayList<>();
        diff("mount", mounts, after.mounts, out);
        diff("cgroup", cgroups, after.cgroups, out);
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
