package dev.jspec.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jspec.plan.Actor;
import dev.jspec.plan.Plan;
import dev.jspec.plan.Step;
import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one line a failed step gives the user: the step as {@code jspec plan} prints it, then
 * which of its calls failed with its arguments, the errno by name and meaning, the hint,
 * and whatever else the kernel said. The recording kernel writes calls its own way
 * ("mknod /r/dev/net/tun 20620 10:200"); the real one's text is LinuxSyscallsErrorsTest's.
 */
class StepErrorsTest {

    private static final String MKNOD = "step 3 mknod(\"/dev/net/tun\", c 10:200, 0620) + chown(0, 5): ";

    private static RecordingSyscalls withRoot() {
        return new RecordingSyscalls().file("/r", Syscalls.FileKind.DIRECTORY);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "mkdir /r/dev/net               | mkdir /r/dev/net",
        "mknod /r/dev/net/tun           | mknod /r/dev/net/tun 20620 10:200",
        "chmod /r/dev/net/tun           | chmod /r/dev/net/tun 620",
        "chown /r/dev/net/tun           | chown /r/dev/net/tun 0:5"})
    void aMknodStepNamesWhichOfItsCallsFailed(String failing, String call) {
        RecordingSyscalls sys = withRoot().failOn(failing, Errno.EPERM);
        Plan plan = InitExecutorTest.initPlan(new Step.OpenRoot("/r"), new Step.Mknod("/dev/net/tun", "c", 10, 200, 0620, 0, 5));
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(plan));
        assertEquals(MKNOD + call + ": EPERM (Operation not permitted)", f.getMessage());
        assertEquals(ExitCodes.START_FAILED, f.exitCode());
    }

    @Test
    void aMountStepNamesTheMountCallAsMadeThroughTheTargetsDescriptor() {
        RecordingSyscalls sys = withRoot().file("/r/proc", Syscalls.FileKind.DIRECTORY).failOn("mount proc", Errno.EBUSY);
        Plan plan = InitExecutorTest.initPlan(new Step.OpenRoot("/r"),
                new Step.Mount("proc", "/proc", "proc", List.of("MS_NOSUID", "MS_NODEV"), null));
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(plan));
        assertEquals("step 3 mount(\"proc\", \"/proc\", \"proc\", MS_NOSUID|MS_NODEV, NULL): mount proc /r/proc proc 0x6 null: "
                + "EBUSY (Device or resource busy)", f.getMessage());
    }

    @Test
    void aMaskedPathNamesItsBindOfDevNull() {
        RecordingSyscalls sys = withRoot().file("/r/proc/kcore", Syscalls.FileKind.REGULAR)
                .file("/r/dev/null", Syscalls.FileKind.OTHER).failOn("mount /r/dev/null", Errno.EACCES);
        Plan plan = InitExecutorTest.initPlan(new Step.OpenRoot("/r"), new Step.MaskPath("/proc/kcore"));
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(plan));
        assertEquals("step 3 mask \"/proc/kcore\" (bind /dev/null, or a read-only tmpfs on a directory): "
                + "mount /r/dev/null /r/proc/kcore null 0x1000 null: EACCES (Permission denied)", f.getMessage());
    }

    @Test
    void theVerifiersLogReachesTheLineAsOneLine() {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("bpf_attach_device", Errno.EACCES,
                "0: (95) exit\nR0 !read_ok\nprocessed 1 insns (limit 1000000)\n");
        Plan plan = new Plan(List.of(
                new Plan.Entry(Actor.PARENT, new Step.CgroupMkdir("/cg/jspec/c1", false)),
                new Plan.Entry(Actor.PARENT, new Step.AttachDeviceFilter("/cg/jspec/c1", List.of("deny a"))),
                new Plan.Entry(Actor.PARENT, new Step.Spawn(List.of("/java"), false))));
        StepFailure f = assertThrows(StepFailure.class, () -> new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT).start());
        assertEquals("step 2 bpf(BPF_PROG_LOAD, CGROUP_DEVICE, 1 rules) + bpf(BPF_PROG_ATTACH, \"/cg/jspec/c1\", BPF_CGROUP_DEVICE): "
                + "bpf_attach_device /cg/jspec/c1 8 insns: EACCES (Permission denied): "
                + "0: (95) exit | R0 !read_ok | processed 1 insns (limit 1000000)", f.getMessage());
    }

    @Test
    void aHintComesBeforeTheKernelsDetail() {
        SyscallException e = new SyscallException("bpf(BPF_PROG_LOAD)", Errno.EPERM, "verifier: no");
        assertEquals("step 2 load: bpf(BPF_PROG_LOAD): EPERM (Operation not permitted) (needs CAP_BPF): verifier: no",
                StepFailure.ofCall(2, "load", e, " (needs CAP_BPF)").getMessage());
    }

    @Test
    void aStepOfOneCallDoesNotSayItTwice() {
        SyscallException e = new SyscallException("sethostname(\"x\")", Errno.EINVAL);
        assertEquals("step 4 sethostname(\"x\"): EINVAL (Invalid argument)", StepFailure.ofCall(4, "sethostname(\"x\")", e, "").getMessage());
    }

    @Test
    void aBindSourceMissingOnTheHostSaysSoWhereTheMountPointIsMade() {
        RecordingSyscalls sys = withRoot();
        Plan plan = InitExecutorTest.initPlan(new Step.OpenRoot("/r"), new Step.CreateMountPoint("/data", "/no/such"));
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(plan));
        assertEquals("step 3 mkdir -p or touch \"/data\" (as \"/no/such\" is): open /no/such: ENOENT (No such file or directory)"
                + " (the source /no/such does not exist on the host)", f.getMessage());
        assertFalse(f.getMessage().contains("\n"));
    }
}
