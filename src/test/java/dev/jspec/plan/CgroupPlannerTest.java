package dev.jspec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.cgroup.CgroupLayout;
import dev.jspec.spec.Spec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgroupPlannerTest {

    @Test
    void defaultPathIsJspecSlashIdAndConfiguredPathsAreCleaned() {
        assertEquals("jspec/web", CgroupPlanner.relativePath(SpecFixture.container().build(), "web"));
        SpecFixture f = SpecFixture.container();
        f.cgroupsPath = "/machine/../../pods/abc/";
        assertEquals("pods/abc", CgroupPlanner.relativePath(f.build(), "web"));
        f.cgroupsPath = "relative/x";
        assertEquals("relative/x", CgroupPlanner.relativePath(f.build(), "web"));
    }

    @Test
    void v1MakesEveryLevelInEveryHierarchyAndSeedsCpusetLevels() {
        HostFacts host = new HostFacts(CgroupLayout.V1, Map.of(
                "cpu", "/cg/cpu,cpuacct", "cpuacct", "/cg/cpu,cpuacct", "cpuset", "/cg/cpuset", "pids", "/cg/pids"),
                null, SpecFixture.INIT);
        SpecFixture f = SpecFixture.container();
        f.resources = new Spec.Resources(List.of(), null, null, new Spec.Pids(10), null, List.of(), null, Map.of());
        CgroupPlanner.CgroupPlan plan = CgroupPlanner.plan(f.build(), "c1", host);
        assertEquals(List.of(
                new Step.CgroupMkdir("/cg/cpu,cpuacct/jspec", true),
                new Step.CgroupMkdir("/cg/cpu,cpuacct/jspec/c1", false),
                new Step.CgroupMkdir("/cg/cpuset/jspec", true),
                new Step.CgroupCopyFromParent("/cg/cpuset/jspec", "cpuset.cpus"),
                new Step.CgroupCopyFromParent("/cg/cpuset/jspec", "cpuset.mems"),
                new Step.CgroupMkdir("/cg/cpuset/jspec/c1", false),
                new Step.CgroupCopyFromParent("/cg/cpuset/jspec/c1", "cpuset.cpus"),
                new Step.CgroupCopyFromParent("/cg/cpuset/jspec/c1", "cpuset.mems"),
                new Step.CgroupMkdir("/cg/pids/jspec", true),
                new Step.CgroupMkdir("/cg/pids/jspec/c1", false),
                new Step.CgroupWrite("/cg/pids/jspec/c1", "pids.max", "10")), plan.steps());
        assertEquals(List.of("/cg/cpu,cpuacct/jspec/c1", "/cg/cpuset/jspec/c1", "/cg/pids/jspec/c1"), plan.leafDirs());
        assertTrue(plan.notes().stream().anyMatch(n -> n.contains("devices") && n.contains("NOT restricted")));
    }

    @Test
    void hybridIsDrivenAsV1() {
        CgroupPlanner.CgroupPlan plan = CgroupPlanner.plan(SpecFixture.container().build(), "c1", SpecFixture.HYBRID);
        assertEquals(8, plan.leafDirs().size());
        assertTrue(plan.steps().stream().noneMatch(s -> s.toString().contains("unified")));
        assertTrue(plan.steps().contains(new Step.CgroupWrite("/sys/fs/cgroup/devices/jspec/c1", "devices.deny", "a")));
    }

    @Test
    void v2EnablesTheUsedControllersInEveryParent() {
        SpecFixture f = SpecFixture.container();
        f.resources = new Spec.Resources(List.of(), new Spec.Memory(1L << 30, null, null, null, null, null, null, null, null),
                null, new Spec.Pids(64), null, List.of(), null, Map.of("cgroup.freeze", "0"));
        CgroupPlanner.CgroupPlan plan = CgroupPlanner.plan(f.build(), "c1", SpecFixture.V2);
        assertEquals(List.of(
                new Step.CgroupMkdir("/sys/fs/cgroup/jspec", true),
                new Step.CgroupMkdir("/sys/fs/cgroup/jspec/c1", false),
                new Step.CgroupWrite("/sys/fs/cgroup", "cgroup.subtree_control", "+memory +pids"),
                new Step.CgroupWrite("/sys/fs/cgroup/jspec", "cgroup.subtree_control", "+memory +pids"),
                new Step.CgroupWrite("/sys/fs/cgroup/jspec/c1", "pids.max", "64"),
                new Step.CgroupWrite("/sys/fs/cgroup/jspec/c1", "memory.max", "1073741824"),
                new Step.CgroupWrite("/sys/fs/cgroup/jspec/c1", "cgroup.freeze", "0"),
                new Step.AttachDeviceFilter("/sys/fs/cgroup/jspec/c1", List.of("deny a", "allow c *:* m", "allow b *:* m",
                        "allow c 1:3 rwm", "allow c 1:8 rwm", "allow c 1:7 rwm", "allow c 5:0 rwm", "allow c 1:5 rwm",
                        "allow c 1:9 rwm", "allow c 136:* rwm", "allow c 5:2 rwm", "allow c 10:200 rwm"))), plan.steps());
        assertEquals(List.of("/sys/fs/cgroup/jspec/c1"), plan.leafDirs());
    }

    @Test
    void v2InTheRootCgroupAttachesNoDeviceFilterAndSaysSo() {
        SpecFixture f = SpecFixture.container();
        f.cgroupsPath = "/";
        CgroupPlanner.CgroupPlan plan = CgroupPlanner.plan(f.build(), "c1", SpecFixture.V2);
        assertTrue(plan.steps().stream().noneMatch(s -> s instanceof Step.AttachDeviceFilter), plan.steps().toString());
        assertTrue(plan.notes().stream().anyMatch(n -> n.contains("NOT restricted")), plan.notes().toString());
    }
}
