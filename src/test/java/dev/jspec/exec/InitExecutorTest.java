package dev.jspec.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.plan.Actor;
import dev.jspec.plan.Plan;
import dev.jspec.plan.Step;
import dev.jspec.sys.Errno;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitExecutorTest {

    /** A plan of these INIT steps after one parent step, as the init receives it. */
    static Plan initPlan(Step... steps) {
        List<Plan.Entry> entries = new ArrayList<>();
        entries.add(new Plan.Entry(Actor.PARENT, new Step.Unshare(List.of("pid"))));
        for (Step s : steps) {
            entries.add(new Plan.Entry(Actor.INIT, s));
        }
        return new Plan(entries);
    }

    /** A fake kernel with a container root at /r that has the given directories. */
    private static RecordingSyscalls withRoot(String... dirs) {
        RecordingSyscalls sys = new RecordingSyscalls().file("/r", Syscalls.FileKind.DIRECTORY);
        for (String d : dirs) {
            sys.file("/r" + d, Syscalls.FileKind.DIRECTORY);
        }
        return sys;
    }

    @Test
    void runsOnlyInitStepsInPlanOrder() throws Exception {
        RecordingSyscalls sys = withRoot("/proc").file("/bin/sh", Syscalls.FileKind.REGULAR);
        Plan plan = initPlan(
                new Step.Mount(null, "/", null, List.of("MS_REC", "MS_SLAVE"), null),
                new Step.Mount("/r", "/r", null, List.of("MS_BIND", "MS_REC"), null),
                new Step.OpenRoot("/r"),
                new Step.Mount("proc", "/proc", "proc", List.of("MS_NOSUID"), null),
                new Step.PivotRoot("/r"),
                new Step.Execve(List.of("sh"), List.of("PATH=/bin")));
        assertThrows(RecordingSyscalls.ExecvedForTest.class, () -> new InitExecutor(sys).run(plan));
        assertEquals(List.of(
                "mount null / null 0x84000 null",
                "mount /r /r null 0x5000 null",
                "mount proc /r/proc proc 0x2 null",
                "chdir /r",
                "pivot_root . .",
                "umount2 . 2",
                "chdir /",
                "execve /bin/sh [sh]"), sys.calls);
    }

    @Test
    void failureNamesStepNumberCallAndErrno() {
        RecordingSyscalls sys = withRoot().failOn("pivot_root", Errno.EINVAL);
        Plan plan = initPlan(new Step.OpenRoot("/r"), new Step.PivotRoot("/r"));
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(plan));
        assertEquals("step 3 chdir(\"/r\"); pivot_root(\".\", \".\"); umount2(\".\", MNT_DETACH): pivot_root . .: "
                + "EINVAL (Invalid argument) (the root is not a mount point, or a mount it sits on is shared)", f.getMessage());
        assertEquals(ExitCodes.START_FAILED, f.exitCode());
    }

    @Test
    void containerPathsAreMadeThroughDescriptorsInsideTheRoot() throws Exception {
        RecordingSyscalls sys = withRoot("/work");
        new InitExecutor(sys).run(initPlan(new Step.OpenRoot("/r"),
                new Step.Mknod("/dev/net/tun", "c", 10, 200, 0620, 0, 5),
                new Step.Symlink("/proc/self/fd", "/dev/fd"),
                new Step.Chdir("/work")));
        assertEquals(List.of(
                "mkdir /r/dev",
                "mkdir /r/dev/net",
                "mknod /r/dev/net/tun 20620 10:200",
                "chmod /r/dev/net/tun 620",
                "chown /r/dev/net/tun 0:5",
                "symlink /proc/self/fd /r/dev/fd",
                "chdir /r/work"), sys.calls);
    }

    @Test
    void anExistingNodeOrLinkIsReplacedInItsDirectory() throws Exception {
        RecordingSyscalls sys = withRoot("/dev").file("/r/dev/fd", Syscalls.FileKind.REGULAR);
        new InitExecutor(sys).run(initPlan(new Step.OpenRoot("/r"), new Step.Symlink("/proc/self/fd", "/dev/fd")));
        assertEquals(List.of("unlink /r/dev/fd", "symlink /proc/self/fd /r/dev/fd"), sys.calls);
    }

    @Test
    void programMissingFromPathExits127() {
        RecordingSyscalls sys = new RecordingSyscalls();
        Plan plan = initPlan(new Step.Execve(List.of("nosuch"), List.of("PATH=/bin:/usr/bin")));
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(plan));
        assertEquals(ExitCodes.NOT_FOUND, f.exitCode());
        assertTrue(f.getMessage().contains("\"nosuch\" not found in the container (PATH=/bin:/usr/bin)"), f.getMessage());
    }

    @Test
    void programFoundButNotExecutableExits126() {
        RecordingSyscalls sys = new RecordingSyscalls() {
            @Override public boolean isExecutable(String path) {
                return false;
            }
        }.file("/bin/data", Syscalls.FileKind.REGULAR);
        Plan plan = initPlan(new Step.Execve(List.of("data"), List.of("PATH=/bin")));
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(plan));
        assertEquals(ExitCodes.NOT_EXECUTABLE, f.exitCode());
    }

    @Test
    void pathLookupTakesTheFirstExecutableInPathOrder() {
        RecordingSyscalls sys = new RecordingSyscalls()
                .file("/usr/bin/tool", Syscalls.FileKind.REGULAR)
                .file("/bin/tool", Syscalls.FileKind.REGULAR);
        Plan plan = initPlan(new Step.Execve(List.of("tool", "-v"), List.of("PATH=/usr/bin:/bin")));
        assertThrows(RecordingSyscalls.ExecvedForTest.class, () -> new InitExecutor(sys).run(plan));
        assertEquals("execve /usr/bin/tool [tool, -v]", sys.calls.getLast());
    }

    @Test
    void maskPathBindsDevNullOverFilesAndTmpfsOverDirectories() throws Exception {
        RecordingSyscalls sys = withRoot("/sys/firmware")
                .file("/r/proc/kcore", Syscalls.FileKind.REGULAR)
                .file("/r/dev/null", Syscalls.FileKind.OTHER);
        new InitExecutor(sys).run(initPlan(new Step.OpenRoot("/r"), new Step.MaskPath("/proc/kcore"),
                new Step.MaskPath("/sys/firmware"), new Step.MaskPath("/proc/absent")));
        assertEquals(List.of(
                "mount /r/dev/null /r/proc/kcore null 0x1000 null",
                "mount tmpfs /r/sys/firmware tmpfs 0x1 null"), sys.calls);
    }

    @Test
    void maskingRefusesADevNullThatIsNotTheNullDevice() {
        RecordingSyscalls sys = withRoot()
                .file("/r/proc/kcore", Syscalls.FileKind.REGULAR)
                .file("/r/dev/null", Syscalls.FileKind.REGULAR);
        StepFailure f = assertThrows(StepFailure.class,
                () -> new InitExecutor(sys).run(initPlan(new Step.OpenRoot("/r"), new Step.MaskPath("/proc/kcore"))));
        assertTrue(f.getMessage().contains("/dev/null is not the null device (char 1:3)"), f.getMessage());
        assertTrue(sys.calls.isEmpty(), sys.calls.toString());
    }

    @Test
    void readonlyPathBindsThenRemountsReadOnly() throws Exception {
        RecordingSyscalls sys = withRoot("/proc/sys");
        new InitExecutor(sys).run(initPlan(new Step.OpenRoot("/r"), new Step.ReadonlyPath("/proc/sys")));
        assertEquals(List.of(
                "mount /r/proc/sys /r/proc/sys null 0x5000 null",
                "mount null /r/proc/sys null 0x5021 null"), sys.calls);
    }

    @Test
    void capabilitiesBecomeKernelBitMasks() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        new InitExecutor(sys).run(initPlan(
                new Step.CapbsetDrop(List.of("CAP_SYS_ADMIN")),
                new Step.Capset(List.of("CAP_KILL"), List.of("CAP_KILL", "CAP_NET_BIND_SERVICE"), List.of()),
                new Step.AmbientRaise(List.of("CAP_KILL"))));
        assertEquals(List.of(
                "prctl 24 21 0",
                "capset 0x20 0x420 0x0",
                "prctl 47 2 5"), sys.calls);
    }

    @Test
    void bindMountOfAFileGetsAFileAsMountPoint() throws Exception {
        RecordingSyscalls sys = withRoot().file("/etc/hosts", Syscalls.FileKind.REGULAR);
        new InitExecutor(sys).run(initPlan(new Step.OpenRoot("/r"), new Step.CreateMountPoint("/etc/hosts", "/etc/hosts"),
                new Step.CreateMountPoint("/data/dir", null)));
        assertEquals(List.of("mkdir /r/etc", "touch /r/etc/hosts", "mkdir /r/data", "mkdir /r/data/dir"), sys.calls);
    }

    @Test
    void aBindSourceBelowTheRootfsIsResolvedInsideIt() throws Exception {
        RecordingSyscalls sys = withRoot("/data", "/mnt");
        new InitExecutor(sys).run(initPlan(new Step.OpenRoot("/r"),
                new Step.Mount("/r/data", "/mnt", null, List.of("MS_BIND"), null)));
        assertEquals(List.of("mount /r/data /r/mnt null 0x1000 null"), sys.calls);
    }

    @Test
    void sysctlsAndOomScoreGoThroughTheProcfsOpenedAtTheStart() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        new InitExecutor(sys).run(initPlan(new Step.WriteSysctl("net.ipv4.ip_forward", "1"), new Step.WriteOomScoreAdj(-500)));
        assertEquals(List.of("write /proc/sys/net/ipv4/ip_forward 1", "write /proc/4242/oom_score_adj -500"), sys.calls);
    }

    @Test
    void parentStepsAfterTheFirstInitStepAreHandedToTheParentOncePerRun() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        Plan plan = new Plan(List.of(
                new Plan.Entry(Actor.PARENT, new Step.Spawn(List.of("/java"), false)),
                new Plan.Entry(Actor.INIT, new Step.Chdir("/")),
                new Plan.Entry(Actor.PARENT, new Step.CgroupJoin(List.of("/cg/a"))),
                new Plan.Entry(Actor.PARENT, new Step.CgroupJoin(List.of("/cg/b"))),
                new Plan.Entry(Actor.INIT, new Step.Unshare(List.of("cgroup")))));
        List<Integer> asked = new ArrayList<>();
        new InitExecutor(sys).run(plan, number -> {
            asked.add(number);
            sys.calls.add("parent ran from step " + number);
        });
        assertEquals(List.of(3), asked);
        assertEquals(List.of("chdir /", "parent ran from step 3", "unshare 0x2000000"), sys.calls);
    }

    /** A parent that records "created" among the kernel calls, to show the order. */
    private static InitExecutor.Parent recordingParent(RecordingSyscalls sys) {
        return new InitExecutor.Parent() {
            @Override
            public void runStepsFrom(int number) {
                sys.calls.add("parent ran from step " + number);
            }

            @Override
            public void created() {
                sys.calls.add("created");
            }
        };
    }

    @Test
    void createFindsTheProgramThenSaysCreatedThenWaitsOnTheFifoBeforeTheExecve() {
        RecordingSyscalls sys = new RecordingSyscalls().file("/bin/sh", Syscalls.FileKind.REGULAR);
        Plan plan = initPlan(new Step.AwaitStart("/run/jspec/c/exec.fifo"), new Step.Execve(List.of("sh"), List.of("PATH=/bin")));
        assertThrows(RecordingSyscalls.ExecvedForTest.class, () -> new InitExecutor(sys).run(plan, recordingParent(sys)));
        assertEquals(List.of("created", "reopen_write fd 7", "write fd 7 0", "execve /bin/sh [sh]"), sys.calls);
    }

    @Test
    void tmpcopyupCopiesTheImagesDirectoryFromUnderTheNewTmpfsIntoIt() throws Exception {
        RecordingSyscalls sys = withRoot("/run");
        new InitExecutor(sys).run(initPlan(new Step.OpenRoot("/r"), new Step.CopyUp("/run"),
                new Step.Mount("tmpfs", "/run", "tmpfs", List.of("MS_NOSUID"), "size=1m")));
        assertEquals(List.of("mount tmpfs /r/run tmpfs 0x2 size=1m", "copy_tree /r/run /r/run"), sys.calls);
    }

    @Test
    void createOfAMissingProgramFailsBeforeTheContainerIsCreated() {
        RecordingSyscalls sys = new RecordingSyscalls();
        Plan plan = initPlan(new Step.AwaitStart("/run/jspec/c/exec.fifo"), new Step.Execve(List.of("nosuch"), List.of("PATH=/bin")));
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(sys).run(plan, recordingParent(sys)));
        assertEquals(ExitCodes.NOT_FOUND, f.exitCode());
        assertEquals(List.of(), sys.calls, "neither created nor waiting");
    }

    @Test
    void anApparmorProfileIsWrittenToItsOwnAttrFileForThisThread() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        new InitExecutor(sys).run(initPlan(new Step.SetExecLabel("apparmor", "jspec-default")));
        assertEquals(List.of("write /proc/4242/task/4242/attr/apparmor/exec exec jspec-default"), sys.calls);
    }

    @Test
    void anApparmorProfileGoesToTheSharedAttrFileOnKernelsWithoutTheApparmorDirectory() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("open /proc/4242/task/4242/attr/apparmor", Errno.ENOENT);
        new InitExecutor(sys).run(initPlan(new Step.SetExecLabel("apparmor", "jspec-default")));
        assertEquals(List.of("write /proc/4242/task/4242/attr/exec exec jspec-default"), sys.calls);
    }

    @Test
    void anSelinuxLabelIsWrittenAsItIs() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        new InitExecutor(sys).run(initPlan(new Step.SetExecLabel("selinux", "system_u:system_r:container_t:s0")));
        assertEquals(List.of("write /proc/4242/task/4242/attr/exec system_u:system_r:container_t:s0"), sys.calls);
    }

    @Test
    void aLabelThePolicyDoesNotKnowFailsTheStartNamingIt() {
        RecordingSyscalls sys = new RecordingSyscalls().failOn("write /proc/4242/task/4242/attr/apparmor/exec", Errno.EINVAL);
        StepFailure f = assertThrows(StepFailure.class,
                () -> new InitExecutor(sys).run(initPlan(new Step.SetExecLabel("apparmor", "nosuch"))));
        assertTrue(f.getMessage().startsWith("step 2 write(\"/proc/thread-self/attr/apparmor/exec\", \"exec nosuch\"): "
                + "write /proc/4242/task/4242/attr/apparmor/exec exec nosuch: EINVAL"),
                f.getMessage());
    }

    /** Just enough libseccomp for the executor: every call succeeds, a notifying filter's listener is 55. */
    private static final class FakeLibseccomp implements dev.jspec.seccomp.Libseccomp {
        final List<String> calls = new ArrayList<>();
        int ruleFails;

        @Override public long init(int defaultAction) { calls.add("init"); return 1; }
        @Override public int attrSet(long ctx, int attr, int value) { return 0; }
        @Override public int archResolveName(String name) { return 1; }
        @Override public int archAdd(long ctx, int archToken) { return 0; }
        @Override public int syscallResolveName(String name) { return 83; }
        @Override public int ruleAdd(long ctx, int action, int syscall, List<dev.jspec.spec.SeccompRule.Condition> c) {
            calls.add("rule");
            return -ruleFails;
        }
        @Override public int load(long ctx) { calls.add("load"); return 0; }
        @Override public int notifyFd(long ctx) { return 55; }
        @Override public void release(long ctx) { calls.add("release"); }
        @Override public String version() { return "2.5.4"; }
    }

    @Test
    void aNotifyingFilterSendsItsListenerToTheParentWhoForwardsItNext() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        FakeLibseccomp lib = new FakeLibseccomp();
        Plan plan = new Plan(List.of(
                new Plan.Entry(Actor.INIT, new Step.Seccomp("SCMP_ACT_ALLOW", List.of(), List.of(), List.of("SCMP_ACT_NOTIFY mkdir"))),
                new Plan.Entry(Actor.PARENT, new Step.SeccompListener("/a.sock", null, "c", "/b", List.of())),
                new Plan.Entry(Actor.INIT, new Step.Chdir("/"))));
        List<Integer> parentAsked = new ArrayList<>();
        new InitExecutor(sys, lib).run(plan, parentAsked::add);
        assertEquals(List.of("init", "rule", "load", "release"), lib.calls);
        assertEquals(List.of("sendfd 6 55", "chdir /"), sys.calls);
        assertEquals(List.of(2), parentAsked);
    }

    @Test
    void withoutAnAgentTheListenerIsClosedNotSent() throws Exception {
        RecordingSyscalls sys = new RecordingSyscalls();
        new InitExecutor(sys, new FakeLibseccomp()).run(initPlan(
                new Step.Seccomp("SCMP_ACT_ALLOW", List.of(), List.of(), List.of("SCMP_ACT_NOTIFY mkdir"))));
        assertEquals(List.of(), sys.calls);
    }

    @Test
    void aFilterLibseccompRefusesNamesTheLibseccompCall() {
        FakeLibseccomp lib = new FakeLibseccomp();
        lib.ruleFails = Errno.EINVAL;
        Plan plan = initPlan(new Step.Seccomp("SCMP_ACT_ALLOW", List.of(), List.of(), List.of("SCMP_ACT_ERRNO(1) mkdir a1==7")));
        StepFailure f = assertThrows(StepFailure.class, () -> new InitExecutor(new RecordingSyscalls(), lib).run(plan));
        assertEquals("step 2 seccomp(default=SCMP_ACT_ALLOW, ERRNO(1): 1 syscall, 1 rule on arguments, flags=[TSYNC]): "
                + "seccomp_rule_add(SCMP_ACT_ERRNO(1), mkdir, a1==7): EINVAL (Invalid argument)", f.getMessage());
        assertEquals(ExitCodes.START_FAILED, f.exitCode());
    }
}
