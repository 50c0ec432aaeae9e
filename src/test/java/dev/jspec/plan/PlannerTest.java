package dev.jspec.plan;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.spec.Spec;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class PlannerTest {

    private static Plan plan(SpecFixture f) {
        return Planner.plan(f.build(), SpecFixture.context());
    }

    private static List<Step> steps(Plan plan, Actor actor) {
        return plan.by(actor).stream().map(Plan.Entry::step).toList();
    }

    private static int indexOf(Plan plan, Predicate<Step> p) {
        List<Plan.Entry> entries = plan.entries();
        for (int i = 0; i < entries.size(); i++) {
            if (p.test(entries.get(i).step())) {
                return i;
            }
        }
        throw new AssertionError("no such step in the plan:\n" + PlanText.render(plan, List.of()));
    }

    private static int indexOf(Plan plan, Step step) {
        return indexOf(plan, step::equals);
    }

    private static <T extends Step> List<T> all(Plan plan, Class<T> type) {
        return plan.entries().stream().map(Plan.Entry::step).filter(type::isInstance).map(type::cast).toList();
    }

    private static Step.Mount mount(String source, String target, String fstype, List<String> flags, String data) {
        return new Step.Mount(source, target, fstype, flags, data);
    }

    @Test
    void rootfsBindThenOpenRootThenMountsThenPivotRootThenExecve() {
        Plan plan = plan(SpecFixture.container());
        String rootfs = SpecFixture.BUNDLE + "/rootfs";
        int propagation = indexOf(plan, mount(null, "/", null, List.of("MS_REC", "MS_SLAVE"), null));
        int bind = indexOf(plan, mount(rootfs, rootfs, null, List.of("MS_BIND", "MS_REC"), null));
        int open = indexOf(plan, new Step.OpenRoot(rootfs));
        int proc = indexOf(plan, mount("proc", "/proc", "proc", List.of(), null));
        int pivot = indexOf(plan, new Step.PivotRoot(rootfs));
        int execve = indexOf(plan, s -> s instanceof Step.Execve);
        assertTrue(propagation < bind && bind < open && open < proc && proc < pivot && pivot < execve);
        assertTrue(plan.entries().stream().noneMatch(e -> e.step().toString().contains(".oldroot")),
                "the host's root never gets a name inside the container");
        assertEquals(new Step.CreateMountPoint("/proc", null), plan.entries().get(proc - 1).step());
        assertEquals(plan.entries().size() - 1, execve, "execve is the last step");
        assertTrue(indexOf(plan, new Step.CloseFrom(3)) < indexOf(plan, s -> s instanceof Step.Capset));
    }

    @Test
    void parentCreatesCgroupsEntersNamespacesSpawnsAndJoins() {
        SpecFixture f = SpecFixture.container();
        f.namespaces.clear();
        f.namespace("network", "/proc/42/ns/net").namespace("time", null).namespace("pid", null).namespace("ipc", "/proc/42/ns/ipc")
                .namespace("mount", null).namespace("cgroup", null).namespace("uts", null);
        List<Step> parent = steps(plan(f), Actor.PARENT);
        assertEquals(0, parent.indexOf(new Step.Setns("network", "/proc/42/ns/net")), "the init's namespaces first");
        assertEquals(1, parent.indexOf(new Step.Setns("ipc", "/proc/42/ns/ipc")), "setns in config order");
        assertEquals(new Step.Unshare(List.of("mount", "uts", "pid", "time")), parent.get(2), "canonical order, no cgroup");
        assertEquals(new Step.Spawn(SpecFixture.INIT, false), parent.get(3));
        int join = parent.size() - 1;
        assertTrue(parent.get(join) instanceof Step.CgroupJoin j && j.dirs().size() == 8);
        assertTrue(join > 4 && parent.subList(4, join).stream().allMatch(s -> s.getClass().getSimpleName().startsWith("Cgroup")),
                "the cgroups are made after the spawn, before the init joins them: " + parent);
    }

    @Test
    void aConfigWithTheUsualNamespacesStartsWithThePrelude() {
        SpecFixture f = SpecFixture.container();
        f.namespaces.clear();
        f.namespace("pid", null).namespace("network", null).namespace("ipc", null).namespace("uts", null).namespace("mount", null)
                .namespace("cgroup", null);
        Plan plan = plan(f);
        List<Plan.Entry> prelude = Planner.prelude(SpecFixture.context(), false);
        assertTrue(prelude.getLast().step() instanceof Step.Spawn, "the prelude ends with the spawn: " + prelude);
        assertEquals(prelude, plan.entries().subList(0, prelude.size()));
        assertNotEquals(prelude, Planner.prelude(SpecFixture.context(), true), "the terminal is part of the spawn");
    }

    @Test
    void aConfigThatJoinsANamespaceDoesNotStartWithThePrelude() {
        SpecFixture f = SpecFixture.container();
        f.namespaces.clear();
        f.namespace("pid", null).namespace("network", "/proc/42/ns/net").namespace("ipc", null).namespace("uts", null)
                .namespace("mount", null);
        Plan plan = plan(f);
        List<Plan.Entry> prelude = Planner.prelude(SpecFixture.context(), false);
        assertNotEquals(prelude, plan.entries().subList(0, prelude.size()));
    }

    @Test
    void bindMountOptionsSplitIntoFlagsAndARemount() {
        SpecFixture f = SpecFixture.container().mount("/data", "bind", "data", "rbind", "ro", "nosuid", "custom=1");
        Plan plan = plan(f);
        String source = SpecFixture.BUNDLE + "/data";
        int mp = indexOf(plan, new Step.CreateMountPoint("/data", source));
        assertEquals(mount(source, "/data", null, List.of("MS_RDONLY", "MS_NOSUID", "MS_BIND", "MS_REC"), "custom=1"),
                plan.entries().get(mp + 1).step());
        assertEquals(mount(null, "/data", null, List.of("MS_RDONLY", "MS_NOSUID", "MS_REMOUNT", "MS_BIND", "MS_REC"), null),
                plan.entries().get(mp + 2).step(), "MS_BIND ignores ro and nosuid: a remount applies them");
    }

    @Test
    void plainBindMountOfAnAbsoluteSourceNeedsNoRemount() {
        Plan plan = plan(SpecFixture.container().mount("/etc/hosts", null, "/etc/hosts", "bind"));
        int mp = indexOf(plan, new Step.CreateMountPoint("/etc/hosts", "/etc/hosts"));
        assertEquals(mount("/etc/hosts", "/etc/hosts", null, List.of("MS_BIND"), null), plan.entries().get(mp + 1).step());
        assertFalse(plan.entries().get(mp + 2).step() instanceof Step.Mount m && m.target().equals("/etc/hosts"));
    }

    @Test
    void propagationOptionsBecomeTheirOwnMountCalls() {
        Plan plan = plan(SpecFixture.container().mount("/mnt", "tmpfs", "tmpfs", "rshared", "size=1m", "private"));
        int m = indexOf(plan, mount("tmpfs", "/mnt", "tmpfs", List.of(), "size=1m"));
        assertEquals(mount(null, "/mnt", null, List.of("MS_REC", "MS_SHARED"), null), plan.entries().get(m + 1).step());
        assertEquals(mount(null, "/mnt", null, List.of("MS_PRIVATE"), null), plan.entries().get(m + 2).step());
    }

    @Test
    void recursiveReadOnlyBecomesMountSetattr() {
        Plan plan = plan(SpecFixture.container().mount("/host", "bind", "/srv", "rbind", "rro", "rnoatime", "rsuid"));
        int m = indexOf(plan, mount("/srv", "/host", null, List.of("MS_BIND", "MS_REC"), null));
        assertEquals(new Step.MountSetattr("/host", List.of("MOUNT_ATTR_RDONLY", "MOUNT_ATTR_NOATIME"),
                List.of("MOUNT_ATTR_NOSUID", "MOUNT_ATTR__ATIME"), true), plan.entries().get(m + 1).step());
    }

    @Test
    void readOnlyTmpfsIsMountedWritableAndRemountedAfterDevIsPopulated() {
        Plan plan = plan(SpecFixture.container().mount("/dev", "tmpfs", "tmpfs", "nosuid", "ro", "mode=755"));
        int m = indexOf(plan, mount("tmpfs", "/dev", "tmpfs", List.of("MS_NOSUID"), "mode=755"));
        int lastLink = indexOf(plan, new Step.Symlink("/proc/self/fd/2", "/dev/stderr"));
        int ro = indexOf(plan, mount(null, "/dev", null, List.of("MS_RDONLY", "MS_NOSUID", "MS_REMOUNT", "MS_BIND"), null));
        assertTrue(m < lastLink && lastLink < ro);
    }

    @Test
    void defaultDevicesConfiguredDevicesAndLinks() {
        SpecFixture f = SpecFixture.container().mount("/dev/pts", "devpts", "devpts", "newinstance");
        f.devices.add(new Spec.Device("c", "/dev/zero", 1, 5, 0600, 1000L, null));
        f.devices.add(new Spec.Device("c", "/dev/fuse", 10, 229, null, null, null));
        Plan plan = plan(f);
        List<Step.Mknod> nodes = all(plan, Step.Mknod.class);
        assertEquals(List.of(
                new Step.Mknod("/dev/null", "c", 1, 3, 0666, 0, 0),
                new Step.Mknod("/dev/full", "c", 1, 7, 0666, 0, 0),
                new Step.Mknod("/dev/random", "c", 1, 8, 0666, 0, 0),
                new Step.Mknod("/dev/urandom", "c", 1, 9, 0666, 0, 0),
                new Step.Mknod("/dev/tty", "c", 5, 0, 0666, 0, 0),
                new Step.Mknod("/dev/zero", "c", 1, 5, 0600, 1000, 0),
                new Step.Mknod("/dev/fuse", "c", 10, 229, 0666, 0, 0)), nodes);
        assertEquals(List.of(
                new Step.Symlink("/proc/self/fd", "/dev/fd"),
                new Step.Symlink("/proc/self/fd/0", "/dev/stdin"),
                new Step.Symlink("/proc/self/fd/1", "/dev/stdout"),
                new Step.Symlink("/proc/self/fd/2", "/dev/stderr"),
                new Step.Symlink("/proc/kcore", "/dev/core"),
                new Step.Symlink("pts/ptmx", "/dev/ptmx")), all(plan, Step.Symlink.class));
        assertTrue(indexOf(plan, s -> s instanceof Step.Mount m && "/dev/pts".equals(m.target())) < indexOf(plan, nodes.get(0)));
    }

    @Test
    void noProcMeansNoCoreLinkAndHostDevMeansNoDeviceNodes() {
        SpecFixture f = SpecFixture.container();
        f.mounts.clear();
        List<Step.Symlink> links = all(plan(f), Step.Symlink.class);
        assertFalse(links.stream().anyMatch(l -> l.linkPath().equals("/dev/core") || l.linkPath().equals("/dev/ptmx")));

        Plan bound = plan(SpecFixture.container().mount("/dev", null, "/dev", "rbind"));
        assertTrue(all(bound, Step.Mknod.class).isEmpty());
        assertTrue(all(bound, Step.Symlink.class).isEmpty());
    }

    @Test
    void sysctlsAreWrittenSortedByKeyAfterPivotRoot() {
        SpecFixture f = SpecFixture.container();
        f.sysctl.put("net.ipv4.ip_forward", "1");
        f.sysctl.put("kernel.msgmax", "8192");
        Plan plan = plan(f);
        assertEquals(List.of(new Step.WriteSysctl("kernel.msgmax", "8192"), new Step.WriteSysctl("net.ipv4.ip_forward", "1")),
                all(plan, Step.WriteSysctl.class));
        assertTrue(indexOf(plan, new Step.WriteSysctl("kernel.msgmax", "8192"))
                > indexOf(plan, new Step.PivotRoot(SpecFixture.BUNDLE + "/rootfs")));
    }

    @Test
    void maskedAndReadonlyPathsComeAfterTheMountsAndBeforePivotRoot() {
        SpecFixture f = SpecFixture.container();
        f.maskedPaths.addAll(List.of("/proc/kcore", "/sys/firmware"));
        f.readonlyPaths.add("/proc/sys");
        f.rootReadonly = true;
        Plan plan = plan(f);
        int proc = indexOf(plan, mount("proc", "/proc", "proc", List.of(), null));
        int mask = indexOf(plan, new Step.MaskPath("/proc/kcore"));
        int mask2 = indexOf(plan, new Step.MaskPath("/sys/firmware"));
        int ro = indexOf(plan, new Step.ReadonlyPath("/proc/sys"));
        int pivot = indexOf(plan, new Step.PivotRoot(SpecFixture.BUNDLE + "/rootfs"));
        int rootRo = indexOf(plan, mount(null, "/", null, List.of("MS_RDONLY", "MS_REMOUNT", "MS_BIND"), null));
        assertTrue(proc < mask && mask < mask2 && mask2 < ro && ro < pivot && pivot < rootRo);
    }

    @Test
    void rootfsPropagationPrivateIsAppliedFirstAndSharedLast() {
        SpecFixture f = SpecFixture.container();
        f.rootfsPropagation = "private";
        assertEquals(mount(null, "/", null, List.of("MS_REC", "MS_PRIVATE"), null), steps(plan(f), Actor.INIT).get(0));
        f.rootfsPropagation = "shared";
        List<Step> init = steps(plan(f), Actor.INIT);
        assertEquals(mount(null, "/", null, List.of("MS_REC", "MS_SLAVE"), null), init.get(0),
                "the host must not see the rootfs bind: slave until the new root is in place");
        int pivot = init.indexOf(new Step.PivotRoot(SpecFixture.BUNDLE + "/rootfs"));
        assertEquals(mount(null, "/", null, List.of("MS_SHARED"), null), init.get(pivot + 1),
                "pivot_root refuses a shared root: shared comes after it");
    }

    @Test
    void boundingSetDropsEveryCapabilityNotListed() {
        SpecFixture f = SpecFixture.container();
        List<String> three = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        f.capabilities = SpecFixture.caps(three, three, three, List.of("CAP_KILL"), List.of("CAP_KILL", "CAP_AUDIT_WRITE"));
        Plan plan = plan(f);
        Step.CapbsetDrop drop = all(plan, Step.CapbsetDrop.class).get(0);
        assertEquals(Capability.values().length - 3, drop.caps().size());
        assertFalse(drop.caps().contains("CAP_KILL"));
        assertEquals("CAP_CHOWN", drop.caps().get(0));
        assertEquals("CAP_CHECKPOINT_RESTORE", drop.caps().get(drop.caps().size() - 1));
        assertEquals(List.of(new Step.Capset(three, three, List.of("CAP_KILL"))), all(plan, Step.Capset.class));
        // CAP_AUDIT_WRITE is not inheritable: the kernel would refuse to raise it, so it is left out.
        assertEquals(List.of(new Step.AmbientRaise(List.of("CAP_KILL"))), all(plan, Step.AmbientRaise.class));
    }

    @Test
    void userSwitchKeepsCapsAcrossSetresuidThenSetsTheSets() {
        SpecFixture f = SpecFixture.container();
        f.user = new Spec.User(1000, 100, 077, List.of(10L, 20L), null);
        f.capabilities = SpecFixture.caps(List.of("CAP_KILL"), List.of("CAP_KILL"), List.of("CAP_KILL"), List.of(), List.of());
        f.noNewPrivileges = true;
        f.cwd = "/home";
        List<Step> init = steps(plan(f), Actor.INIT);
        int drop = init.indexOf(all(plan(f), Step.CapbsetDrop.class).get(0));
        assertEquals(List.of(
                new Step.SetKeepCaps(true),
                new Step.Setgroups(List.of(10L, 20L)),
                new Step.Setresgid(100),
                new Step.Setresuid(1000),
                new Step.SetKeepCaps(false),
                new Step.Umask(077),
                new Step.Capset(List.of("CAP_KILL"), List.of("CAP_KILL"), List.of()),
                new Step.SetNoNewPrivs(),
                new Step.Execve(List.of("sh"), List.of("PATH=/bin"))), init.subList(drop + 1, init.size()));
        // The working directory and the descriptors come before the credentials and any filter.
        assertEquals(List.of(new Step.Chdir("/home"), new Step.CloseFrom(3)), init.subList(drop - 2, drop));
    }

    @Test
    void unsetUmaskIsRuncsDefaultAndGroupsAreAlwaysReset() {
        List<Step> init = steps(plan(SpecFixture.container()), Actor.INIT);
        assertTrue(init.contains(new Step.Umask(0022)));
        assertTrue(init.contains(new Step.Setgroups(List.of())));
    }

    @Test
    void terminalRlimitsAndOomScoreComeBeforeTheCredentials() {
        SpecFixture f = SpecFixture.container();
        f.terminal = true;
        f.rlimits.add(new Spec.Rlimit("RLIMIT_NOFILE", 4096, 1024));
        f.rlimits.add(new Spec.Rlimit("RLIMIT_CORE", -1, 0));
        f.oomScoreAdj = 100;
        f.hostname = "box";
        Plan plan = plan(f);
        int lo = indexOf(plan, new Step.LinkUp("lo"));
        int host = indexOf(plan, new Step.Sethostname("box"));
        int tty = indexOf(plan, new Step.OpenConsole());
        int nofile = indexOf(plan, new Step.Setrlimit("RLIMIT_NOFILE", 1024, 4096));
        int core = indexOf(plan, new Step.Setrlimit("RLIMIT_CORE", 0, -1));
        int oom = indexOf(plan, new Step.WriteOomScoreAdj(100));
        int keep = indexOf(plan, new Step.SetKeepCaps(true));
        assertTrue(lo < host && host < tty && tty < nofile && nofile < core && core < oom && oom < keep);
        assertTrue(all(plan, Step.Spawn.class).get(0).terminal());
    }

    @Test
    void hostnameWithoutAUtsNamespaceIsNotSet() {
        SpecFixture f = SpecFixture.container();
        f.namespaces.removeIf(ns -> ns.type().equals("uts"));
        f.hostname = "box";
        Planner.Planned planned = Planner.planWithNotes(f.build(), SpecFixture.context());
        assertTrue(all(planned.plan(), Step.Sethostname.class).isEmpty());
        assertTrue(planned.notes().stream().anyMatch(n -> n.contains("uts")));
    }

    @Test
    void cgroupNamespaceIsUnsharedByTheInitAfterItJoinedItsCgroup() {
        Plan plan = plan(SpecFixture.container().namespace("cgroup", null));
        int join = indexOf(plan, s -> s instanceof Step.CgroupJoin);
        int unshare = indexOf(plan, new Step.Unshare(List.of("cgroup")));
        assertTrue(join < unshare);
        assertEquals(Actor.INIT, plan.entries().get(unshare).actor());
        // Joined late, so the JVM init's threads and memory do not count against the limits
        // while it builds the root, but before the capabilities that unshare needs are dropped.
        assertTrue(unshare < indexOf(plan, s -> s instanceof Step.SetKeepCaps));
        assertTrue(join > indexOf(plan, s -> s instanceof Step.PivotRoot));
        assertEquals(join + 1, unshare);
        assertEquals(Actor.PARENT, plan.entries().get(join).actor());
        assertFalse(all(plan, Step.Unshare.class).get(0).types().contains("cgroup"));
    }

    @Test
    void cgroupNamespaceWithAPathIsJoinedByTheInit() {
        Plan plan = plan(SpecFixture.container().namespace("cgroup", "/proc/9/ns/cgroup"));
        assertEquals(Actor.INIT, plan.entries().get(indexOf(plan, new Step.Setns("cgroup", "/proc/9/ns/cgroup"))).actor());
    }

    @Test
    void mountNamespaceWithAPathIsJoinedByTheInitAndGetsNoRootfs() {
        SpecFixture f = SpecFixture.container();
        f.namespaces.removeIf(ns -> ns.type().equals("mount"));
        f.namespace("mount", "/proc/7/ns/mnt");
        Planner.Planned planned = Planner.planWithNotes(f.build(), SpecFixture.context());
        List<Step> init = steps(planned.plan(), Actor.INIT);
        assertEquals(new Step.Setns("mount", "/proc/7/ns/mnt"), init.get(0));
        assertTrue(all(planned.plan(), Step.PivotRoot.class).isEmpty());
        assertTrue(all(planned.plan(), Step.Mount.class).isEmpty());
        assertFalse(steps(planned.plan(), Actor.PARENT).contains(new Step.Setns("mount", "/proc/7/ns/mnt")));
        assertTrue(all(planned.plan(), Step.Unshare.class).stream().noneMatch(u -> u.types().contains("mount")));
        assertFalse(planned.notes().isEmpty());
    }

    @Test
    void noCapabilitiesInTheConfigMeansNoneAtAll() {
        SpecFixture f = SpecFixture.container();
        f.capabilities = null;
        Plan plan = plan(f);
        assertEquals(Capability.values().length, all(plan, Step.CapbsetDrop.class).get(0).caps().size());
        assertEquals(List.of(new Step.Capset(List.of(), List.of(), List.of())), all(plan, Step.Capset.class),
                "nothing of the caller's sets, inheritable included, reaches the container");
        assertTrue(all(plan, Step.AmbientRaise.class).isEmpty());
    }

    @Test
    void relativeRootAndDestinationsAreCleaned() {
        SpecFixture f = SpecFixture.container().mount("tmp/../scratch/", "tmpfs", null);
        f.rootPath = "./images/../rootfs/";
        Plan plan = plan(f);
        assertTrue(plan.entries().stream().anyMatch(e -> e.step().equals(new Step.PivotRoot("/bundles/test/rootfs"))));
        assertTrue(plan.entries().stream().anyMatch(e -> e.step().equals(mount(null, "/scratch", "tmpfs", List.of(), null))));
    }

    @Test
    void aConfigWithNothingButTheVersionStillPlans() {
        Spec empty = new Spec("1.2.0", null, List.of(), null, null, null, null, Map.of(), null);
        Planner.Planned planned = assertDoesNotThrow(() -> Planner.planWithNotes(empty, SpecFixture.context()));
        assertTrue(all(planned.plan(), Step.Spawn.class).size() == 1);
        assertTrue(all(planned.plan(), Step.Execve.class).isEmpty());
        assertFalse(planned.notes().isEmpty());
    }

    @Test
    void planningIsDeterministic() {
        SpecFixture f = SpecFixture.container();
        f.resources = SpecFixture.fullResources();
        f.sysctl.put("b", "2");
        f.sysctl.put("a", "1");
        assertEquals(Planner.plan(f.build(), SpecFixture.context()), Planner.plan(f.build(), SpecFixture.context()));
    }

    @Test
    void aCgroupMountOnV1BindsEachHierarchysOwnDirectoryUnderATmpfs() {
        Plan plan = plan(SpecFixture.container().mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "nodev", "noexec", "ro"));
        List<Step> init = steps(plan, Actor.INIT);
        assertTrue(init.contains(new Step.Mount("tmpfs", "/sys/fs/cgroup", "tmpfs", List.of("MS_NOSUID", "MS_NODEV", "MS_NOEXEC"),
                "mode=755")), init.toString());
        assertTrue(init.contains(new Step.Mount("/sys/fs/cgroup/memory/jspec/test", "/sys/fs/cgroup/memory", null,
                List.of("MS_BIND", "MS_REC"), null)), init.toString());
        assertTrue(init.contains(new Step.Mount(null, "/sys/fs/cgroup/memory", null,
                List.of("MS_RDONLY", "MS_NOSUID", "MS_NODEV", "MS_NOEXEC", "MS_REMOUNT", "MS_BIND"), null)), init.toString());
        assertTrue(init.stream().noneMatch(s -> s instanceof Step.Mount m && "cgroup".equals(m.fstype())),
                "no new cgroup filesystem: it would show the host's tree");
    }

    @Test
    void aCgroupMountOnV2BindsTheContainersDirectory() {
        Plan plan = Planner.plan(SpecFixture.container().mount("/sys/fs/cgroup", "cgroup", "cgroup").build(),
                new PlanContext("test", "/bundles/test", SpecFixture.V2));
        assertTrue(steps(plan, Actor.INIT).contains(new Step.Mount("/sys/fs/cgroup/jspec/test", "/sys/fs/cgroup", null,
                List.of("MS_BIND", "MS_REC"), null)), steps(plan, Actor.INIT).toString());
    }

    // ---- security labels (AppArmor, SELinux) ----

    private static Planner.Planned planOn(SpecFixture f, String... lsms) {
        return Planner.planWithNotes(f.build(), new PlanContext("test", SpecFixture.BUNDLE, SpecFixture.HYBRID.withLsms(java.util.Set.of(lsms))));
    }

    @Test
    void anApparmorProfileIsSetForTheExecveWhereTheHostHasAppArmor() {
        SpecFixture f = SpecFixture.container();
        f.apparmorProfile = "jspec-default";
        f.noNewPrivileges = true;
        Plan plan = planOn(f, HostFacts.APPARMOR).plan();
        int label = indexOf(plan, new Step.SetExecLabel("apparmor", "jspec-default"));
        assertEquals(Actor.INIT, plan.entries().get(label).actor());
        // Before the credentials change and before any seccomp filter (its write goes through procfs).
        assertTrue(label < indexOf(plan, s -> s instanceof Step.Capset || s instanceof Step.Setresuid));
        assertEquals(new Step.CloseFrom(3), plan.entries().get(label + 1).step());
    }

    @Test
    void anSelinuxLabelIsSetForTheExecveWhereTheHostHasSelinux() {
        SpecFixture f = SpecFixture.container();
        f.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2";
        Plan plan = planOn(f, HostFacts.SELINUX).plan();
        int label = indexOf(plan, new Step.SetExecLabel("selinux", "system_u:system_r:container_t:s0:c1,c2"));
        assertEquals(new Step.CloseFrom(3), plan.entries().get(label + 1).step());
    }

    @Test
    void aLabelWhoseModuleTheHostLacksIsNotPlannedAndSaidSo() {
        SpecFixture f = SpecFixture.container();
        f.apparmorProfile = "jspec-default";
        f.selinuxLabel = "system_u:system_r:container_t:s0";
        f.mountLabel = "system_u:object_r:container_file_t:s0";
        Planner.Planned planned = planOn(f);
        assertTrue(all(planned.plan(), Step.SetExecLabel.class).isEmpty());
        assertEquals(List.of(
                "process.apparmorProfile is set but AppArmor is not enabled on this host: not applied (run refuses the config)",
                "process.selinuxLabel is set but SELinux is not enabled on this host: not applied (run refuses the config)",
                "linux.mountLabel is set but SELinux is not enabled on this host: not applied (run refuses the config)"),
                planned.notes());
        // AppArmor does not apply an SELinux label either.
        assertTrue(all(planOn(f, HostFacts.APPARMOR).plan(), Step.SetExecLabel.class).stream().allMatch(s -> s.lsm().equals("apparmor")));
    }

    @Test
    void noLabelNoStep() {
        assertTrue(all(planOn(SpecFixture.container(), HostFacts.APPARMOR, HostFacts.SELINUX).plan(), Step.SetExecLabel.class).isEmpty());
    }

    @Test
    void theMountLabelIsAContextOptionOnNewFilesystemsButNotOnBindsProcOrSysfs() {
        SpecFixture f = SpecFixture.container();
        f.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2";
        f.mount("/dev", "tmpfs", "tmpfs", "nosuid", "mode=755");
        f.mount("/sys", "sysfs", "sysfs", "ro");
        f.mount("/data", "bind", "/srv/data", "rbind");
        f.mount("/run", "tmpfs", "tmpfs");
        List<Step.Mount> mounts = all(planOn(f, HostFacts.SELINUX).plan(), Step.Mount.class);
        String context = "context=\"system_u:object_r:container_file_t:s0:c1,c2\"";
        assertTrue(mounts.contains(mount("tmpfs", "/dev", "tmpfs", List.of("MS_NOSUID"), "mode=755," + context)), mounts.toString());
        assertTrue(mounts.contains(mount("tmpfs", "/run", "tmpfs", List.of(), context)), mounts.toString());
        assertTrue(mounts.stream().filter(m -> "proc".equals(m.fstype()) || "sysfs".equals(m.fstype()) || m.flags().contains("MS_BIND"))
                .noneMatch(m -> m.data() != null && m.data().contains("context=")), mounts.toString());
        // Without SELinux nothing is added (and run refuses the config).
        assertTrue(all(planOn(f).plan(), Step.Mount.class).stream().noneMatch(m -> m.data() != null && m.data().contains("context=")));
    }

    private static Spec.Seccomp denyMkdir(String listenerPath) {
        return new Spec.Seccomp("SCMP_ACT_ALLOW", null, List.of(), List.of(), listenerPath, listenerPath == null ? null : "meta",
                List.of(new Spec.SeccompSyscall(List.of("mkdir"), listenerPath == null ? "SCMP_ACT_ERRNO" : "SCMP_ACT_NOTIFY", null, List.of())));
    }

    @Test
    void withNoNewPrivsTheFilterIsTheLastStepBeforeExecve() {
        SpecFixture f = SpecFixture.container();
        f.noNewPrivileges = true;
        f.seccomp = denyMkdir(null);
        Planner.Planned planned = Planner.planWithNotes(f.build(), SpecFixture.context());
        List<Step> init = steps(planned.plan(), Actor.INIT);
        assertEquals(List.of(new Step.SetNoNewPrivs(),
                new Step.Seccomp("SCMP_ACT_ALLOW", List.of(), List.of(), List.of("SCMP_ACT_ERRNO(1) mkdir")),
                new Step.Execve(List.of("sh"), List.of("PATH=/bin"))), init.subList(init.size() - 3, init.size()));
        assertEquals(List.of(), planned.notes());
    }

    @Test
    void withoutNoNewPrivsTheFilterComesBeforeTheCapabilitiesGo() {
        SpecFixture f = SpecFixture.container();
        f.namespace("cgroup", null);
        f.capabilities = SpecFixture.caps(List.of("CAP_KILL"), List.of("CAP_KILL"), List.of("CAP_KILL"), List.of(), List.of());
        f.seccomp = denyMkdir(null);
        Plan plan = plan(f);
        int cgroupNs = indexOf(plan, new Step.Unshare(List.of("cgroup")));
        int seccomp = indexOf(plan, s -> s instanceof Step.Seccomp);
        int drop = indexOf(plan, s -> s instanceof Step.CapbsetDrop);
        assertTrue(cgroupNs < seccomp && seccomp + 1 == drop, PlanText.render(plan, List.of()));
        assertTrue(indexOf(plan, s -> s instanceof Step.CgroupJoin) < seccomp);
        assertTrue(all(plan, Step.SetNoNewPrivs.class).isEmpty());
    }

    @Test
    void aNotifyingFilterIsFollowedByTheParentHandingItsListenerToTheAgent() {
        SpecFixture f = SpecFixture.container();
        f.noNewPrivileges = true;
        f.seccomp = denyMkdir("/run/agent.sock");
        Plan plan = plan(f);
        int seccomp = indexOf(plan, s -> s instanceof Step.Seccomp);
        Plan.Entry next = plan.entries().get(seccomp + 1);
        assertEquals(new Plan.Entry(Actor.PARENT, new Step.SeccompListener("/run/agent.sock", "meta", "test", SpecFixture.BUNDLE,
                List.of())), next);
        assertTrue(plan.entries().get(seccomp + 2).step() instanceof Step.Execve);
    }

    @Test
    void aFilterWithoutNotifyNeedsNoParentStep() {
        SpecFixture f = SpecFixture.container();
        f.seccomp = new Spec.Seccomp("SCMP_ACT_ALLOW", null, List.of(), List.of(), "/run/agent.sock", null, List.of());
        assertTrue(all(plan(f), Step.SeccompListener.class).isEmpty());
    }

    @Test
    void preservedDescriptorsAreSpawnedThroughAndSurviveTheCloseRange() {
        Plan plan = Planner.plan(SpecFixture.container().build(),
                new PlanContext("test", SpecFixture.BUNDLE, SpecFixture.context().host(), 2));
        assertEquals(2, all(plan, Step.Spawn.class).get(0).preservedFds());
        assertEquals(List.of(new Step.CloseFrom(5)), all(plan, Step.CloseFrom.class));
    }
}
