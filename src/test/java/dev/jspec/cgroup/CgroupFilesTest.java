package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.plan.SpecFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CgroupFilesTest {

    private static ControllerWrite w(String controller, String file, String value) {
        return new ControllerWrite(controller, file, value);
    }

    @Test
    void v1WritesEveryResourceInRuncsOrder() {
        List<String> notes = new ArrayList<>();
        List<ControllerWrite> writes = CgroupV1Files.writes(SpecFixture.fullResources(), Set.of(), notes);
        List<ControllerWrite> expected = new ArrayList<>(List.of(
                w("cpuset", "cpuset.cpus", "0-1"),
                w("cpuset", "cpuset.mems", "0"),
                w("devices", "devices.deny", "a"),
                w("devices", "devices.allow", "c 10:229 rw"),
                w("devices", "devices.deny", "b 8:* m")));
        for (String rule : List.of("c *:* m", "b *:* m", "c 1:3 rwm", "c 1:8 rwm", "c 1:7 rwm", "c 5:0 rwm", "c 1:5 rwm",
                "c 1:9 rwm", "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm")) {
            expected.add(w("devices", "devices.allow", rule));
        }
        expected.addAll(List.of(
                w("memory", "memory.limit_in_bytes", "268435456"),
                w("memory", "memory.memsw.limit_in_bytes", "536870912"),
                w("memory", "memory.soft_limit_in_bytes", "134217728"),
                w("memory", "memory.oom_control", "1"),
                w("memory", "memory.swappiness", "60"),
                w("cpu", "cpu.shares", "1024"),
                w("cpu", "cpu.cfs_period_us", "100000"),
                w("cpu", "cpu.cfs_quota_us", "50000"),
                w("cpu", "cpu.cfs_burst_us", "1000"),
                w("cpu", "cpu.idle", "1"),
                w("cpu", "cpu.rt_period_us", "1000000"),
                w("cpu", "cpu.rt_runtime_us", "950000"),
                w("pids", "pids.max", "100"),
                w("blkio", "blkio.weight", "500"),
                w("blkio", "blkio.leaf_weight", "300"),
                w("blkio", "blkio.weight_device", "8:0 600"),
                w("blkio", "blkio.throttle.read_bps_device", "8:0 1048576"),
                w("blkio", "blkio.throttle.write_bps_device", "8:0 2097152"),
                w("blkio", "blkio.throttle.read_iops_device", "8:16 100"),
                w("blkio", "blkio.throttle.write_iops_device", "8:16 200"),
                w("hugetlb", "hugetlb.2MB.limit_in_bytes", "4194304"),
                w("net_cls", "net_cls.classid", "42"),
                w("net_prio", "net_prio.ifpriomap", "eth0 5")));
        assertEquals(expected, writes);
        assertTrue(notes.stream().anyMatch(n -> n.contains("unified")));
    }

    @Test
    void v1DefaultDeviceRuleGivesWayToAConfiguredDeviceAtThatPath() {
        List<ControllerWrite> writes = CgroupV1Files.writes(null, Set.of("/dev/null"), new ArrayList<>());
        assertTrue(writes.stream().noneMatch(x -> x.value().equals("c 1:3 rwm")));
        assertEquals(w("devices", "devices.deny", "a"), writes.get(0), "devices are restricted even without resources");
    }

    @Test
    void v2WritesEveryResourceInRuncsOrder() {
        List<String> notes = new ArrayList<>();
        List<ControllerWrite> writes = CgroupV2Files.writes(SpecFixture.fullResources(), notes);
        assertEquals(List.of(
                w("pids", "pids.max", "100"),
                w("memory", "memory.swap.max", "268435456"),
                w("memory", "memory.max", "268435456"),
                w("memory", "memory.low", "134217728"),
                w("io", "io.weight", "4950"),
                w("io", "io.weight", "8:0 5960"),
                w("io", "io.max", "8:0 rbps=1048576"),
                w("io", "io.max", "8:0 wbps=2097152"),
                w("io", "io.max", "8:16 riops=100"),
                w("io", "io.max", "8:16 wiops=200"),
                w("cpu", "cpu.idle", "1"),
                w("cpu", "cpu.weight", "39"),
                w("cpu", "cpu.max", "50000 100000"),
                w("cpu", "cpu.max.burst", "1000"),
                w("cpuset", "cpuset.cpus", "0-1"),
                w("cpuset", "cpuset.mems", "0"),
                w("hugetlb", "hugetlb.2MB.max", "4194304"),
                w("memory", "memory.high", "200000000")), writes);
        for (String ignored : List.of("disableOOMKiller", "swappiness", "leafWeight", "realtime", "net_cls")) {
            assertTrue(notes.stream().anyMatch(n -> n.contains(ignored)), "a note says " + ignored + " is not applied: " + notes);
        }
    }

    @Test
    void v2QuotaWithoutPeriodUsesTheKernelDefaultPeriod() {
        var cpu = new dev.jspec.spec.Spec.Cpu(null, -1L, null, null, null, null, null, null, null);
        var r = new dev.jspec.spec.Spec.Resources(List.of(), null, cpu, null, null, List.of(), null, java.util.Map.of());
        assertEquals(List.of(w("cpu", "cpu.max", "max 100000")), CgroupV2Files.writes(r, new ArrayList<>()));
    }
}
