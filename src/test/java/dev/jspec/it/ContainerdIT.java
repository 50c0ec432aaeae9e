package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

/**
 * containerd 1.6 and its runc shim driving the runtime under test
 * ({@code -Djspec.engine.runtime=PATH}, default this checkout's {@code ./jspec}) through
 * {@code ctr run --runc-binary}: the shim's {@code --root R --log L --log-format json}
 * calls. The test starts its own containerd (root, state, socket and config under the
 * test's directory) and stops it at the end; the image is a busybox tar that podman imports
 * and saves as an OCI archive, no registry.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.ContainerdIT#canRun")
@ExtendWith(NoLeftovers.class)
class ContainerdIT {

    private static final String NAMESPACE = "jspec-it";
    private static final String CGROUP_TREE = "jspec-engines-it-containerd";

    /** Counts in /tmp/n ten times a second beside a child that sleeps, and exits 42 on SIGTERM. */
    private static final String COUNTER =
            "sleep 1000 & trap 'exit 42' TERM; i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.1; done";

    @TempDir
    static Path work;

    private static Process containerd;
    private static Path socket;
    private static Path fifos;
    private static Path runcRoot;

    /** The runc shim's socket directory, fixed in containerd 1.6; removed at the end if this test made it. */
    private static final Path SHIM_SOCKETS = Path.of("/run/containerd/s");
    private static boolean shimSocketsExisted;

    static boolean canRun(ExtensionContext context) {
        return Engines.canRun(context, "containerd", "ctr", "containerd-shim-runc-v2", "podman");
    }

    @BeforeAll
    static void startContainerdWithTheImage() throws Exception {
        shimSocketsExisted = Files.exists(SHIM_SOCKETS);
        Path home = work.resolve("containerd");
        Files.createDirectories(home);
        socket = home.resolve("containerd.sock");
        fifos = Files.createDirectories(home.resolve("fifo"));
        runcRoot = home.resolve("runc");
        Path archive = work.resolve("busybox-oci.tar");
        try (Podman podman = Podman.withBusybox(work.resolve("podman"), "jspec-engines-it-containerd-podman")) {
            Engines.Result r = podman.podman("save", "--format", "oci-archive", "-o", archive.toString(), Podman.IMAGE);
            assertEquals(0, r.exit(), r.toString());
        }
        Path config = home.resolve("config.toml");
        // Only what ctr needs: no CRI, no metrics or debug sockets, no other snapshotters.
        Files.writeString(config, """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs",
                  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
                  "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp",
                  "io.containerd.internal.v1.tracing"]
                [grpc]
                  address = "%2$s"
                [ttrpc]
                  address = "%2$s.ttrpc"
                [debug]
                  address = ""
                [metrics]
                  address = ""
                """.formatted(home, socket));
        containerd = new ProcessBuilder("containerd", "--config", config.toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("containerd.log").toFile())
                .start();
        if (!Engines.eventually(Duration.ofSeconds(30), () -> Files.exists(socket) && ctr("version").exit() == 0)) {
            fail("containerd did not come up:\n" + Files.readString(home.resolve("containerd.log")));
        }
        Engines.Result r = ctr("image", "import", archive.toString());
        assertEquals(0, r.exit(), r.toString());
        r = ctr("image", "ls", "-q");
        assertTrue(r.out().contains(Podman.IMAGE), r.toString());
    }

    @AfterAll
    static void stopContainerd() throws Exception {
        try {
            if (containerd != null && containerd.isAlive()) {
                for (String task : ctr("task", "ls", "-q").out().lines().toList()) {
                    ctr("task", "kill", "-s", "KILL", task);
                    ctr("task", "rm", "-f", task);
                }
                for (String c : ctr("container", "ls", "-q").out().lines().toList()) {
                    ctr("container", "rm", c);
                }
                for (String i : ctr("image", "ls", "-q").out().lines().toList()) {
                    ctr("image", "rm", i);
                }
            }
        } finally {
            if (containerd != null) {
                containerd.destroy();
                if (!containerd.waitFor(15, TimeUnit.SECONDS)) {
                    Engines.kill(containerd);
                }
            }
            Engines.killProcessesMentioning(work);
            Engines.removeCgroupTree(CGROUP_TREE);
            Engines.unmountUnder(work);
            if (!shimSocketsExisted) {
                try {
                    Files.deleteIfExists(SHIM_SOCKETS);
                    Files.deleteIfExists(SHIM_SOCKETS.getParent());
                } catch (java.nio.file.DirectoryNotEmptyException e) {
                    // Another containerd uses it now.
                }
            }
        }
    }

    @AfterEach
    void nothingLeft() {
        List<String> left = new ArrayList<>();
        Engines.eventually(Duration.ofSeconds(10), () -> {
            left.clear();
            ctr("task", "ls", "-q").out().lines().filter(l -> !l.isBlank()).forEach(t -> left.add("task " + t));
            ctr("container", "ls", "-q").out().lines().filter(l -> !l.isBlank()).forEach(c -> left.add("container " + c));
            Engines.cgroupsBelow(CGROUP_TREE).forEach(c -> left.add("cgroup " + c));
            Engines.listing(runcRoot.resolve(NAMESPACE)).forEach(s -> left.add("runtime state " + s));
            Engines.listing(fifos).forEach(f -> left.add("fifo " + f));
            Engines.processesMentioning(work, containerd.pid()).forEach(p -> left.add("process " + p));
            return left.isEmpty();
        });
        if (!left.isEmpty()) {
            fail("containerd or the runtime left behind:\n  " + String.join("\n  ", left));
        }
    }

    @Test
    void runEndsWithTheProgramsExitStatus() {
        Engines.Result r = ctr(runCommand("--rm", "--env", "FOO=bar", "once", "sh", "-c", "echo \"hello $FOO\"; exit 3"));
        assertEquals(3, r.exit(), r.toString());
        assertEquals("hello bar\n", r.out(), r.toString());
        r = ctr(runCommand("--rm", "once", "true"));
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void detachedTaskExecPsPauseResumeKillRm() throws Exception {
        Engines.Result r = ctr(runCommand("-d", "life", "sh", "-c", COUNTER));
        assertEquals(0, r.exit(), r.toString());
        try {
            String[] task = taskLine("life");
            assertEquals("RUNNING", task[2]);
            long pid = Long.parseLong(task[1]);
            Path counter = Path.of("/proc/" + pid + "/root/tmp/n");
            assertTrue(Engines.eventually(Duration.ofSeconds(10), () -> Files.exists(counter)), "the counter never started");

            r = ctr("task", "exec", "--exec-id", "e1", "--fifo-dir", fifos.toString(), "life",
                    "sh", "-c", "echo \"exec pid=$$ $(cat /proc/1/cmdline | tr '\\0' ' ')\"; exit 4");
            assertEquals(4, r.exit(), r.toString());
            assertTrue(r.out().startsWith("exec pid=") && !r.out().startsWith("exec pid=1 ")
                    && r.out().contains("sh -c sleep 1000"), "exec did not run beside the container's init: " + r);

            // ps: the runtime's view of the container's processes (host pids): the init and its sleep.
            r = ctr("task", "ps", "life");
            assertEquals(0, r.exit(), r.toString());
            List<Long> pids = r.out().lines().skip(1).map(l -> Long.parseLong(l.strip().split("\\s+")[0])).toList();
            assertTrue(pids.contains(pid), r.toString());
            assertTrue(pids.stream().anyMatch(p -> p != pid && cmdline(p).startsWith("sleep 1000")), r.toString());

            r = ctr("task", "pause", "life");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("PAUSED", taskLine("life")[2]);
            assertTrue(Engines.frozen("/" + CGROUP_TREE + "/life"), "the freezer does not hold the container");
            String n = Files.readString(counter);
            Thread.sleep(500);
            assertEquals(n, Files.readString(counter), "a paused container counted on");

            r = ctr("task", "resume", "life");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("RUNNING", taskLine("life")[2]);
            assertTrue(Engines.eventually(Duration.ofSeconds(5), () -> !read(counter).equals(n)), "a resumed container counts again");

            // kill sends SIGTERM: the container's trap exits 42, which task rm reports.
            r = ctr("task", "kill", "life");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(Engines.eventually(Duration.ofSeconds(10), () -> taskLine("life")[2].equals("STOPPED")), "TERM did not stop it");
            r = ctr("task", "rm", "life");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.err().contains("exit code 42"), r.toString());
            r = ctr("container", "rm", "life");
            assertEquals(0, r.exit(), r.toString());
        } finally {
            ctr("task", "rm", "-f", "life");
            ctr("container", "rm", "life");
        }
    }

    @Test
    void killWithSigkillEndsATaskThatIgnoresTerm() {
        // The init ignores TERM (pid 1 without a handler); KILL through the runtime ends it.
        Engines.Result r = ctr(runCommand("-d", "stubborn", "sleep", "1000"));
        assertEquals(0, r.exit(), r.toString());
        try {
            r = ctr("task", "kill", "-s", "KILL", "stubborn");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(Engines.eventually(Duration.ofSeconds(10), () -> taskLine("stubborn")[2].equals("STOPPED")), "KILL did not stop it");
            r = ctr("task", "rm", "stubborn");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.err().contains("exit code 137"), r.toString());
        } finally {
            ctr("task", "rm", "-f", "stubborn");
            ctr("container", "rm", "stubborn");
        }
    }

    /** {@code ctr run} with the runtime under test, the test's runc root, FIFO dir and cgroup tree; then ID, command. */
    private static String[] runCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--runc-binary", Engines.runtime().toString(),
                "--runc-root", runcRoot.toString(), "--fifo-dir", fifos.toString()));
        int id = 0;
        while (args[id].startsWith("-")) {
            cmd.add(args[id]);
            if (args[id].equals("--env")) {
                cmd.add(args[++id]);
            }
            id++;
        }
        cmd.addAll(List.of("--cgroup", "/" + CGROUP_TREE + "/" + args[id], Podman.IMAGE));
        cmd.addAll(List.of(args).subList(id, args.length));
        return cmd.toArray(String[]::new);
    }

    private static Engines.Result ctr(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", socket.toString(), "--namespace", NAMESPACE));
        cmd.addAll(List.of(args));
        return Engines.run(cmd, Map.of());
    }

    /** The task's line of {@code ctr task ls}: name, pid, status. */
    private static String[] taskLine(String id) {
        Engines.Result r = ctr("task", "ls");
        return r.out().lines().map(l -> l.strip().split("\\s+")).filter(f -> f[0].equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no task " + id + " in " + r));
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
