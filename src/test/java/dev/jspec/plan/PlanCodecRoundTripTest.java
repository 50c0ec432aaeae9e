package dev.jspec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.spec.Spec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanCodecRoundTripTest {

    /** A plan that uses as many kinds of step as one config can reach, with awkward strings. */
    private static Plan largePlan(HostFacts host) {
        SpecFixture f = SpecFixture.container()
                .mount("/dev", "tmpfs", "tmpfs", "nosuid", "ro", "mode=755")
                .mount("/dev/pts", "devpts", "devpts", "newinstance", "ptmxmode=0666")
                .mount("/data dir", "bind", "data \"quoted\"\\x", "rbind", "rro", "nosuid", "rshared")
                .mount("/run", "tmpfs", "tmpfs", "nosuid", "tmpcopyup", "size=1m")
                .namespace("cgroup", null)
                .namespace("user", "/proc/1/ns/user");
        f.terminal = true;
        f.hostname = "host\tname";
        f.domainname = "example.org";
        f.rootReadonly = true;
        f.rootfsPropagation = "shared";
        f.user = new Spec.User(1000, 1000, 027, List.of(4L, 24L), null);
        List<String> caps = List.of("CAP_CHOWN", "CAP_KILL");
        f.capabilities = SpecFixture.caps(caps, caps, caps, List.of("CAP_KILL"), List.of("CAP_KILL"));
        f.rlimits.add(new Spec.Rlimit("RLIMIT_NOFILE", -1, 1024));
        f.oomScoreAdj = -500;
        f.noNewPrivileges = true;
        f.devices.add(new Spec.Device("b", "/dev/sda", 8, 0, 0660, 0L, 6L));
        f.sysctl.put("net.ipv4.ip_forward", "1");
        f.maskedPaths.add("/proc/kcore");
        f.readonlyPaths.add("/proc/sys");
        f.resources = SpecFixture.fullResources();
        f.annotations.put("org.example/key", "v\"al");
        f.hooks = SpecFixture.hooks("createRuntime", new Spec.Hook("/usr/bin/hook", List.of("hook", "a b"), List.of("X=1"), 5),
                "startContainer", new Spec.Hook("/bin/true", List.of(), List.of(), null));
        f.env = List.of("PATH=/bin", "UNICODE=\u00e9\u4e2d", "CTRL=\u0001");
        f.seccomp = new Spec.Seccomp("SCMP_ACT_ERRNO", 38, List.of("SCMP_ARCH_X86_64"), List.of("SECCOMP_FILTER_FLAG_LOG"),
                "/run/agent.sock", "meta", List.of(
                        new Spec.SeccompSyscall(List.of("read", "write"), "SCMP_ACT_ALLOW", null, List.of()),
                        new Spec.SeccompSyscall(List.of("mkdir"), "SCMP_ACT_NOTIFY", null, List.of()),
                        new Spec.SeccompSyscall(List.of("clone"), "SCMP_ACT_ALLOW", null,
                                List.of(new Spec.SeccompArg(0, -1L, 2, "SCMP_CMP_MASKED_EQ")))));
        return Planner.plan(f.build(), new PlanContext("big", "/bundles/big", host, 1, "/run/jspec/big/exec.fifo"));
    }

    @Test
    void aLargePlanSurvivesJsonBothWays() {
        for (HostFacts host : List.of(SpecFixture.HYBRID, SpecFixture.V2)) {
            Plan plan = largePlan(host);
            assertEquals(plan, PlanCodec.fromJson(PlanCodec.toJson(plan)));
        }
    }

    @Test
    void theLargePlanCoversMostKindsOfStep() {
        Set<Class<?>> seen = new HashSet<>();
        largePlan(SpecFixture.HYBRID).entries().forEach(e -> seen.add(e.step().getClass()));
        largePlan(SpecFixture.V2).entries().forEach(e -> seen.add(e.step().getClass()));
        assertTrue(seen.size() >= Step.class.getPermittedSubclasses().length - 2, "seen " + seen.size() + " kinds: " + seen);
    }
}
