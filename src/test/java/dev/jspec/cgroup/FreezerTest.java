package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The freezer's files, on directories laid out like cgroup v1 and v2 (a real freeze is FreezerIT's and CliOpsIT's). */
class FreezerTest {

    @TempDir
    Path root;

    private Path dir(String name, String... files) throws IOException {
        Path d = Files.createDirectories(root.resolve(name));
        for (int i = 0; i < files.length; i += 2) {
            Files.writeString(d.resolve(files[i]), files[i + 1]);
        }
        return d;
    }

    @Test
    void theV1FreezerHierarchyWinsOverOtherDirectories() throws IOException {
        Path cpu = dir("cpu/jspec/c", "cpu.shares", "1024\n");
        Path freezer = dir("freezer/jspec/c", "freezer.state", "THAWED");
        assertEquals(freezer.toString(), Freezer.dir(List.of(cpu.toString(), freezer.toString())));
        assertNull(Freezer.dir(List.of(cpu.toString())));
    }

    @Test
    void v1FreezeWritesFrozenAndThawWritesThawed() throws Exception {
        Path freezer = dir("freezer/jspec/c", "freezer.state", "THAWED");
        assertFalse(Freezer.frozen(freezer.toString()));
        // A plain file reads back what was written, as a freezer that froze at once would.
        Freezer.freeze(freezer.toString());
        assertEquals("FROZEN", Files.readString(freezer.resolve("freezer.state")).strip());
        assertTrue(Freezer.frozen(freezer.toString()));
        Freezer.thaw(freezer.toString());
        assertEquals("THAWED", Files.readString(freezer.resolve("freezer.state")).strip());
        assertFalse(Freezer.frozen(freezer.toString()));
    }

    @Test
    void v2FreezeWaitsForFrozenInCgroupEvents() throws Exception {
        Path c = dir("jspec/c", "cgroup.freeze", "0", "cgroup.events", "populated 1\nfrozen 1\n");
        assertEquals(c.toString(), Freezer.dir(List.of(c.toString())));
        Freezer.freeze(c.toString());
        assertEquals("1", Files.readString(c.resolve("cgroup.freeze")).strip());
        assertTrue(Freezer.frozen(c.toString()));
        Freezer.thaw(c.toString());
        assertEquals("0", Files.readString(c.resolve("cgroup.freeze")).strip());
    }

    @Test
    void aFreezeThatNeverCompletesIsUndoneAndSaysSo() throws Exception {
        Path c = dir("jspec/stuck", "cgroup.freeze", "0", "cgroup.events", "populated 1\nfrozen 0\n");
        IOException e = assertThrows(IOException.class, () -> Freezer.freeze(c.toString(), 50));
        assertTrue(e.getMessage().contains("did not all freeze"), e.getMessage());
        assertEquals("0", Files.readString(c.resolve("cgroup.freeze")).strip(), "thawed again");
    }

    @Test
    void processesOfTheCgroupAndItsChildrenOnceEachInOrder() throws IOException {
        Path a = dir("memory/jspec/c", "cgroup.procs", "30\n10\n");
        dir("memory/jspec/c/sub", "cgroup.procs", "20\n");
        Path b = dir("pids/jspec/c", "cgroup.procs", "10\n30\n");
        assertEquals(List.of(10, 20, 30), CgroupProcesses.pids(List.of(a.toString(), b.toString(), root.resolve("gone").toString())));
    }
}
