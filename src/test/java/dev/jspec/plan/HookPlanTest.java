package dev.jspec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.spec.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the planner puts the config's hooks: runtime.md's lifecycle, runc's points. */
class HookPlanTest {

    private static final Spec.Hook PRE = new Spec.Hook("/hooks/pre", List.of(), List.of(), null);
    private static final Spec.Hook CR0 = new Spec.Hook("/hooks/cr0", List.of("cr0", "x"), List.of("A=1"), 3);
    private static final Spec.Hook CR1 = new Spec.Hook("/hooks/cr1", List.of(), List.of(), null);
    private static final Spec.Hook CC = new Spec.Hook("/hooks/cc", List.of(), List.of(), null);
    private static final Spec.Hook SC = new Spec.Hook("/bin/sc", List.of(), List.of(), null);
    private static final Spec.Hook POST = new Spec.Hook("/hooks/post", List.of(), List.of(), null);

    private static SpecFixture withHooks() {
        SpecFixture f = SpecFixture.container();
        f.annotations.put("b", "2");
        f.annotations.put("a", "1");
        f.hooks = SpecFixture.hooks("prestart", PRE, "createRuntime", CR0, "createRuntime", CR1, "createContainer", CC,
                "startContainer", SC, "poststart", POST, "poststop", POST);
        return f;
    }

    /** "ACTOR Kind" of each entry, the hooks as "ACTOR hook kind[i] path". */
    private static List<String> outline(Plan plan) {
        return plan.entries().stream().map(e -> e.actor() + " " + (e.step() instanceof Step.Hook h
                ? "hook " + h.kind() + "[" + h.index() + "] " + h.path() : e.step().getClass().getSimpleName())).toList();
    }

    private static List<String> around(List<String> outline, String first, int count) {
        int at = outline.indexOf(first);
        assertTrue(at >= 0, first + " in " + outline);
        return outline.subList(at, at + count);
    }

    @Test
    void creationHooksComeAfterTheMountsAndBeforePivotRootInTheSpecsOrder() {
        List<String> o = outline(Planner.plan(withHooks().build(), SpecFixture.context()));
        assertEquals(List.of("PARENT hook prestart[0] /hooks/pre", "PARENT hook createRuntime[0] /hooks/cr0",
                "PARENT hook createRuntime[1] /hooks/cr1", "INIT hook createContainer[0] /hooks/cc", "INIT PivotRoot"),
                around(o, "PARENT hook prestart[0] /hooks/pre", 5));
        assertTrue(o.indexOf("INIT OpenRoot") < o.indexOf("PARENT hook prestart[0] /hooks/pre"), o.toString());
        assertTrue(o.indexOf("PARENT Spawn") < o.indexOf("PARENT hook prestart[0] /hooks/pre"), o.toString());
    }

    @Test
    void startContainerComesAfterTheWaitForStartAndBeforeTheExecve() {
        PlanContext create = new PlanContext("test", SpecFixture.BUNDLE, SpecFixture.HYBRID, 0, "/run/jspec/test/exec.fifo");
        List<String> o = outline(Planner.plan(withHooks().build(), create));
        assertEquals(List.of("INIT AwaitStart", "INIT hook startContainer[0] /bin/sc", "INIT Execve"), o.subList(o.size() - 3, o.size()));
        // run: no wait, the same place before the program
        List<String> run = outline(Planner.plan(withHooks().build(), SpecFixture.context()));
        assertEquals(List.of("INIT Capset", "INIT hook startContainer[0] /bin/sc", "INIT Execve"), run.subList(run.size() - 3, run.size()));
    }

    @Test
    void eachHookStepCarriesItsConfigAndTheStateTheHookReads() {
        Plan plan = Planner.plan(withHooks().build(), SpecFixture.context());
        Step.Hook cr0 = plan.entries().stream().map(Plan.Entry::step).filter(s -> s instanceof Step.Hook h && h.path().equals("/hooks/cr0"))
                .map(Step.Hook.class::cast).findFirst().orElseThrow();
        assertEquals(new Step.Hook("createRuntime", 0, "/hooks/cr0", List.of("cr0", "x"), List.of("A=1"), 3, "test", SpecFixture.BUNDLE,
                List.of("a", "1", "b", "2")), cr0);
        assertEquals("hook createRuntime[0]: \"/hooks/cr0\" [\"cr0\", \"x\"] env[1], the state on stdin, timeout 3s", StepText.call(cr0));
    }

    @Test
    void poststartAndPoststopAreNotPlannedButNoted() {
        Planner.Planned planned = Planner.planWithNotes(withHooks().build(), SpecFixture.context());
        assertTrue(outline(planned.plan()).stream().noneMatch(s -> s.contains("/hooks/post")));
        assertTrue(planned.notes().stream().anyMatch(n -> n.startsWith("poststart and poststop hooks are not in this plan")), planned.notes().toString());
    }

    @Test
    void withoutAPivotRootTheCreationHooksComeAfterTheInitsFirstStepsSoTheParentRunsThemWhenAsked() {
        SpecFixture f = withHooks();
        f.rootPath = null;
        Spec spec = f.build();
        Spec noRoot = new Spec(spec.ociVersion(), null, spec.mounts(), spec.process(), spec.hostname(), spec.domainname(),
                spec.hooks(), spec.annotations(), spec.linux());
        List<String> o = outline(Planner.plan(noRoot, SpecFixture.context()));
        assertEquals(List.of("INIT CheckThreadCapabilities", "PARENT hook prestart[0] /hooks/pre"),
                around(o, "INIT CheckThreadCapabilities", 2));
    }
}
