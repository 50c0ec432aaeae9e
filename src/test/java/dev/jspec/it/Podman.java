package dev.jspec.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A podman whose every file lives under one test directory: storage (vfs), run root,
 * locks, events, logs and its containers.conf, so the host's podman state is untouched.
 * Its containers run with the runtime under test, in the cgroup tree {@code /CGROUP_PARENT}.
 */
final class Podman implements AutoCloseable {

    /** The test image: a busybox root filesystem imported from a tar, no registry. */
    static final String IMAGE = "localhost/jspec-busybox:it";

    final Path home;
    final String cgroupParent;
    private final Map<String, String> env;
    private final List<String> global;

    private Podman(Path home, String cgroupParent) throws IOException {
        this.home = home;
        this.cgroupParent = cgroupParent;
        Files.createDirectories(home.resolve("tmp"));
        // File locks instead of the host-wide /dev/shm/libpod_lock; events and logs in files here.
        Files.writeString(home.resolve("containers.conf"), """
                [containers]
                log_driver = "k8s-file"
                [engine]
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                events_logfile_path = "%1$s/events.log"
                lock_type = "file"
                tmp_dir = "%1$s/tmp"
                static_dir = "%1$s/root/libpod"
                volume_path = "%1$s/root/volumes"
                """.formatted(home));
        Files.writeString(home.resolve("storage.conf"), """
                [storage]
                driver = "vfs"
                graphroot = "%1$s/root"
                runroot = "%1$s/runroot"
                """.formatted(home));
        env = Map.of("CONTAINERS_CONF", home.resolve("containers.conf").toString(),
                "CONTAINERS_STORAGE_CONF", home.resolve("storage.conf").toString(),
                "CONTAINERS_REGISTRIES_CONF", home.resolve("registries.conf").toString());
        Files.writeString(home.resolve("registries.conf"), "unqualified-search-registries = []\n");
        // crun, podman's default here, refuses this host's hybrid cgroup layout; the runtime
        // under test is named on every command (conmon's exit command repeats it).
        global = List.of("podman", "--root", home.resolve("root").toString(), "--runroot", home.resolve("runroot").toString(),
                "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--tmpdir", home.resolve("tmp").toString(),
                "--runtime", Engines.runtime().toString());
    }

    /** A podman under HOME with the busybox image imported. */
    static Podman withBusybox(Path home, String cgroupParent) throws IOException {
        Podman p = new Podman(home, cgroupParent);
        Path rootfs = home.resolve("rootfs");
        Engines.Result r = Engines.run(List.of(Jspec.PROJECT.resolve("bundles/mkrootfs.sh").toString(), rootfs.toString()), Map.of());
        if (r.exit() != 0) {
            throw new IllegalStateException("mkrootfs.sh: " + r);
        }
        Path tar = home.resolve("rootfs.tar");
        r = Engines.run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."), Map.of());
        if (r.exit() != 0) {
            throw new IllegalStateException("tar: " + r);
        }
        r = p.podman("import", "-q", "--change", "ENV=PATH=/usr/sbin:/usr/bin:/sbin:/bin", tar.toString(), IMAGE);
        if (r.exit() != 0) {
            throw new IllegalStateException("podman import: " + r);
        }
        return p;
    }

    /** The full command line of a podman command (for a caller that runs it its own way, on a pty). */
    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(global);
        cmd.addAll(List.of(args));
        return cmd;
    }

    Map<String, String> env() {
        return env;
    }

    Engines.Result podman(String... args) {
        return Engines.run(command(args), env);
    }

    /**
     * {@code podman run} with the flags every run here needs, then the caller's ARGS (options,
     * the image, the command): no network, fixed rlimits, the class's cgroup tree.
     */
    Engines.Result run(String... args) {
        return podman(runCommand(args).toArray(String[]::new));
    }

    List<String> runCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--network", "none", "--ulimit", "nofile=1024:1024",
                "--ulimit", "nproc=1024:1024", "--cgroup-parent", "/" + cgroupParent));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Every container podman knows, running or not (full IDs). */
    List<String> containers() {
        Engines.Result r = podman("ps", "-a", "-q", "--no-trunc");
        if (r.exit() != 0) {
            throw new IllegalStateException("podman ps: " + r);
        }
        return r.out().lines().filter(l -> !l.isBlank()).toList();
    }

    /** The cgroup podman gave a container (as the runtime sees it: the config's cgroupsPath). */
    String cgroupOf(String id) {
        return "/" + cgroupParent + "/libpod-" + id;
    }

    /**
     * What a test left on the host, waiting a little for asynchronous clean-up (conmon's
     * exit command): containers, their cgroups, the runtime's state, conmon processes.
     */
    List<String> leftovers(TreeSet<String> stateBefore) {
        List<String> out = new ArrayList<>();
        Engines.eventually(Duration.ofSeconds(10), () -> {
            out.clear();
            containers().forEach(c -> out.add("container " + c));
            // podman keeps conmon's own cgroup, shared by all containers, until the class ends.
            Engines.cgroupsBelow(cgroupParent).stream().filter(c -> !c.endsWith("/conmon"))
                    .forEach(c -> out.add("cgroup " + c));
            TreeSet<String> state = Engines.listing(Engines.defaultStateRoot());
            state.removeAll(stateBefore);
            state.forEach(s -> out.add("runtime state " + Engines.defaultStateRoot().resolve(s)));
            Engines.processesMentioning(home).forEach(p -> out.add("process " + p));
            return out.isEmpty();
        });
        return out;
    }

    /** Removes every container, forcibly. */
    void removeAll() {
        podman("rm", "-a", "-f", "-t", "0");
    }

    @Override
    public void close() {
        try {
            removeAll();
            podman("rmi", "-a", "-f");
        } finally {
            Engines.killProcessesMentioning(home);
            Engines.removeCgroupTree(cgroupParent);
            Engines.unmountUnder(home);
        }
    }
}
