package dev.jspec.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.plan.Step;
import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the init asks of libseccomp for a filter step: the calls, in order, and what their failures say. */
class SeccompLoaderTest {

    private static Step.Seccomp step(String defaultAction, List<String> archs, List<String> flags, String... rules) {
        return new Step.Seccomp(defaultAction, archs, flags, List.of(rules));
    }

    @Test
    void aFilterIsBuiltWithoutNoNewPrivsSynchronisedToAllThreadsLoadedAndReleased() {
        RecordingLibseccomp lib = new RecordingLibseccomp();
        int fd = new SeccompLoader(lib).load(step("SCMP_ACT_ERRNO(38)", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"), List.of(),
                "SCMP_ACT_ALLOW mkdir,mkdirat", "SCMP_ACT_KILL_PROCESS reboot"));
        assertEquals(-1, fd, "no listener without SCMP_ACT_NOTIFY");
        assertEquals(List.of(
                "init 0x50026",
                "attr 9=1",
                "attr 3=0",
                "attr 4=1",
                "arch_resolve x86_64", "arch_add 0xc000003e",
                "arch_resolve x86", "arch_add 0x40000003",
                "rule 0x7fff0000 83", "rule 0x7fff0000 258",
                "rule 0x80000000 169",
                "load",
                "release"), lib.calls);
    }

    @Test
    void everyActionHasLibseccompsValue() {
        assertEquals(0x7fff0000, SeccompLoader.action("SCMP_ACT_ALLOW"));
        assertEquals(0x00050001, SeccompLoader.action("SCMP_ACT_ERRNO(1)"));
        assertEquals(0x00050026, SeccompLoader.action("SCMP_ACT_ERRNO(38)"));
        assertEquals(0x80000000, SeccompLoader.action("SCMP_ACT_KILL_PROCESS"));
        assertEquals(0x00000000, SeccompLoader.action("SCMP_ACT_KILL_THREAD"));
        assertEquals(0x00000000, SeccompLoader.action("SCMP_ACT_KILL"));
        assertEquals(0x00030000, SeccompLoader.action("SCMP_ACT_TRAP"));
        assertEquals(0x7ff00005, SeccompLoader.action("SCMP_ACT_TRACE(5)"));
        assertEquals(0x7ffc0000, SeccompLoader.action("SCMP_ACT_LOG"));
        assertEquals(0x7fc00000, SeccompLoader.action("SCMP_ACT_NOTIFY"));
    }

    @Test
    void everyOperatorReachesLibseccompWithItsData() {
        RecordingLibseccomp lib = new RecordingLibseccomp();
        new SeccompLoader(lib).load(step("SCMP_ACT_ALLOW", List.of(), List.of(),
                "SCMP_ACT_ERRNO(1) kill a0!=1 a1<2 a2<=3 a3==4 a4>=5 a5>6",
                "SCMP_ACT_ERRNO(1) clone a0&0x7e020000==0",
                "SCMP_ACT_ERRNO(1) personality a0==18446744073709551615"));
        List<String> rules = lib.calls.stream().filter(c -> c.startsWith("rule")).toList();
        assertEquals(List.of(
                "rule 0x50001 62 0:1:1:0 1:2:2:0 2:3:3:0 3:4:4:0 4:5:5:0 5:6:6:0",
                "rule 0x50001 56 0:7:2114060288:0",
                "rule 0x50001 135 0:4:18446744073709551615:0"), rules);
    }

    @Test
    void systemCallsLibseccompDoesNotKnowAreSkipped() {
        RecordingLibseccomp lib = new RecordingLibseccomp();
        new SeccompLoader(lib).load(step("SCMP_ACT_ALLOW", List.of(), List.of(), "SCMP_ACT_ERRNO(1) no_such_call,mkdir,newer_than_this_kernel"));
        assertEquals(List.of("rule 0x50001 83"), lib.calls.stream().filter(c -> c.startsWith("rule")).toList());
    }

    @Test
    void theNativeArchitectureAlreadyInTheFilterIsFine() {
        RecordingLibseccomp lib = new RecordingLibseccomp().failOn("arch_add 0xc000003e", 17);
        new SeccompLoader(lib).load(step("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X32"), List.of()));
        assertTrue(lib.calls.contains("arch_add 0x4000003e") && lib.calls.contains("load"), lib.calls.toString());
    }

    @Test
    void anArchitectureThisLibseccompDoesNotKnowIsNamed() {
        RecordingLibseccomp lib = new RecordingLibseccomp();
        SyscallException e = assertThrows(SyscallException.class, () -> new SeccompLoader(lib).load(
                step("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_M68K"), List.of())));
        assertEquals("seccomp_arch_resolve_name(\"m68k\") [SCMP_ARCH_M68K is not known to libseccomp 2.5.4]", e.call());
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("release", lib.calls.getLast(), "the context is released on failure too");
    }

    @Test
    void flagsBecomeFilterAttributes() {
        RecordingLibseccomp lib = new RecordingLibseccomp();
        new SeccompLoader(lib).load(step("SCMP_ACT_ALLOW", List.of(), List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")));
        assertEquals(List.of("attr 9=1", "attr 3=0", "attr 4=1", "attr 6=1", "attr 7=1", "attr 10=1"),
                lib.calls.stream().filter(c -> c.startsWith("attr")).toList());
    }

    @Test
    void aFlagThisLibseccompLacksIsAStartFailureThatSaysSo() {
        RecordingLibseccomp lib = new RecordingLibseccomp().failOn("attr 10=1", Errno.EINVAL);
        SyscallException e = assertThrows(SyscallException.class, () -> new SeccompLoader(lib).load(
                step("SCMP_ACT_ALLOW", List.of(), List.of("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))));
        assertTrue(e.call().contains("needs libseccomp 2.6 or later; this is 2.5.4"), e.call());
    }

    @Test
    void aRefusedRuleNamesTheCallItsActionAndConditions() {
        RecordingLibseccomp lib = new RecordingLibseccomp().failOn("rule 0x50001 62", Errno.EINVAL);
        SyscallException e = assertThrows(SyscallException.class, () -> new SeccompLoader(lib).load(
                step("SCMP_ACT_ALLOW", List.of(), List.of(), "SCMP_ACT_ERRNO(1) kill a1==9")));
        assertEquals("seccomp_rule_add(SCMP_ACT_ERRNO(1), kill, a1==9)", e.call());
        assertEquals("release", lib.calls.getLast());
    }

    @Test
    void aThreadThatCannotTakeTheFilterIsNamedAsSuch() {
        RecordingLibseccomp lib = new RecordingLibseccomp().failOn("load", Errno.ESRCH);
        SyscallException e = assertThrows(SyscallException.class, () -> new SeccompLoader(lib).load(step("SCMP_ACT_ALLOW", List.of(), List.of())));
        assertTrue(e.call().startsWith("seccomp_load()") && e.call().contains("TSYNC"), e.call());
        assertEquals(Errno.ESRCH, e.errno());
    }

    @Test
    void aNotifyingFilterReturnsItsListener() {
        RecordingLibseccomp lib = new RecordingLibseccomp();
        assertEquals(77, new SeccompLoader(lib).load(step("SCMP_ACT_ALLOW", List.of(), List.of(), "SCMP_ACT_NOTIFY mkdir")));
        assertEquals(List.of("rule 0x7fc00000 83", "load", "notify_fd", "release"), lib.calls.subList(lib.calls.size() - 4, lib.calls.size()));
    }

    @Test
    void longProfilesAskForTheBinaryTreeOptimisation() {
        List<String> rules = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            rules.add("SCMP_ACT_ERRNO(" + (i + 2) + ") mkdir");
        }
        RecordingLibseccomp lib = new RecordingLibseccomp();
        new SeccompLoader(lib).load(new Step.Seccomp("SCMP_ACT_ALLOW", List.of(), List.of(), rules));
        assertTrue(lib.calls.contains("attr 8=2"), lib.calls.toString());
    }
}
