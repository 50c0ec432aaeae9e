package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A detached container through state, list, kill and delete. */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class LifecycleIT {

    @TempDir
    static Path work;

    @Test
    void aDetachedContainerRunsUntilKilledAndDeleteRemovesEverything() throws Exception {
        Path bundle = TestBundles.write(work, "detached", TestBundles.config("detached",
                "args: [sh, -c, 'trap \"exit 0\" TERM; while true; do sleep 0.05; done']\ncwd: /\nenv: [PATH=/bin]", "", ""));
        Path pidFile = work.resolve("detached.pid");
        Jspec.Result run = Jspec.run("run", "--detach", "--pid-file", pidFile.toString(), "--bundle", bundle.toString(), "detached");
        assertEquals(0, run.exit(), run.toString());
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            Jspec.Result state = Jspec.run("state", "detached");
            assertTrue(state.out().contains("\"status\": \"running\""), state.toString());
            assertTrue(state.out().contains("\"pid\": " + pid), state.toString());
            assertTrue(Jspec.run("list").out().contains("detached"));

            Jspec.Result refused = Jspec.run("delete", "detached");
            assertEquals(1, refused.exit(), "a running container is not deleted without --force");

            assertEquals(0, Jspec.run("kill", "detached", "TERM").exit());
            for (int i = 0; i < 200 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
                Thread.sleep(10);
            }
            assertTrue(Jspec.run("state", "detached").out().contains("\"status\": \"stopped\""));
        } finally {
            Jspec.Result delete = Jspec.run("delete", "--force", "detached");
            assertEquals(0, delete.exit(), delete.toString());
        }
        assertEquals(1, Jspec.run("state", "detached").exit());
    }

    @Test
    void deleteForceKillsARunningContainer() throws Exception {
        Path bundle = TestBundles.write(work, "forced", TestBundles.config("forced",
                "args: [sleep, '600']\ncwd: /\nenv: [PATH=/bin]", "", ""));
        assertEquals(0, Jspec.run("run", "-d", "--bundle", bundle.toString(), "forced").exit());
        Jspec.Result delete = Jspec.run("delete", "--force", "forced");
        assertEquals(0, delete.exit(), delete.toString());
    }

    /**
     * The shared /jspec parent is made by the first container and must go with the last,
     * whichever that is: here the first one leaves while the second still runs.
     */
    @Test
    void theSharedCgroupParentGoesWithTheLastContainerNotTheFirst() throws Exception {
        Path first = TestBundles.write(work, "first-in", TestBundles.config("first-in",
                "args: [sleep, '600']\ncwd: /\nenv: [PATH=/bin]", "", ""));
        Path second = TestBundles.write(work, "last-out", TestBundles.config("last-out",
                "args: [sleep, '600']\ncwd: /\nenv: [PATH=/bin]", "", ""));
        Path parent = Files.isDirectory(Path.of("/sys/fs/cgroup/pids")) ? Path.of("/sys/fs/cgroup/pids/jspec")
                : Path.of("/sys/fs/cgroup/jspec");
        boolean parentBefore = Files.exists(parent);
        try {
            assertEquals(0, Jspec.run("run", "-d", "--bundle", first.toString(), "first-in").exit());
            assertEquals(0, Jspec.run("run", "-d", "--bundle", second.toString(), "last-out").exit());
            assertEquals(0, Jspec.run("delete", "--force", "first-in").exit());
            assertTrue(Files.isDirectory(Path.of("/sys/fs/cgroup/pids/jspec/last-out"))
                    || Files.isDirectory(Path.of("/sys/fs/cgroup/jspec/last-out")), "the second container keeps its cgroup");
        } finally {
            Jspec.run("delete", "--force", "first-in");
            assertEquals(0, Jspec.run("delete", "--force", "last-out").exit());
        }
        // The leftover check does not judge the shared parent (other jspecs and runtimes may
        // come and go in it), so it is checked here: made by this test, it goes with the last.
        // Where it was there before, it is someone else's to keep.
        if (!parentBefore) {
            assertFalse(Files.exists(parent), parent + " stays after its last container");
        }
    }

    /**
     * No lock keeps a delete from removing the shared /jspec parent while another start is
     * about to make its directory in it: the kernel refuses the rmdir once a cgroup is in it,
     * and a start that meets the parent gone makes it again. Two containers made and deleted
     * in a loop side by side, each delete the last in the parent whenever the other is
     * between its delete and its next start: every command must succeed, and nothing may be
     * left. (Other jspecs' containers in /jspec keep it from being removed at all, and two
     * loops alone hit the window rarely; the next test makes sure of it.)
     */
    @Test
    void startsAndDeletesRacingOverTheSharedParentAllSucceed() throws Exception {
        Path parent = Files.isDirectory(Path.of("/sys/fs/cgroup/pids")) ? Path.of("/sys/fs/cgroup/pids/jspec")
                : Path.of("/sys/fs/cgroup/jspec");
        boolean parentBefore = Files.exists(parent);
        race(List.of("racer-a", "racer-b"), id -> "", List.of());
        if (!parentBefore) {
            assertFalse(Files.exists(parent), parent + " stays after its last container");
        }
    }

    /**
     * As above, below a parent of the test's own ({@code cgroupsPath: /jspec-it-race/ID}),
     * which a third thread removes whenever it is empty, as a delete would (rmdir through
     * Java's file API), as often as it can: the window between a start's making of the parent
     * and of its own directory in it is hit for certain (with the retry taken out, the first
     * round fails). Not done to /jspec, which other jspecs and runtimes on the host use. Which
     * start made the parent is the one to remove it when empty, so it may stay; the test
     * removes it.
     */
    @Test
    void startsAndDeletesRacingOverAParentRemovedWheneverEmptyAllSucceed() throws Exception {
        try {
            int removed = race(List.of("racer-c", "racer-d"), id -> "cgroupsPath: /jspec-it-race/" + id,
                    hierarchies().stream().map(h -> h.resolve("jspec-it-race")).toList());
            assertTrue(removed > 0, "the parent was never removed under the starts");
        } finally {
            for (Path p : hierarchies()) {
                Files.deleteIfExists(p.resolve("jspec-it-race"));
            }
        }
    }

    /**
     * {@code create} and {@code delete --force} of each of {@code ids} in a loop, one thread
     * each, while another removes each of {@code removedWhenEmpty} whenever it is empty.
     * Fails when a command does; returns how often one of them was removed.
     */
    private static int race(List<String> ids, Function<String, String> linux, List<Path> removedWhenEmpty) throws Exception {
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger running = new AtomicInteger(ids.size());
        AtomicInteger removed = new AtomicInteger();
        List<Callable<Void>> threads = new ArrayList<>();
        for (String id : ids) {
            Path bundle = TestBundles.write(work, id,
                    TestBundles.config(id, "args: [\"true\"]\ncwd: /\nenv: [PATH=/bin]", "", linux.apply(id)));
            threads.add(() -> {
                try {
                    for (int i = 0; i < 12 && failures.isEmpty(); i++) {
                        Jspec.Result create = Jspec.run("create", "--bundle", bundle.toString(), id);
                        if (create.exit() != 0) {
                            failures.add("create " + id + " #" + i + ": " + create);
                        }
                        Jspec.Result delete = Jspec.run("delete", "--force", id);
                        if (delete.exit() != 0 || !delete.err().isEmpty()) {
                            failures.add("delete " + id + " #" + i + ": " + delete);
                        }
                    }
                } finally {
                    running.decrementAndGet();
                }
                return null;
            });
        }
        if (!removedWhenEmpty.isEmpty()) {
            threads.add(() -> {
                while (running.get() > 0) {
                    for (Path p : removedWhenEmpty) {
                        try {
                            Files.delete(p);
                            removed.incrementAndGet();
                        } catch (IOException inUseOrGone) {
                            // A cgroup is in it (EBUSY), or it is gone already.
                        }
                    }
                    Thread.sleep(1);
                }
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads.size());
        try {
            for (Future<Void> thread : pool.invokeAll(threads)) {
                thread.get();
            }
        } finally {
            pool.shutdownNow();
            for (String id : ids) {
                Jspec.run("delete", "--force", id);
            }
        }
        assertEquals(List.of(), List.copyOf(failures));
        return removed.get();
    }

    /** The cgroup hierarchies: the cgroup2 root on a v2 host, else each mount below /sys/fs/cgroup. */
    private static List<Path> hierarchies() throws IOException {
        Path fs = Path.of("/sys/fs/cgroup");
        if (Files.exists(fs.resolve("cgroup.controllers"))) {
            return List.of(fs);
        }
        try (Stream<Path> hierarchies = Files.list(fs)) {
            return hierarchies.filter(h -> Files.isDirectory(h, LinkOption.NOFOLLOW_LINKS)).toList();
        }
    }
}
