package dev.jspec.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.cgroup.CgroupCleanup;
import dev.jspec.plan.Actor;
import dev.jspec.plan.Plan;
import dev.jspec.plan.Step;
import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParentExecutorTest {

    private static Plan plan(Step... parentSteps) {
        return new Plan(java.util.Arrays.stream(parentSteps).map(s -> new Plan.Entry(Actor.PARENT, s)).toList());
    }

    @Test
    void parentStepsRunInOrderAndTheInitJoinsItsCgroup() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        Plan plan = plan(
                new Step.CgroupMkdir("/cg/pids/jspec", true),
                new Step.CgroupMkdir("/cg/pids/jspec/c1", false),
                new Step.CgroupWrite("/cg/pids/jspec/c1", "pids.max", "10"),
                new Step.Unshare(List.of("mount", "pid")),
                new Step.Spawn(List.of("/java", "Init"), false),
                new Step.CgroupJoin(List.of("/cg/pids/jspec/c1")));
        ParentExecutor px = new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT);
        assertEquals(4242, px.start());
        assertEquals(List.of(
                "mkdir /cg/pids/jspec",
                "mkdir /cg/pids/jspec/c1",
                "write /cg/pids/jspec/c1/pids.max 10",
                "unshare 0x20020000",
                "pipe", "pipe",
                "spawn /java",
                "write /cg/pids/jspec/c1/cgroup.procs 4242"), sys.calls);
        assertEquals(new CgroupCleanup(List.of("/cg/pids/jspec/c1"), List.of("/cg/pids/jspec")), px.cleanup());
    }

    @Test
    void aRejectedLimitRollsBackEveryCgroupDirectoryMade() {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("write /cg/memory/jspec/c1/memory.limit_in_bytes", Errno.EINVAL);
        Plan plan = plan(
                new Step.CgroupMkdir("/cg/memory/jspec", true),
                new Step.CgroupMkdir("/cg/memory/jspec/c1", false),
                new Step.CgroupWrite("/cg/memory/jspec/c1", "memory.limit_in_bytes", "12"),
                new Step.Spawn(List.of("/java"), false));
        StepFailure f = assertThrows(StepFailure.class, () -> new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT).start());
        assertTrue(f.getMessage().startsWith("step 3 write(\"/cg/memory/jspec/c1/memory.limit_in_bytes\", \"12\"): "
                + "write /cg/memory/jspec/c1/memory.limit_in_bytes 12: EINVAL"),
                f.getMessage());
        assertEquals(List.of("rmdir /cg/memory/jspec/c1", "rmdir /cg/memory/jspec"),
                sys.calls.subList(sys.calls.size() - 2, sys.calls.size()));
        assertTrue(sys.calls.stream().noneMatch(c -> c.startsWith("spawn")));
    }

    @Test
    void aDeviceFilterIsBuiltFromItsRulesAndARefusalRollsBack() {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("bpf_attach_device", Errno.EPERM);
        Plan plan = plan(
                new Step.CgroupMkdir("/cg/jspec", true),
                new Step.CgroupMkdir("/cg/jspec/c1", false),
                new Step.AttachDeviceFilter("/cg/jspec/c1", List.of("deny a", "allow c 1:3 rwm")),
                new Step.Spawn(List.of("/java"), false));
        StepFailure f = assertThrows(StepFailure.class, () -> new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT).start());
        assertTrue(f.getMessage().startsWith("step 3 bpf(BPF_PROG_LOAD, CGROUP_DEVICE, 2 rules) + bpf(BPF_PROG_ATTACH, \"/cg/jspec/c1\", "
                + "BPF_CGROUP_DEVICE): bpf_attach_device /cg/jspec/c1 13 insns: EPERM") && f.getMessage().contains("CAP_SYS_ADMIN"), f.getMessage());
        // Six instructions of prologue, one block of five, the default of two.
        assertTrue(sys.calls.contains("bpf_attach_device /cg/jspec/c1 13 insns"), sys.calls.toString());
        assertEquals(List.of("rmdir /cg/jspec/c1", "rmdir /cg/jspec"), sys.calls.subList(sys.calls.size() - 2, sys.calls.size()));
    }

    @Test
    void theSharedParentIsLeftForWhoeverLeavesItEmptyEvenWhenAnotherContainerMadeIt() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls().file("/cg/pids/jspec", Syscalls.FileKind.DIRECTORY);
        Plan plan = plan(new Step.CgroupMkdir("/cg/pids/jspec", true), new Step.CgroupMkdir("/cg/pids/jspec/c2", false));
        ParentExecutor px = new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT);
        px.start();
        // Made by another container, it is still this one's to remove if it leaves it empty.
        assertEquals(new CgroupCleanup(List.of("/cg/pids/jspec/c2"), List.of("/cg/pids/jspec")), px.cleanup());
    }

    @Test
    void anExistingParentOfAConfiguredPathIsNotRemoved() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls().file("/cg/pids/admin", Syscalls.FileKind.DIRECTORY);
        Plan plan = plan(new Step.CgroupMkdir("/cg/pids/admin", false), new Step.CgroupMkdir("/cg/pids/admin/made", false),
                new Step.CgroupMkdir("/cg/pids/admin/made/c4", false));
        ParentExecutor px = new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT);
        px.start();
        assertEquals(new CgroupCleanup(List.of("/cg/pids/admin/made/c4"), List.of("/cg/pids/admin/made")), px.cleanup());
    }

    @Test
    void aSharedParentStillInUseIsLeftQuietly() throws Exception {
        RecordingSyscalls parentBusy = new RecordingSyscalls() {
            @Override public void rmdir(String path) {
                super.rmdir(path);
                if (path.equals("/cg/pids/jspec")) {
                    throw new SyscallException("rmdir " + path, Errno.EBUSY);
                }
            }
        }.file("/cg/pids/jspec", Syscalls.FileKind.DIRECTORY);
        ParentExecutor px = new ParentExecutor(parentBusy,
                plan(new Step.CgroupMkdir("/cg/pids/jspec", true), new Step.CgroupMkdir("/cg/pids/jspec/c5", false)),
                ParentExecutor.Stdio.INHERIT);
        px.start();
        parentBusy.calls.clear();
        List<String> problems = new java.util.ArrayList<>();
        px.removeCgroups(problems::add);
        assertEquals(List.of("read /cg/pids/jspec/c5/cgroup.procs", "rmdir /cg/pids/jspec/c5",
                "rmdir /cg/pids/jspec"), parentBusy.calls);
        assertEquals(List.of(), problems);
    }

    @Test
    void aCgroupThatCannotBeRemovedIsReportedToTheCaller() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("rmdir /cg/pids/jspec/c6", Errno.EACCES);
        ParentExecutor px = new ParentExecutor(sys, plan(new Step.CgroupMkdir("/cg/pids/jspec/c6", false)), ParentExecutor.Stdio.INHERIT);
        px.start();
        List<String> problems = new java.util.ArrayList<>();
        px.removeCgroups(problems::add);
        assertEquals(List.of("jspec: cannot remove cgroup /cg/pids/jspec/c6: " + Errno.describe(Errno.EACCES)), problems);
    }

    @Test
    void aRollbackTellsTheCallersSinkWhatStays() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("rmdir /cg/pids/jspec/c7", Errno.EACCES);
        List<String> problems = new java.util.ArrayList<>();
        ParentExecutor px = new ParentExecutor(sys, plan(new Step.CgroupMkdir("/cg/pids/jspec/c7", false)),
                ParentExecutor.Stdio.INHERIT, problems::add);
        px.start();
        px.rollback();
        assertEquals(List.of("jspec: cannot remove cgroup /cg/pids/jspec/c7: " + Errno.describe(Errno.EACCES)), problems);
    }

    @Test
    void aContainersCgroupThatHoldsProcessesIsNotJoined() {
        RecordingSyscalls sys = new RecordingSyscalls() {
            @Override public String readFile(String path) {
                return path.endsWith("cgroup.procs") ? "777\n" : "";
            }
        }.file("/cg/pids/jspec/c3", Syscalls.FileKind.DIRECTORY);
        Plan plan = plan(new Step.CgroupMkdir("/cg/pids/jspec/c3", false), new Step.Spawn(List.of("/java"), false),
                new Step.CgroupJoin(List.of("/cg/pids/jspec/c3")));
        StepFailure f = assertThrows(StepFailure.class, () -> new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT).start());
        assertTrue(f.getMessage().contains("EEXIST"), f.getMessage());
        assertTrue(sys.calls.stream().noneMatch(c -> c.startsWith("spawn") || c.startsWith("rmdir")), sys.calls.toString());
    }

    /**
     * An empty directory is no less another container's: one with this ID under another
     * --root that has exited, or one between making its cgroup and joining it. Refused before
     * anything is made, the shared parent included.
     */
    @Test
    void anExistingEmptyContainerCgroupIsRefusedBeforeAnythingIsMade() {
        RecordingSyscalls sys = new RecordingSyscalls()
                .file("/cg/pids/jspec", Syscalls.FileKind.DIRECTORY)
                .file("/cg/memory/jspec/c6", Syscalls.FileKind.DIRECTORY);
        Plan plan = plan(
                new Step.CgroupMkdir("/cg/pids/jspec", true),
                new Step.CgroupMkdir("/cg/pids/jspec/c6", false),
                new Step.CgroupMkdir("/cg/memory/jspec", true),
                new Step.CgroupMkdir("/cg/memory/jspec/c6", false),
                new Step.Spawn(List.of("/java"), false));
        ParentExecutor px = new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT);
        StepFailure f = assertThrows(StepFailure.class, px::start);
        assertTrue(f.getMessage().startsWith("step 4 mkdir(\"/cg/memory/jspec/c6\"): EEXIST")
                && f.getMessage().contains("another --root"), f.getMessage());
        assertEquals(List.of(), sys.calls, "nothing made, nothing removed");
        assertEquals(new CgroupCleanup(List.of(), List.of("/cg/pids/jspec", "/cg/memory/jspec")), px.cleanup());
    }

    /** The check before is not the only one: a directory made meanwhile fails mkdir itself, and what this run made goes. */
    @Test
    void aContainerCgroupMadeMeanwhileFailsItsMkdirAndIsNotRemoved() {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("mkdir /cg/memory/jspec/c7", Errno.EEXIST);
        Plan plan = plan(
                new Step.CgroupMkdir("/cg/pids/jspec/c7", false),
                new Step.CgroupMkdir("/cg/memory/jspec/c7", false),
                new Step.Spawn(List.of("/java"), false));
        StepFailure f = assertThrows(StepFailure.class, () -> new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT).start());
        assertTrue(f.getMessage().startsWith("step 2 mkdir(\"/cg/memory/jspec/c7\"): mkdir /cg/memory/jspec/c7: EEXIST"), f.getMessage());
        assertTrue(sys.calls.contains("rmdir /cg/pids/jspec/c7"), sys.calls.toString());
        assertTrue(sys.calls.stream().noneMatch(c -> c.equals("rmdir /cg/memory/jspec/c7")), sys.calls.toString());
    }

    @Test
    void aSeccompListenerFromTheInitGoesToTheAgentWithTheContainerProcessState() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        Plan plan = plan(new Step.Spawn(List.of("/java", "Init"), false),
                new Step.SeccompListener("/run/agent.sock", "meta", "c1", "/bundles/c1", List.of("k", "v")));
        new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT).start();
        assertEquals(List.of("pipe", "pipe", "socketpair", "spawn /java", "receivefd 12", "connect /run/agent.sock",
                "sendfd 31 30 {\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":4242,\"metadata\":\"meta\","
                        + "\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":4242,"
                        + "\"bundle\":\"/bundles/c1\",\"annotations\":{\"k\":\"v\"}}}"), sys.calls);
    }

    @Test
    void noAgentAtTheListenerPathFailsTheStartAndSaysSo() {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("connect", Errno.ENOENT);
        Plan plan = plan(new Step.Spawn(List.of("/java", "Init"), false),
                new Step.SeccompListener("/run/agent.sock", null, "c1", "/bundles/c1", List.of()));
        StepFailure f = assertThrows(StepFailure.class, () -> new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT).start());
        assertTrue(f.getMessage().startsWith("step 2 recvmsg(seccomp listener fd from the init) + connect(\"/run/agent.sock\")")
                && f.getMessage().contains("ENOENT") && f.getMessage().endsWith("(no seccomp agent listens on /run/agent.sock)"),
                f.getMessage());
        assertTrue(sys.calls.contains("kill 4242 9"), "the init is killed: " + sys.calls);
    }

    @Test
    void preservedDescriptorsKeepTheirNumbersAndTheInitsOwnFollowThem() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        new ParentExecutor(sys, plan(new Step.Spawn(List.of("/java", "Init"), false, 2)), ParentExecutor.Stdio.INHERIT).start();
        assertEquals(List.of(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 10, 5, 11, 6),
                java.util.Arrays.stream(sys.spawnedDup2s).boxed().toList(), "caller's 3 and 4 as they are; plan 5, status 6");
        assertEquals(List.of(InitFds.ENV + "=5"), sys.spawnedEnv);
    }

    @Test
    void withoutPreservedDescriptorsTheInitGetsTheDefaultLayoutAndNoEnvironment() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        new ParentExecutor(sys, plan(new Step.Spawn(List.of("/java", "Init"), false)), ParentExecutor.Stdio.INHERIT).start();
        assertEquals(List.of(0, 0, 1, 1, 2, 2, 10, 3, 11, 4), java.util.Arrays.stream(sys.spawnedDup2s).boxed().toList());
        assertEquals(List.of(), sys.spawnedEnv);
    }

    /** The early init is taken over only when the plan starts with exactly the steps it ran: every field counts. */
    @Test
    void theEarlyInitsStepsAreComparedFieldByField() {
        List<Plan.Entry> ran = List.of(new Plan.Entry(Actor.PARENT, new Step.Unshare(List.of("mount", "pid"))),
                new Plan.Entry(Actor.PARENT, new Step.ReadonlyBind("/usr/lib/jvm/jdk")));
        assertTrue(ParentExecutor.sameSteps(ran, List.copyOf(ran)));
        assertTrue(ParentExecutor.sameSteps(ran, List.of(new Plan.Entry(Actor.PARENT, new Step.Unshare(List.of("mount", "pid"))),
                new Plan.Entry(Actor.PARENT, new Step.ReadonlyBind("/usr/lib/jvm/jdk")))), "equal values, other objects");
        assertFalse(ParentExecutor.sameSteps(ran, List.of(new Plan.Entry(Actor.PARENT, new Step.Unshare(List.of("mount", "pid", "net"))),
                new Plan.Entry(Actor.PARENT, new Step.ReadonlyBind("/usr/lib/jvm/jdk")))));
        assertFalse(ParentExecutor.sameSteps(ran, List.of(new Plan.Entry(Actor.PARENT, new Step.Unshare(List.of("mount", "pid"))),
                new Plan.Entry(Actor.INIT, new Step.ReadonlyBind("/usr/lib/jvm/jdk")))), "the actor counts");
        assertFalse(ParentExecutor.sameSteps(ran, ran.subList(0, 1)));
    }
}
