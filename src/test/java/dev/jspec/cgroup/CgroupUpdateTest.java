package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.cgroup.CgroupUpdate.FileWrite;
import dev.jspec.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** update's writes: the start's conversions, into the container's own directories, with the order the kernel needs. */
class CgroupUpdateTest {

    private static final Map<String, String> V1 = Map.of(
            "memory", "/sys/fs/cgroup/memory", "cpu", "/sys/fs/cgroup/cpu", "pids", "/sys/fs/cgroup/pids",
            "cpuset", "/sys/fs/cgroup/cpuset", "devices", "/sys/fs/cgroup/devices", "blkio", "/sys/fs/cgroup/blkio");
    private static final List<String> V1_DIRS = List.of("/sys/fs/cgroup/memory/jspec/c", "/sys/fs/cgroup/cpu/jspec/c",
            "/sys/fs/cgroup/pids/jspec/c", "/sys/fs/cgroup/cpuset/jspec/c", "/sys/fs/cgroup/devices/jspec/c");

    private final Map<Path, String> files = new HashMap<>();
    private final List<String> notes = new ArrayList<>();

    private static Spec.Resources resources(Spec.Memory m, Spec.Cpu c, Long pids) {
        return new Spec.Resources(List.of(), m, c, pids == null ? null : new Spec.Pids(pids), null, List.of(), null, Map.of());
    }

    private static Spec.Memory memory(Long limit, Long swap) {
        return new Spec.Memory(limit, null, swap, null, null, null, null, null, null);
    }

    private static Spec.Cpu cpu(Long shares, Long quota, Long period) {
        return new Spec.Cpu(shares, quota, null, period, null, null, null, null, null);
    }

    private List<FileWrite> v1(Spec.Resources r) {
        return CgroupUpdate.writes(r, CgroupLayout.HYBRID, V1, "/sys/fs/cgroup/unified", V1_DIRS, files::get, notes);
    }

    private List<FileWrite> v2(Spec.Resources r) {
        return CgroupUpdate.writes(r, CgroupLayout.V2, Map.of(), "/sys/fs/cgroup", List.of("/sys/fs/cgroup/jspec/c"), files::get, notes);
    }

    @Test
    void v1WritesGoToEachControllersOwnDirectoryAndNeverTouchDevices() {
        List<FileWrite> w = v1(resources(null, cpu(512L, 50_000L, null), 77L));
        assertEquals(List.of(
                new FileWrite("/sys/fs/cgroup/cpu/jspec/c", "cpu.shares", "512"),
                new FileWrite("/sys/fs/cgroup/cpu/jspec/c", "cpu.cfs_quota_us", "50000"),
                new FileWrite("/sys/fs/cgroup/pids/jspec/c", "pids.max", "77")), w);
        assertEquals(List.of(), notes);
    }

    @Test
    void v1RaisingTheLimitAboveTheMemswInForceWritesMemswFirst() {
        files.put(Path.of("/sys/fs/cgroup/memory/jspec/c/memory.memsw.limit_in_bytes"), "134217728\n");
        List<FileWrite> up = v1(resources(memory(268_435_456L, 536_870_912L), null, null));
        assertEquals(List.of("memory.memsw.limit_in_bytes", "memory.limit_in_bytes"), up.stream().map(FileWrite::file).toList());
        files.put(Path.of("/sys/fs/cgroup/memory/jspec/c/memory.memsw.limit_in_bytes"), "536870912\n");
        List<FileWrite> down = v1(resources(memory(67_108_864L, 134_217_728L), null, null));
        assertEquals(List.of("memory.limit_in_bytes", "memory.memsw.limit_in_bytes"), down.stream().map(FileWrite::file).toList());
    }

    @Test
    void v1AControllerWithoutADirectoryOfTheContainersIsANote() {
        Spec.Resources r = new Spec.Resources(List.of(), null, null, null,
                new Spec.BlockIO(500, null, List.of(), List.of(), List.of(), List.of(), List.of()), List.of(), null, Map.of());
        assertEquals(List.of(), v1(r));
        assertEquals(List.of("the container has no v1 blkio cgroup of its own; its values are not updated"), notes);
    }

    @Test
    void v2SwapAloneIsConvertedWithTheLimitInForce() {
        files.put(Path.of("/sys/fs/cgroup/jspec/c/cgroup.controllers"), "memory pids\n");
        files.put(Path.of("/sys/fs/cgroup/jspec/c/memory.max"), "67108864\n");
        assertEquals(List.of(new FileWrite("/sys/fs/cgroup/jspec/c", "memory.swap.max", "67108864"),
                new FileWrite("/sys/fs/cgroup/jspec/c", "memory.max", "67108864")), v2(resources(memory(null, 134_217_728L), null, null)));
    }

    @Test
    void v2QuotaAloneKeepsThePeriodInForceAndMissingControllersAreEnabledFromTheTop() {
        files.put(Path.of("/sys/fs/cgroup/jspec/c/cgroup.controllers"), "memory pids\n");
        files.put(Path.of("/sys/fs/cgroup/jspec/c/cpu.max"), "max 250000\n");
        List<FileWrite> w = v2(resources(null, cpu(null, 50_000L, null), null));
        assertEquals(List.of(
                new FileWrite("/sys/fs/cgroup", "cgroup.subtree_control", "+cpu"),
                new FileWrite("/sys/fs/cgroup/jspec", "cgroup.subtree_control", "+cpu"),
                new FileWrite("/sys/fs/cgroup/jspec/c", "cpu.max", "50000 250000")), w);
    }

    @Test
    void v2SharesAreConvertedToAWeight() {
        files.put(Path.of("/sys/fs/cgroup/jspec/c/cgroup.controllers"), "cpu\n");
        assertEquals(List.of(new FileWrite("/sys/fs/cgroup/jspec/c", "cpu.weight", "39")), v2(resources(null, cpu(1024L, null, null), null)));
        assertTrue(notes.isEmpty(), notes.toString());
    }
}
