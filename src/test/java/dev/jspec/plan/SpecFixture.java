package dev.jspec.plan;

import dev.jspec.cgroup.CgroupLayout;
import dev.jspec.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Specs for tests, built in Java: a plain busybox container, changed one field at a time. */
public final class SpecFixture {

    public static final String BUNDLE = "/bundles/test";
    public static final List<String> INIT = List.of("/usr/bin/java", "-cp", "jspec.jar", "dev.jspec.init.InitMain");

    /** What the init maps on a typical host, made read-only for it (see {@code InitFiles}). */
    public static final List<String> INIT_FILES = List.of("/usr/lib/jvm/java-25", "/opt/jspec/jspec.jar",
            "/opt/jspec/lib/jna.jar", "/opt/jspec/native/libjnidispatch.so", "/usr/lib/x86_64-linux-gnu/libc.so.6");

    /** These machines: v1 controllers beside an empty cgroup2 mount. */
    public static final HostFacts HYBRID = new HostFacts(CgroupLayout.HYBRID, Map.of(
            "cpu", "/sys/fs/cgroup/cpu", "cpuacct", "/sys/fs/cgroup/cpuacct", "cpuset", "/sys/fs/cgroup/cpuset",
            "memory", "/sys/fs/cgroup/memory", "devices", "/sys/fs/cgroup/devices", "freezer", "/sys/fs/cgroup/freezer",
            "blkio", "/sys/fs/cgroup/blkio", "pids", "/sys/fs/cgroup/pids"), "/sys/fs/cgroup/unified", INIT);

    public static final HostFacts V2 = new HostFacts(CgroupLayout.V2, Map.of(), "/sys/fs/cgroup", INIT);

    public static PlanContext context() {
        return new PlanContext("test", BUNDLE, HYBRID);
    }

    public String rootPath = "rootfs";
    public boolean rootReadonly;
    public final List<Spec.Mount> mounts = new ArrayList<>();
    public boolean terminal;
    public Spec.User user = new Spec.User(0, 0, null, List.of(), null);
    public List<String> args = List.of("sh");
    public List<String> env = List.of("PATH=/bin");
    public String cwd = "/";
    public Spec.Capabilities capabilities;
    public final List<Spec.Rlimit> rlimits = new ArrayList<>();
    public boolean noNewPrivileges;
    public Integer oomScoreAdj;
    public String hostname;
    public String domainname;
    public final List<Spec.Namespace> namespaces = new ArrayList<>();
    public final List<Spec.Device> devices = new ArrayList<>();
    public String cgroupsPath;
    public Spec.Resources resources;
    public final Map<String, String> sysctl = new LinkedHashMap<>();
    public String rootfsPropagation;
    public final List<String> maskedPaths = new ArrayList<>();
    public final List<String> readonlyPaths = new ArrayList<>();
    public Spec.Seccomp seccomp;
    public String apparmorProfile;
    public String selinuxLabel;
    public String mountLabel;
    public Spec.Hooks hooks;
    public final Map<String, String> annotations = new LinkedHashMap<>();

    /** New pid, network, ipc, uts and mount namespaces and /proc: the usual container. */
    public static SpecFixture container() {
        SpecFixture f = new SpecFixture();
        for (String t : List.of("pid", "network", "ipc", "uts", "mount")) {
            f.namespaces.add(new Spec.Namespace(t, null));
        }
        f.mount("/proc", "proc", "proc");
        return f;
    }

    public SpecFixture mount(String destination, String type, String source, String... options) {
        mounts.add(new Spec.Mount(destination, type, source, List.of(options), List.of(), List.of()));
        return this;
    }

    public SpecFixture namespace(String type, String path) {
        namespaces.add(new Spec.Namespace(type, path));
        return this;
    }

    public Spec build() {
        Spec.Process process = new Spec.Process(terminal, null, user, args, env, cwd, capabilities, List.copyOf(rlimits),
                noNewPrivileges, oomScoreAdj, apparmorProfile, selinuxLabel);
        Spec.Linux linux = new Spec.Linux(List.copyOf(namespaces), List.of(), List.of(), Map.of(), List.copyOf(devices),
                cgroupsPath, resources, Map.copyOf(sysctl), seccomp, rootfsPropagation, List.copyOf(maskedPaths),
                List.copyOf(readonlyPaths), mountLabel, null);
        return new Spec("1.2.0", new Spec.Root(rootPath, rootReadonly), List.copyOf(mounts), process, hostname, domainname,
                hooks, Map.copyOf(annotations), linux);
    }

    /** Hooks of the kinds given, as kind, hook, kind, hook, ... */
    public static Spec.Hooks hooks(Object... kindsAndHooks) {
        Map<String, List<Spec.Hook>> byKind = new LinkedHashMap<>();
        for (String kind : List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop")) {
            byKind.put(kind, new ArrayList<>());
        }
        for (int i = 0; i < kindsAndHooks.length; i += 2) {
            byKind.get((String) kindsAndHooks[i]).add((Spec.Hook) kindsAndHooks[i + 1]);
        }
        return new Spec.Hooks(byKind.get("prestart"), byKind.get("createRuntime"), byKind.get("createContainer"),
                byKind.get("startContainer"), byKind.get("poststart"), byKind.get("poststop"));
    }

    public static Spec.Capabilities caps(List<String> bounding, List<String> effective, List<String> permitted,
            List<String> inheritable, List<String> ambient) {
        return new Spec.Capabilities(bounding, effective, inheritable, permitted, ambient);
    }

    /** Every resource field set, for the cgroup driver tests. */
    public static Spec.Resources fullResources() {
        return new Spec.Resources(
                List.of(new Spec.DeviceRule(true, "c", 10L, 229L, "rw"), new Spec.DeviceRule(false, "b", 8L, null, "m")),
                new Spec.Memory(268_435_456L, 134_217_728L, 536_870_912L, null, null, 60L, true, null, null),
                new Spec.Cpu(1024L, 50_000L, 1000L, 100_000L, 950_000L, 1_000_000L, "0-1", "0", 1L),
                new Spec.Pids(100),
                new Spec.BlockIO(500, 300, List.of(new Spec.WeightDevice(8, 0, 600, null)),
                        List.of(new Spec.ThrottleDevice(8, 0, 1_048_576)), List.of(new Spec.ThrottleDevice(8, 0, 2_097_152)),
                        List.of(new Spec.ThrottleDevice(8, 16, 100)), List.of(new Spec.ThrottleDevice(8, 16, 200))),
                List.of(new Spec.HugepageLimit("2MB", 4_194_304)),
                new Spec.Network(42, List.of(new Spec.NetPriority("eth0", 5))),
                Map.of("memory.high", "200000000"));
    }
}
