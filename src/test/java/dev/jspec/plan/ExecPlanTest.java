package dev.jspec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** `jspec exec`'s plan: the container's namespaces joined, its cgroups joined, nothing of its root made again. */
class ExecPlanTest {

    private static Plan execPlan(SpecFixture f) {
        return Planner.planExec(f.build(), new PlanContext("c1", SpecFixture.BUNDLE, SpecFixture.HYBRID), 4242,
                List.of("/sys/fs/cgroup/pids/jspec/c1", "/sys/fs/cgroup/memory/jspec/c1"));
    }

    private static SpecFixture container() {
        return new SpecFixture().namespace("pid", null).namespace("mount", null).namespace("uts", null)
                .namespace("network", null).namespace("cgroup", null);
    }

    @Test
    void theSpawnerJoinsTheContainersNamespacesAndTheInitJoinsMountThenCgroupsThenTheCgroupNamespace() {
        Plan plan = execPlan(container());
        List<Step> steps = plan.entries().stream().map(Plan.Entry::step).toList();
        List<String> setns = steps.stream().filter(Step.Setns.class::isInstance).map(s -> ((Step.Setns) s).path()).toList();
        assertEquals(List.of("/proc/4242/ns/pid", "/proc/4242/ns/uts", "/proc/4242/ns/net", "/proc/4242/ns/mnt",
                "/proc/4242/ns/cgroup"), setns);
        int spawn = steps.indexOf(steps.stream().filter(Step.Spawn.class::isInstance).findFirst().orElseThrow());
        int mount = steps.indexOf(new Step.Setns("mount", "/proc/4242/ns/mnt"));
        int join = steps.indexOf(new Step.CgroupJoin(List.of("/sys/fs/cgroup/pids/jspec/c1", "/sys/fs/cgroup/memory/jspec/c1")));
        int cgroupNs = steps.indexOf(new Step.Setns("cgroup", "/proc/4242/ns/cgroup"));
        assertTrue(spawn < mount && mount < join && join < cgroupNs, steps.toString());
        assertEquals(Actor.INIT, plan.entries().get(mount).actor());
        assertEquals(Actor.PARENT, plan.entries().get(join).actor());
    }

    @Test
    void nothingOfTheContainerIsMadeAgain() {
        SpecFixture f = container();
        f.hostname = "h";
        f.maskedPaths.add("/proc/kcore");
        f.resources = SpecFixture.fullResources();
        for (Plan.Entry e : execPlan(f).entries()) {
            Step s = e.step();
            assertTrue(!(s instanceof Step.CgroupMkdir || s instanceof Step.CgroupWrite || (s instanceof Step.Unshare && e.actor() == Actor.INIT)
                    || s instanceof Step.PivotRoot || s instanceof Step.MaskPath || s instanceof Step.Sethostname
                    || (s instanceof Step.Mount && e.actor() == Actor.INIT) || s instanceof Step.AwaitStart), "exec made " + s);
        }
    }

    @Test
    void theProcessIsSetUpAsAnInitsWouldBeAndExecs() {
        SpecFixture f = container();
        f.user = new dev.jspec.spec.Spec.User(1000, 1000, null, List.of(), null);
        f.args = List.of("ps", "aux");
        List<Step> steps = execPlan(f).entries().stream().map(Plan.Entry::step).toList();
        assertTrue(steps.contains(new Step.Setresuid(1000)), steps.toString());
        assertTrue(steps.stream().anyMatch(Step.CheckThreadCapabilities.class::isInstance));
        assertEquals(new Step.Execve(List.of("ps", "aux"), List.of("PATH=/bin")), steps.getLast());
    }
}
