package dev.jspec.spec;

import static dev.jspec.spec.Configs.minimal;
import static dev.jspec.spec.Configs.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What runtime-spec and runc require of linux.seccomp beyond the schema, each at its line and column. */
class SeccompValidationTest {

    private static String seccomp(String body) {
        return minimal("linux:\n  namespaces: [{type: mount}]\n  seccomp:\n" + body.indent(4));
    }

    @Test
    void defaultErrnoRetNeedsAnActionThatReturnsOne() {
        assertEquals("10:22: defaultErrnoRet applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE only; SCMP_ACT_KILL_PROCESS returns no errno"
                + " (at linux.seccomp.defaultErrnoRet)", problem(seccomp("defaultAction: SCMP_ACT_KILL_PROCESS\ndefaultErrnoRet: 1\n")));
        Configs.load(seccomp("defaultAction: SCMP_ACT_TRACE\ndefaultErrnoRet: 38\n"));
    }

    @Test
    void notifyCannotBeTheDefaultAction() {
        assertEquals("9:20: SCMP_ACT_NOTIFY cannot be the default action: the init's own calls would wait for an agent that does not"
                + " have the listener yet (at linux.seccomp.defaultAction)",
                problem(seccomp("defaultAction: SCMP_ACT_NOTIFY\nlistenerPath: /run/agent.sock\n")));
    }

    @Test
    void notifyCannotTakeTheCallsTheInitNeedsToHandOverTheListener() {
        assertEquals("11:32: SCMP_ACT_NOTIFY cannot be used for write: the init needs it to hand the listener to jspec, before any"
                + " agent could answer (at linux.seccomp.syscalls[0].names[1])", problem(seccomp("""
                        defaultAction: SCMP_ACT_ALLOW
                        listenerPath: /run/agent.sock
                        syscalls: [{names: [mkdir, write], action: SCMP_ACT_NOTIFY}]
                        """)));
    }

    @Test
    void theListenerIsAnAbsolutePathAndItsMetadataNeedsIt() {
        assertEquals("10:19: listenerPath must be an absolute path on the host; 'agent.sock' is relative (at linux.seccomp.listenerPath)",
                problem(seccomp("defaultAction: SCMP_ACT_ALLOW\nlistenerPath: agent.sock\n")));
        assertEquals("10:23: listenerMetadata is set but listenerPath is not; the metadata goes to the agent there"
                + " (at linux.seccomp.listenerMetadata)", problem(seccomp("defaultAction: SCMP_ACT_ALLOW\nlistenerMetadata: x\n")));
    }

    @Test
    void aSyscallNameIsLettersDigitsAndUnderscores() {
        assertEquals("10:25: 'kill tkill' is not a system call name (at linux.seccomp.syscalls[0].names[0])",
                problem(seccomp("defaultAction: SCMP_ACT_ALLOW\nsyscalls: [{names: ['kill tkill'], action: SCMP_ACT_ERRNO}]\n")));
    }

    @Test
    void aSyscallUnknownToTheKernelIsFineItIsSkippedWhenLoading() {
        Configs.load(seccomp("defaultAction: SCMP_ACT_ALLOW\nsyscalls: [{names: [no_such_call_yet], action: SCMP_ACT_ERRNO, errnoRet: 38}]\n"));
    }
}
