package dev.jspec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.seccomp.ContainerProcessState;
import dev.jspec.spec.Spec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A config's seccomp section read as runc reads it, into the filter the plan shows. */
class SeccompProfileTest {

    private static Spec.Seccomp profile(String defaultAction, Integer defaultErrnoRet, Spec.SeccompSyscall... calls) {
        return new Spec.Seccomp(defaultAction, defaultErrnoRet, List.of(), List.of(), null, null, List.of(calls));
    }

    private static Spec.SeccompSyscall call(String action, Integer errnoRet, List<String> names, Spec.SeccompArg... args) {
        return new Spec.SeccompSyscall(names, action, errnoRet, List.of(args));
    }

    @Test
    void errnoAndTraceReturnEpermUnlessTheConfigSaysOtherwise() {
        Step.Seccomp step = SeccompProfile.step(profile("SCMP_ACT_ERRNO", null,
                call("SCMP_ACT_TRACE", null, List.of("ptrace")),
                call("SCMP_ACT_ERRNO", 13, List.of("mkdir")),
                call("SCMP_ACT_ALLOW", null, List.of("read"))));
        assertEquals("SCMP_ACT_ERRNO(1)", step.defaultAction());
        assertEquals(List.of("SCMP_ACT_TRACE(1) ptrace", "SCMP_ACT_ERRNO(13) mkdir", "SCMP_ACT_ALLOW read"), step.rules());
        assertEquals("SCMP_ACT_ERRNO(38)", SeccompProfile.step(profile("SCMP_ACT_ERRNO", 38)).defaultAction());
    }

    @Test
    void killIsKillThread() {
        Step.Seccomp step = SeccompProfile.step(profile("SCMP_ACT_KILL", null, call("SCMP_ACT_KILL", null, List.of("reboot")),
                call("SCMP_ACT_ALLOW", null, List.of("read"))));
        assertEquals("SCMP_ACT_KILL_THREAD", step.defaultAction());
        assertEquals(List.of("SCMP_ACT_ALLOW read"), step.rules(), "a rule with the default action is left out");
    }

    @Test
    void aRuleThatRepeatsTheDefaultActionIsLeftOut() {
        Step.Seccomp step = SeccompProfile.step(profile("SCMP_ACT_ERRNO", 1,
                call("SCMP_ACT_ERRNO", null, List.of("reboot")),
                call("SCMP_ACT_ERRNO", 38, List.of("clone3"))));
        assertEquals(List.of("SCMP_ACT_ERRNO(38) clone3"), step.rules());
    }

    @Test
    void conditionsOnDifferentArgumentsMustAllHold() {
        Step.Seccomp step = SeccompProfile.step(profile("SCMP_ACT_ALLOW", null, call("SCMP_ACT_ERRNO", null, List.of("kill"),
                new Spec.SeccompArg(0, 1, 0, "SCMP_CMP_EQ"), new Spec.SeccompArg(1, 9, 77, "SCMP_CMP_EQ"))));
        assertEquals(List.of("SCMP_ACT_ERRNO(1) kill a0==1 a1==9"), step.rules(), "valueTwo counts only for a masked comparison");
    }

    @Test
    void severalConditionsOnOneArgumentAreEachARuleOfTheirOwn() {
        Step.Seccomp step = SeccompProfile.step(profile("SCMP_ACT_ERRNO", null, call("SCMP_ACT_ALLOW", null, List.of("personality"),
                new Spec.SeccompArg(0, 0, 0, "SCMP_CMP_EQ"), new Spec.SeccompArg(0, 8, 0, "SCMP_CMP_EQ"),
                new Spec.SeccompArg(0, 0xffffffffL, 0, "SCMP_CMP_EQ"))));
        assertEquals(List.of("SCMP_ACT_ALLOW personality a0==0", "SCMP_ACT_ALLOW personality a0==8",
                "SCMP_ACT_ALLOW personality a0==4294967295"), step.rules());
    }

    @Test
    void aMaskedComparisonKeepsItsDatum() {
        Step.Seccomp step = SeccompProfile.step(profile("SCMP_ACT_ERRNO", null, call("SCMP_ACT_ALLOW", null, List.of("clone"),
                new Spec.SeccompArg(0, 2114060288L, 0, "SCMP_CMP_MASKED_EQ"))));
        assertEquals(List.of("SCMP_ACT_ALLOW clone a0&0x7e020000==0"), step.rules());
    }

    @Test
    void architecturesAndFlagsPassThrough() {
        Spec.Seccomp s = new Spec.Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"),
                List.of("SECCOMP_FILTER_FLAG_LOG"), null, null, List.of());
        Step.Seccomp step = SeccompProfile.step(s);
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"), step.architectures());
        assertEquals(List.of("SECCOMP_FILTER_FLAG_LOG"), step.flags());
    }

    @Test
    void theSummaryCountsSystemCallsPerAction() {
        Step.Seccomp step = new Step.Seccomp("SCMP_ACT_ERRNO(1)", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"),
                List.of("SECCOMP_FILTER_FLAG_SPEC_ALLOW"), List.of(
                        "SCMP_ACT_ALLOW read,write,openat",
                        "SCMP_ACT_ALLOW personality a0==0",
                        "SCMP_ACT_ALLOW personality a0==8",
                        "SCMP_ACT_ERRNO(38) clone3"));
        assertEquals("seccomp(default=SCMP_ACT_ERRNO(1), ALLOW: 4 syscalls, ERRNO(38): 1 syscall, 2 rules on arguments,"
                + " arch=[X86_64, X86], flags=[TSYNC, SPEC_ALLOW])", SeccompProfile.summary(step));
        assertEquals("seccomp(default=SCMP_ACT_ALLOW, flags=[TSYNC])",
                SeccompProfile.summary(new Step.Seccomp("SCMP_ACT_ALLOW", List.of(), List.of(), List.of())));
    }

    @Test
    void onlyNotifyRulesNeedAListener() {
        assertTrue(SeccompProfile.notifies(new Step.Seccomp("SCMP_ACT_ALLOW", List.of(), List.of(), List.of("SCMP_ACT_NOTIFY mkdir"))));
        assertFalse(SeccompProfile.notifies(new Step.Seccomp("SCMP_ACT_ALLOW", List.of(), List.of(), List.of("SCMP_ACT_LOG mkdir"))));
    }

    @Test
    void theStateAnAgentGetsIsRuntimeSpecsContainerProcessState() {
        Step.SeccompListener l = new Step.SeccompListener("/run/agent.sock", "MKNOD=/dev/null", "c1", "/bundles/c1",
                List.of("org.example.key", "va\"lue"));
        assertEquals("{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":4242,\"metadata\":\"MKNOD=/dev/null\","
                + "\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":4242,\"bundle\":\"/bundles/c1\","
                + "\"annotations\":{\"org.example.key\":\"va\\\"lue\"}}}", ContainerProcessState.json(l, 4242));
        assertEquals("{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":7,"
                + "\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":7,\"bundle\":\"/b\"}}",
                ContainerProcessState.json(new Step.SeccompListener("/a", null, "c1", "/b", List.of()), 7));
    }
}
