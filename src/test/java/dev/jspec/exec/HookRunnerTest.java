package dev.jspec.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jspec.plan.Actor;
import dev.jspec.plan.Plan;
import dev.jspec.plan.Step;
import dev.jspec.sys.Errno;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OCI hooks: how one is run, and where the parent and the init run theirs. */
class HookRunnerTest {

    private static final String STATE = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":4242,"
            + "\"bundle\":\"/bundles/c1\",\"annotations\":{\"k\":\"v\"}}";

    private static Step.Hook hook(String kind, String path, int timeout) {
        return new Step.Hook(kind, 0, path, List.of("hook", "--flag"), List.of("A=1"), timeout, "c1", "/bundles/c1", List.of("k", "v"));
    }

    @Test
    void theStateIsRuntimeMdsWithTheStatusOfTheHooksPoint() {
        assertEquals(STATE, HookRunner.state("c1", "creating", 4242, "/bundles/c1", List.of("k", "v")));
        assertEquals(List.of("creating", "creating", "creating", "created", "running", "stopped"),
                List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop").stream()
                        .map(HookRunner::status).toList());
    }

    @Test
    void aHookGetsItsArgsExactlyItsEnvAndTheStateOnStdinWithOutputOnStderr() {
        RecordingSyscalls sys = new RecordingSyscalls();
        HookRunner.run(sys, "/hooks/h", List.of("h", "a"), List.of("A=1"), null, STATE);
        assertEquals(List.of("pipe", "spawn /hooks/h", "waitpid 4242"), sys.calls);
        assertEquals(List.of("h", "a"), sys.spawnedArgv);
        assertEquals(List.of("A=1"), sys.spawnedEnv);
        // the pipe's read end (10) as stdin; stdout and stderr both the caller's stderr
        assertArrayEquals(new int[] {10, 0, 2, 1, 2, 2}, sys.spawnedDup2s);
    }

    @Test
    void noArgsMeansTheArgvIsThePathAlone() {
        RecordingSyscalls sys = new RecordingSyscalls();
        HookRunner.run(sys, "/hooks/h", List.of(), List.of(), null, STATE);
        assertEquals(List.of("/hooks/h"), sys.spawnedArgv);
    }

    @Test
    void aNonZeroExitOrASignalFailsTheHook() {
        RecordingSyscalls sys = new RecordingSyscalls();
        sys.waitStatuses.put(4242, 3 << 8);
        assertEquals("exited with status 3", assertThrows(HookRunner.Failed.class,
                () -> HookRunner.run(sys, "/hooks/h", List.of(), List.of(), 5, STATE)).getMessage());
        sys.waitStatuses.put(4242, 9);
        assertEquals("killed by signal 9", assertThrows(HookRunner.Failed.class,
                () -> HookRunner.run(sys, "/hooks/h", List.of(), List.of(), null, STATE)).getMessage());
    }

    @Test
    void aHookStillRunningAtItsTimeoutIsKilledAndReaped() {
        RecordingSyscalls sys = new RecordingSyscalls();
        sys.pollAnswer = 0;
        HookRunner.Failed f = assertThrows(HookRunner.Failed.class, () -> HookRunner.run(sys, "/hooks/h", List.of(), List.of(), 2, STATE));
        assertEquals("timed out after 2s (killed)", f.getMessage());
        assertEquals(List.of("pipe", "spawn /hooks/h", "pidfd_open 4242", "poll 40 2000", "kill 4242 9", "waitpid 4242"), sys.calls);
    }

    @Test
    void aHookThatCannotBeSpawnedFails() {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("spawn", Errno.ENOENT);
        HookRunner.Failed f = assertThrows(HookRunner.Failed.class, () -> HookRunner.run(sys, "/nosuch", List.of(), List.of(), null, STATE));
        assertEquals("cannot be run: " + Errno.describe(Errno.ENOENT) + " from spawn /nosuch", f.getMessage());
    }

    @Test
    void theParentRunsCreateRuntimeWithTheInitsHostPidAndAFailureRollsTheStartBack() {
        RecordingSyscalls sys = new RecordingSyscalls();
        sys.spawnPids.put("/hooks/cr", 5000);
        sys.waitStatuses.put(5000, 1 << 8);
        sys.fds.put(11, "pipe"); // what goes down the write ends of pipes is recorded
        Plan plan = new Plan(List.of(new Plan.Entry(Actor.PARENT, new Step.CgroupMkdir("/cg/pids/jspec/c1", false)),
                new Plan.Entry(Actor.PARENT, new Step.Spawn(List.of("/java", "Init"), false)),
                new Plan.Entry(Actor.PARENT, hook("createRuntime", "/hooks/cr", 0))));
        StepFailure f = assertThrows(StepFailure.class, () -> new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT).start());
        assertEquals("step 3 hook createRuntime[0]: \"/hooks/cr\" [\"hook\", \"--flag\"] env[1], the state on stdin: exited with status 1",
                f.getMessage());
        assertEquals(ExitCodes.START_FAILED, f.exitCode());
        int hookAt = sys.calls.indexOf("spawn /hooks/cr");
        assertEquals(List.of("write pipe " + STATE), sys.calls.stream().filter(c -> c.startsWith("write pipe {\"oci")).toList(),
                "the state names the init by its host pid, 4242");
        assertEquals(List.of("spawn /hooks/cr", "write pipe " + STATE, "waitpid 5000", "kill 4242 9", "waitpid 4242",
                "read /cg/pids/jspec/c1/cgroup.procs", "rmdir /cg/pids/jspec/c1"),
                sys.calls.subList(hookAt, sys.calls.size()), "the init is killed and the cgroup removed: " + sys.calls);
    }

    @Test
    void theInitRunsCreateContainerBeforePivotRootAndStartContainerAfterStartBeforeTheExecve() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls().file("/r", Syscalls.FileKind.DIRECTORY).file("/bin/sh", Syscalls.FileKind.REGULAR);
        Plan plan = InitExecutorTest.initPlan(
                new Step.OpenRoot("/r"),
                hook("createContainer", "/hooks/cc", 0),
                new Step.PivotRoot("/r"),
                new Step.AwaitStart("/run/jspec/c1/exec.fifo"),
                hook("startContainer", "/hooks/sc", 10),
                new Step.Execve(List.of("sh"), List.of("PATH=/bin")));
        assertThrows(RecordingSyscalls.ExecvedForTest.class, () -> new InitExecutor(sys).run(plan));
        assertEquals(List.of("pipe", "spawn /hooks/cc", "waitpid 4242",
                "chdir /r", "pivot_root . .", "umount2 . 2", "chdir /",
                "reopen_write fd 7", "write fd 7 0",
                "pipe", "spawn /hooks/sc", "pidfd_open 4242", "poll 40 10000", "waitpid 4242",
                "execve /bin/sh [sh]"), sys.calls);
    }

    @Test
    void aFailedStartContainerHookTellsStartThroughTheFifoAndTheProgramNeverRuns() {
        RecordingSyscalls sys = new RecordingSyscalls().file("/bin/sh", Syscalls.FileKind.REGULAR);
        sys.waitStatuses.put(4242, 7 << 8);
        Plan plan = InitExecutorTest.initPlan(new Step.AwaitStart("/run/jspec/c1/exec.fifo"),
                hook("startContainer", "/hooks/sc", 0), new Step.Execve(List.of("sh"), List.of("PATH=/bin")));
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(plan));
        String message = "step 3 hook startContainer[0]: \"/hooks/sc\" [\"hook\", \"--flag\"] env[1], the state on stdin: exited with status 7";
        assertEquals(message, f.getMessage());
        assertEquals(List.of("reopen_write fd 7", "write fd 7 0", "pipe", "spawn /hooks/sc", "waitpid 4242",
                "write fd 7 " + message + "\n"), sys.calls);
    }
}
