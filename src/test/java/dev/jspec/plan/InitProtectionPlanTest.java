package dev.jspec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.spec.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's part in keeping the init out of the container's reach: read-only binds of its files, its threads' capabilities. */
class InitProtectionPlanTest {

    private static final HostFacts HOST = SpecFixture.HYBRID.withInitFiles(SpecFixture.INIT_FILES);

    private static Planner.Planned plan(SpecFixture f) {
        return Planner.planWithNotes(f.build(), new PlanContext("test", SpecFixture.BUNDLE, HOST));
    }

    private static List<Step> parentSteps(Planner.Planned p) {
        return p.plan().by(Actor.PARENT).stream().map(Plan.Entry::step).toList();
    }

    private static List<Step.ReadonlyBind> binds(Planner.Planned p) {
        return p.plan().entries().stream().map(Plan.Entry::step)
                .filter(Step.ReadonlyBind.class::isInstance).map(Step.ReadonlyBind.class::cast).toList();
    }

    private static int indexOf(Planner.Planned p, Step step) {
        List<Plan.Entry> entries = p.plan().entries();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).step().equals(step)) {
                return i;
            }
        }
        throw new AssertionError(step + " is not in the plan:\n" + PlanText.render(p.plan(), p.notes()));
    }

    @Test
    void theInitsFilesAreBoundReadOnlyAfterTheUnshareAndBeforeTheSpawn() {
        List<Step> parent = parentSteps(plan(SpecFixture.container()));
        int unshare = parent.indexOf(new Step.Unshare(List.of("mount", "uts", "ipc", "network", "pid")));
        int n = SpecFixture.INIT_FILES.size();
        assertTrue(unshare >= 0, parent.toString());
        assertEquals(new Step.Mount(null, "/", null, List.of("MS_REC", "MS_SLAVE"), null), parent.get(unshare + 1),
                "nothing the binds do may propagate to the host");
        assertEquals(SpecFixture.INIT_FILES.stream().map(Step.ReadonlyBind::new).toList(), parent.subList(unshare + 2, unshare + 2 + n));
        assertTrue(parent.get(unshare + 2 + n) instanceof Step.Spawn, parent.toString());
    }

    @Test
    void aHostWithoutInitFilesGetsNoBinds() {
        Plan plan = Planner.plan(SpecFixture.container().build(), SpecFixture.context());
        assertTrue(plan.by(Actor.PARENT).stream().noneMatch(e -> e.step() instanceof Step.ReadonlyBind || e.step() instanceof Step.Mount));
    }

    @Test
    void aJoinedMountNamespaceStillStartsInAPrivateOneWithTheBinds() {
        SpecFixture f = SpecFixture.container();
        f.namespaces.removeIf(ns -> ns.type().equals("mount"));
        f.namespace("mount", "/proc/7/ns/mnt");
        Planner.Planned p = plan(f);
        assertTrue(parentSteps(p).contains(new Step.Unshare(List.of("mount", "uts", "ipc", "network", "pid"))), parentSteps(p).toString());
        assertEquals(SpecFixture.INIT_FILES.size(), binds(p).size());
        assertEquals(new Step.Setns("mount", "/proc/7/ns/mnt"), p.plan().by(Actor.INIT).get(0).step());
    }

    @Test
    void withoutAMountNamespaceNothingIsBoundAndThePlanSaysSo() {
        SpecFixture f = SpecFixture.container();
        f.namespaces.removeIf(ns -> ns.type().equals("mount"));
        Planner.Planned p = plan(f);
        assertTrue(binds(p).isEmpty());
        assertTrue(p.notes().stream().anyMatch(n -> n.contains("not made read-only")), p.notes().toString());
    }

    @Test
    void aRootfsOrBindSourceInsideAProtectedPathIsNoted() {
        SpecFixture f = SpecFixture.container().mount("/lib", "bind", "/usr/lib/x86_64-linux-gnu/libc.so.6", "rbind");
        f.rootPath = "/usr/lib/jvm/java-25/rootfs";
        List<String> notes = plan(f).notes();
        assertTrue(notes.contains("/usr/lib/jvm/java-25/rootfs lies in /usr/lib/jvm/java-25, which jspec makes read-only"
                + " for its init: the container sees it read-only"), notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("/usr/lib/x86_64-linux-gnu/libc.so.6 lies in")), notes.toString());
    }

    @Test
    void theOtherThreadsLoseTheirCapabilitiesAndAreCheckedBeforeTheCgroupJoin() {
        Planner.Planned p = plan(SpecFixture.container());
        int clear = indexOf(p, new Step.ClearThreadCapabilities(65534, 65534));
        int check = indexOf(p, new Step.CheckThreadCapabilities());
        int join = p.plan().entries().indexOf(p.plan().entries().stream().filter(e -> e.step() instanceof Step.CgroupJoin).findFirst().orElseThrow());
        int keepCaps = indexOf(p, new Step.SetKeepCaps(true));
        assertEquals(clear + 1, check);
        assertTrue(check < join && join < keepCaps, PlanText.render(p.plan(), p.notes()));
        assertEquals(Actor.INIT, p.plan().entries().get(clear).actor());
        assertEquals(Actor.INIT, p.plan().entries().get(check).actor());
    }

    @Test
    void aContainerRunningAsNobodyHasTheThreadsParkedUnderAnotherUid() {
        SpecFixture f = SpecFixture.container();
        f.user = new Spec.User(65534, 65534, null, List.of(), null);
        // Its RLIMIT_NPROC check at execve would count the init's parked threads.
        indexOf(plan(f), new Step.ClearThreadCapabilities(65533, 65534));
    }

    @Test
    void theNewStepsSurviveTheTripToTheInit() {
        Plan plan = plan(SpecFixture.container()).plan();
        assertEquals(plan, PlanCodec.fromJson(PlanCodec.toJson(plan)));
    }
}
