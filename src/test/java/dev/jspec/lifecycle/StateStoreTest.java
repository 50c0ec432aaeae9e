package dev.jspec.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try")
class StateStoreTest {

    private static ContainerState state(String id) {
        return new ContainerState(id, "running", 4242, 987654, "/bundles/" + id, List.of("/sys/fs/cgroup/pids/jspec/" + id),
                List.of("/sys/fs/cgroup/pids/jspec"), Map.of("/sys/fs/cgroup/pids/jspec/" + id, 77L));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void commandsOnOneContainerWaitForEachOthersLockButNotForAnotherContainers(@TempDir Path tmp) throws Exception {
        StateStore store = new StateStore(tmp.resolve("root"));
        store.reserve("a");
        store.reserve("b");
        java.util.concurrent.CountDownLatch acquired = new java.util.concurrent.CountDownLatch(1);
        Thread second;
        try (StateStore.Lock first = store.lock("a")) {
            second = new Thread(() -> {
                try (StateStore.Lock l = store.lock("a")) {
                    acquired.countDown();
                }
            });
            second.start();
            try (StateStore.Lock other = store.lock("b")) {
                // Another container's lock is free meanwhile.
            }
            assertFalse(acquired.await(300, java.util.concurrent.TimeUnit.MILLISECONDS), "the second waits while the first holds it");
        }
        assertTrue(acquired.await(5, java.util.concurrent.TimeUnit.SECONDS), "and goes on once it is released");
        second.join();
        try (StateStore.Lock none = store.lock("never-made")) {
            // No directory, nothing to lock: no error either.
        }
    }

    @Test
    void aStateIsWrittenWholeAndReadBack(@TempDir Path tmp) throws Exception {
        StateStore store = new StateStore(tmp.resolve("run/jspec"));
        store.reserve("web");
        store.write(state("web"));
        assertEquals(state("web"), store.read("web"));
        try (var files = Files.list(tmp.resolve("run/jspec/web"))) {
            assertEquals(List.of("state.json"), files.map(p -> p.getFileName().toString()).toList(), "no temporary file stays");
        }
    }

    /** With the test's umask; StateSecurityIT runs jspec under umask 000. */
    @Test
    void whatTheStoreMakesIsTheOwnersAlone(@TempDir Path tmp) throws Exception {
        StateStore store = new StateStore(tmp.resolve("run/jspec"));
        store.reserve("web");
        store.write(state("web"));
        assertEquals("rwx------", mode(tmp.resolve("run")));
        assertEquals("rwx------", mode(tmp.resolve("run/jspec")));
        assertEquals("rwx------", mode(tmp.resolve("run/jspec/web")));
        assertEquals("rw-------", mode(tmp.resolve("run/jspec/web/state.json")));
    }

    /** A umask that takes even the owner's bits: what the store makes is still exactly 0700/0600. */
    @Test
    void theModesAreExactUnderAUmaskThatTakesTheOwnersBits(@TempDir Path tmp) throws Exception {
        String umaskLine = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Umask:")).findFirst().orElseThrow();
        int before = Integer.parseInt(umaskLine.substring("Umask:".length()).strip(), 8);
        Syscalls sys = new LinuxSyscalls();
        sys.umask(0777);
        try {
            StateStore store = new StateStore(tmp.resolve("run/jspec"));
            store.reserve("web");
            store.write(state("web"));
        } finally {
            sys.umask(before);
        }
        assertEquals("rwx------", mode(tmp.resolve("run/jspec")));
        assertEquals("rwx------", mode(tmp.resolve("run/jspec/web")));
        assertEquals("rw-------", mode(tmp.resolve("run/jspec/web/state.json")));
    }

    @Test
    void aRootThatExistsKeepsItsMode(@TempDir Path tmp) throws Exception {
        // --root may name any directory; only what the store makes is made 0700.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        new StateStore(tmp).reserve("web");
        assertEquals("rwxr-xr-x", mode(tmp));
        assertEquals("rwx------", mode(tmp.resolve("web")));
    }

    @Test
    void anIdThatIsNotOnePlainNameTouchesNoPath(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        Files.writeString(victim.resolve("state.json"), "{}");
        Files.writeString(victim.resolve("precious"), "data");
        StateStore store = new StateStore(root);
        List<Consumer<String>> uses = List.of(
                id -> store.remove(id),
                id -> store.exists(id),
                id -> rethrow(() -> store.read(id)),
                id -> rethrow(() -> { store.reserve(id); return null; }));
        for (Consumer<String> use : uses) {
            assertThrows(IllegalArgumentException.class, () -> use.accept("../victim"));
        }
        assertTrue(Files.exists(victim.resolve("precious")) && Files.exists(victim.resolve("state.json")));
    }

    private interface Io<T> {
        T run() throws Exception;
    }

    private static <T> T rethrow(Io<T> io) {
        try {
            return io.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCorruptStateIsItsOwnContainersProblem(@TempDir Path root) throws Exception {
        StateStore store = new StateStore(root);
        store.reserve("good");
        store.write(state("good"));
        Files.createDirectory(root.resolve("bad"));
        Files.writeString(root.resolve("bad/state.json"), "{\"id\": \"bad\", \"status\": ");
        Files.createDirectory(root.resolve("other"));
        Files.writeString(root.resolve("other/state.json"), state("good").toJson());
        assertEquals(List.of("bad", "good", "other"), store.ids());
        StateStore.CorruptStateException e = assertThrows(StateStore.CorruptStateException.class, () -> store.read("bad"));
        assertTrue(e.getMessage().contains("bad/state.json is not a container state"), e.getMessage());
        e = assertThrows(StateStore.CorruptStateException.class, () -> store.read("other"));
        assertTrue(e.getMessage().contains("is the state of \"good\", not of other"), e.getMessage());
        assertEquals(state("good"), store.read("good"));
    }

    @Test
    void aStateNamingCgroupsOutsideTheirPathsIsCorrupt(@TempDir Path root) throws Exception {
        StateStore store = new StateStore(root);
        store.reserve("c");
        Files.writeString(root.resolve("c/state.json"), new ContainerState("c", "running", 1, 1, "/b",
                List.of("/sys/fs/cgroup/pids/jspec/../../../etc"), List.of(), Map.of()).toJson());
        assertThrows(StateStore.CorruptStateException.class, () -> store.read("c"));
    }

    @Test
    void linksAndStrayNamesInTheRootAreNotContainers(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("state.json"), state("linked").toJson());
        Files.createSymbolicLink(root.resolve("linked"), elsewhere);
        Files.createDirectory(root.resolve("not an id"));
        StateStore store = new StateStore(root);
        assertEquals(List.of(), store.ids());
        assertFalse(store.exists("linked"));
        assertNull(store.read("linked"));
        store.remove("linked");
        assertTrue(Files.exists(elsewhere.resolve("state.json")), "a link is not followed to remove what it points at");
    }

    @Test
    void aSecondReservationOfOneIdFails(@TempDir Path root) throws Exception {
        StateStore store = new StateStore(root);
        store.reserve("dup");
        var e = assertThrows(java.io.IOException.class, () -> store.reserve("dup"));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }
}
