package dev.jspec.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.plan.Actor;
import dev.jspec.plan.Plan;
import dev.jspec.plan.Step;
import dev.jspec.sys.Errno;
import dev.jspec.util.ExitCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The executors' part in keeping the init out of the container's reach. */
class InitProtectionExecTest {

    private static final String CLEAR = "Name:\tGC Thread\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapAmb:\t0000000000000000\n";
    private static final String SELF = "Name:\tjava\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapAmb:\t0000000000000000\n";

    private static Plan initPlan(Step... steps) {
        return InitExecutorTest.initPlan(steps);
    }

    @Test
    void theSpawnerThreadBindsEachFileReadOnlyBeforeTheSpawn() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        Plan plan = new Plan(List.of(
                new Plan.Entry(Actor.PARENT, new Step.Unshare(List.of("mount", "pid"))),
                new Plan.Entry(Actor.PARENT, new Step.Mount(null, "/", null, List.of("MS_REC", "MS_SLAVE"), null)),
                new Plan.Entry(Actor.PARENT, new Step.ReadonlyBind("/jdk")),
                new Plan.Entry(Actor.PARENT, new Step.Spawn(List.of("/jdk/bin/java", "Init"), false))));
        new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT).start();
        assertEquals(List.of(
                "unshare 0x20020000",
                "mount null / null 0x84000 null",
                "mount /jdk /jdk null 0x5000 null",
                "mount_setattr /jdk true set=0x1 clr=0x0",
                "pipe", "pipe",
                "spawn /jdk/bin/java"), sys.calls);
    }

    @Test
    void aFailedBindStopsTheStartBeforeTheSpawn() {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("mount_setattr", Errno.EPERM);
        Plan plan = new Plan(List.of(
                new Plan.Entry(Actor.PARENT, new Step.ReadonlyBind("/jdk")),
                new Plan.Entry(Actor.PARENT, new Step.Spawn(List.of("/jdk/bin/java"), false))));
        StepFailure f = assertThrows(StepFailure.class, () -> new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT).start());
        assertTrue(f.getMessage().startsWith("step 1 mount(\"/jdk\", \"/jdk\", NULL, MS_BIND|MS_REC, NULL) + mount_setattr"),
                f.getMessage());
        assertTrue(sys.calls.stream().noneMatch(c -> c.startsWith("spawn")));
    }

    @Test
    void otherThreadsAreParkedThroughGlibcAndThisOneComesBackThroughTheRawCalls() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        sys.threads = Map.of(1, CLEAR, 7, SELF, 9, CLEAR);
        new InitExecutor(sys).run(initPlan(new Step.ClearThreadCapabilities(65534, 65534), new Step.CheckThreadCapabilities()));
        assertEquals(List.of(
                "capget",
                "prctl 8 1 0",
                "setxid_all_threads 65534 65534",
                "capset 0x1ff 0x1ff 0x0",
                "setresgid 0",
                "setresuid 0",
                "capset 0x1ff 0x1ff 0x0",
                "prctl 8 0 0",
                "prctl 4 0 0",
                "thread_statuses"), sys.calls);
    }

    @Test
    void aThreadThatKeptACapabilityFailsTheStart() {
        RecordingSyscalls sys = new RecordingSyscalls();
        sys.threads = Map.of(7, SELF, 12, CLEAR.replace("Name:\tGC Thread", "Name:\tJNA Cleaner")
                .replace("CapEff:\t0000000000000000", "CapEff:\t0000000000200000"));
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(initPlan(new Step.CheckThreadCapabilities())));
        assertEquals(ExitCodes.START_FAILED, f.exitCode());
        assertTrue(f.getMessage().startsWith("step 2 check that every other thread has CapPrm = CapEff = CapAmb = 0"), f.getMessage());
        assertTrue(f.getMessage().endsWith("threads of the init still hold capabilities: thread 12 (JNA Cleaner) CapEff=0000000000200000"),
                f.getMessage());
    }

    @Test
    void aThreadListWithoutTheCallingThreadIsNotTrusted() {
        RecordingSyscalls sys = new RecordingSyscalls();
        sys.threads = Map.of(1, CLEAR);
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(initPlan(new Step.CheckThreadCapabilities())));
        assertTrue(f.getMessage().contains("this thread (7) is not among the threads listed"), f.getMessage());
    }

    @Test
    void statusFieldsAreFoundByTheirWholeName() {
        String status = "Name:\tjava\nCapInh:\t0000000000000000\nCapPrm:\t00000000000000ff\nCapAmb:\t0000000000000000";
        assertEquals("java", InitExecutor.statusField(status, "Name"));
        assertEquals("00000000000000ff", InitExecutor.statusField(status, "CapPrm"));
        assertEquals("0000000000000000", InitExecutor.statusField(status, "CapAmb"));
        assertEquals(null, InitExecutor.statusField(status, "CapEff"));
        assertEquals(null, InitExecutor.statusField(status, "Cap"));
    }

    @Test
    void aMissingSetCountsAsHeld() {
        RecordingSyscalls sys = new RecordingSyscalls();
        sys.threads = Map.of(7, SELF, 8, "Name:\tVM Thread\nCapPrm:\t0000000000000000\n");
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(initPlan(new Step.CheckThreadCapabilities())));
        assertTrue(f.getMessage().contains("thread 8 (VM Thread) CapEff=null"), f.getMessage());
    }

    @Test
    void aChangeOfIdentityIsFollowedByNonDumpableAgain() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        new InitExecutor(sys).run(initPlan(new Step.Setgroups(List.of()), new Step.Setresgid(1000), new Step.Setresuid(1000)));
        assertEquals(List.of("setgroups []", "setresgid 1000", "prctl 4 0 0", "setresuid 1000", "prctl 4 0 0"), sys.calls);
    }
}
