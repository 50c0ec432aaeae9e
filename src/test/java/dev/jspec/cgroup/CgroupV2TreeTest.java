package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.exec.ParentExecutor;
import dev.jspec.exec.StepFailure;
import dev.jspec.plan.Actor;
import dev.jspec.plan.HostFacts;
import dev.jspec.plan.Plan;
import dev.jspec.plan.PlanContext;
import dev.jspec.plan.Planner;
import dev.jspec.plan.SpecFixture;
import dev.jspec.plan.Step;
import dev.jspec.spec.Spec;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 driver end to end without root: a plan for a cgroup2 host whose mount is a temp
 * directory, its PARENT cgroup steps run by the real executor over the real
 * {@link LinuxSyscalls}, and the files read back.
 */
class CgroupV2TreeTest {

    private static final String ID = "c1";

    /** Interface files the kernel creates in a child once its parent enables the controller (cgroup-v2.rst). */
    private static final Map<String, List<String>> CONTROLLER_FILES = Map.of(
            "cpu", List.of("cpu.weight", "cpu.weight.nice", "cpu.max", "cpu.max.burst", "cpu.idle", "cpu.pressure"),
            "cpuset", List.of("cpuset.cpus", "cpuset.mems", "cpuset.cpus.effective", "cpuset.mems.effective", "cpuset.cpus.partition"),
            "io", List.of("io.weight", "io.max", "io.stat", "io.pressure"),
            "memory", List.of("memory.current", "memory.min", "memory.low", "memory.high", "memory.max", "memory.peak",
                    "memory.swap.current", "memory.swap.high", "memory.swap.max", "memory.stat", "memory.events", "memory.oom.group"),
            "pids", List.of("pids.current", "pids.max", "pids.events"),
            "hugetlb", List.of("hugetlb.2MB.current", "hugetlb.2MB.max", "hugetlb.2MB.events",
                    "hugetlb.1GB.current", "hugetlb.1GB.max", "hugetlb.1GB.events"));

    /** Files every cgroup2 directory has, whatever is enabled. */
    private static final List<String> CORE_FILES = List.of("cgroup.procs", "cgroup.threads", "cgroup.controllers",
            "cgroup.subtree_control", "cgroup.events", "cgroup.type", "cgroup.freeze", "cgroup.kill", "cgroup.stat",
            "cgroup.max.depth", "cgroup.max.descendants", "cpu.stat");

    /** Nested-keyed files: the kernel keeps one entry per device across writes, where a plain file keeps only the last. */
    private static final List<String> KEYED_FILES = List.of("io.max", "io.weight");

    @TempDir
    Path mount;

    /** The device filters the executor attached, by directory: a temp directory is no cgroup, so bpf(2) is not called. */
    private final Map<String, long[]> attachedFilters = new LinkedHashMap<>();

    /**
     * {@link LinuxSyscalls} over a plain directory tree, plus what cgroupfs does by itself:
     * a new directory gets its interface files, enabling a controller in cgroup.subtree_control
     * gives the children that controller's files, and rmdir takes the files with it; device
     * filters are recorded in {@link #attachedFilters} instead of loaded. Writes
     * still go through LinuxSyscalls (which does not create files), so a write to a file the
     * kernel would not have fails with ENOENT as it would on the host.
     */
    private Syscalls cgroupfs() {
        Syscalls real = new LinuxSyscalls();
        return (Syscalls) Proxy.newProxyInstance(Syscalls.class.getClassLoader(), new Class<?>[] {Syscalls.class},
                (proxy, method, args) -> {
                    Path path = args != null && args.length > 0 && args[0] instanceof String s ? Path.of(s) : null;
                    if (method.getName().equals("attachDeviceFilter")) {
                        attachedFilters.put((String) args[0], (long[]) args[1]);
                        return null;
                    }
                    if (method.getName().equals("rmdir")) {
                        removeInterfaceFiles(path);
                    }
                    String before = method.getName().equals("writeFile") && KEYED_FILES.contains(path.getFileName().toString())
                            && Files.exists(path) ? Files.readString(path) : null;
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    switch (method.getName()) {
                        case "mkdir" -> createInterfaceFiles(path, enabledIn(path.getParent()));
                        case "writeFile" -> {
                            if (before != null) {
                                Files.writeString(path, before + args[1] + "\n");
                            } else if (path.getFileName().toString().equals("cgroup.subtree_control")) {
                                try (Stream<Path> children = Files.list(path.getParent())) {
                                    for (Path child : children.filter(Files::isDirectory).toList()) {
                                        createInterfaceFiles(child, enabledIn(path.getParent()));
                                    }
                                }
                            }
                        }
                        default -> { }
                    }
                    return result;
                });
    }

    /** The controllers a directory's cgroup.subtree_control enables ("+memory +pids", as written). */
    private static List<String> enabledIn(Path dir) throws IOException {
        Path file = dir.resolve("cgroup.subtree_control");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String word : Files.readString(file).split("\\s+")) {
            if (word.startsWith("+")) {
                out.add(word.substring(1));
            }
        }
        return out;
    }

    private static void createInterfaceFiles(Path dir, List<String> controllers) {
        List<String> files = new ArrayList<>(CORE_FILES);
        controllers.forEach(c -> files.addAll(CONTROLLER_FILES.getOrDefault(c, List.of())));
        try {
            for (String f : files) {
                if (!Files.exists(dir.resolve(f))) {
                    Files.createFile(dir.resolve(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** cgroupfs removes an empty cgroup with its interface files; a directory with child cgroups stays ENOTEMPTY/EBUSY. */
    private static void removeInterfaceFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> all = entries.toList();
            if (all.stream().noneMatch(Files::isDirectory)) {
                for (Path p : all) {
                    Files.delete(p);
                }
            }
        }
    }

    private HostFacts host() {
        createInterfaceFiles(mount, List.of());
        return new HostFacts(CgroupLayout.V2, Map.of(), mount.toString(), SpecFixture.INIT);
    }

    /** Every v2 resource jspec writes, and device rules: deny everything, then allow /dev/null. */
    private static Spec fullResources() {
        SpecFixture f = SpecFixture.container();
        Map<String, String> unified = new LinkedHashMap<>();
        unified.put("memory.high", "200000000");
        unified.put("memory.oom.group", "1");
        f.resources = new Spec.Resources(
                List.of(new Spec.DeviceRule(false, null, null, null, "rwm"), new Spec.DeviceRule(true, "c", 1L, 3L, "rwm")),
                new Spec.Memory(256L << 20, 128L << 20, 512L << 20, null, null, null, null, null, null),
                new Spec.Cpu(1024L, 50_000L, 10_000L, 100_000L, null, null, "0-1", "0", null),
                new Spec.Pids(64),
                new Spec.BlockIO(500, null, List.of(new Spec.WeightDevice(8, 0, 200, null)),
                        List.of(new Spec.ThrottleDevice(8, 0, 1_048_576)), List.of(), List.of(),
                        List.of(new Spec.ThrottleDevice(8, 0, 100))),
                List.of(new Spec.HugepageLimit("2MB", 64L << 20)),
                null,
                unified);
        return f.build();
    }

    /** The plan's cgroup steps alone: the namespaces and the init are not this test's business. */
    private static Plan cgroupSteps(Plan plan) {
        return new Plan(plan.entries().stream()
                .filter(e -> e.actor() == Actor.PARENT && (e.step() instanceof Step.CgroupMkdir
                        || e.step() instanceof Step.CgroupWrite || e.step() instanceof Step.CgroupCopyFromParent
                        || e.step() instanceof Step.AttachDeviceFilter))
                .toList());
    }

    private String read(String relative) throws IOException {
        return Files.readString(mount.resolve(relative));
    }

    @Test
    void everyLimitLandsInItsFileAndTeardownRemovesWhatWasMade() throws Exception {
        Planner.Planned planned = Planner.planWithNotes(fullResources(), new PlanContext(ID, SpecFixture.BUNDLE, host()));
        ParentExecutor px = new ParentExecutor(cgroupfs(), cgroupSteps(planned.plan()), ParentExecutor.Stdio.INHERIT);
        px.spawn();

        String enable = "+cpu +cpuset +hugetlb +io +memory +pids";
        assertEquals(enable, read("cgroup.subtree_control"));
        assertEquals(enable, read("jspec/cgroup.subtree_control"));
        assertEquals("", read("jspec/c1/cgroup.subtree_control"), "the leaf holds the process; it enables nothing");

        String leaf = "jspec/c1/";
        assertEquals("268435456", read(leaf + "memory.max"));
        assertEquals("134217728", read(leaf + "memory.low"));
        // The spec's swap is memory+swap (512Mi); v2's memory.swap.max is swap alone.
        assertEquals("268435456", read(leaf + "memory.swap.max"));
        // shares 1024 on runc 1.1's linear scale: 1 + (1024 - 2) * 9999 / 262142.
        assertEquals("39", read(leaf + "cpu.weight"));
        assertEquals("50000 100000", read(leaf + "cpu.max"));
        assertEquals("10000", read(leaf + "cpu.max.burst"));
        assertEquals("0-1", read(leaf + "cpuset.cpus"));
        assertEquals("0", read(leaf + "cpuset.mems"));
        assertEquals("64", read(leaf + "pids.max"));
        // blkio weights 500 and 200 on io.weight's scale: 1 + (w - 10) * 9999 / 990.
        assertEquals("4950\n8:0 1920\n", read(leaf + "io.weight"));
        assertEquals("8:0 rbps=1048576\n8:0 wiops=100\n", read(leaf + "io.max"));
        assertEquals("67108864", read(leaf + "hugetlb.2MB.max"));
        assertEquals("200000000", read(leaf + "memory.high"));
        assertEquals("1", read(leaf + "memory.oom.group"));

        assertEquals(new CgroupCleanup(List.of(mount + "/jspec/c1"), List.of(mount + "/jspec")), px.cleanup());
        px.removeCgroups();
        assertFalse(Files.exists(mount.resolve("jspec")));
        assertTrue(Files.exists(mount.resolve("cgroup.subtree_control")), "the mount itself is never removed");
    }

    @Test
    void theSharedParentStaysWhileAnotherContainerUsesItAndGoesWithTheLast() throws Exception {
        HostFacts host = host();
        Files.createDirectory(mount.resolve("jspec"));
        createInterfaceFiles(mount.resolve("jspec"), List.of());
        Files.createDirectory(mount.resolve("jspec/other"));
        Planner.Planned planned = Planner.planWithNotes(fullResources(), new PlanContext(ID, SpecFixture.BUNDLE, host));
        ParentExecutor px = new ParentExecutor(cgroupfs(), cgroupSteps(planned.plan()), ParentExecutor.Stdio.INHERIT);
        px.spawn();
        px.removeCgroups();
        assertFalse(Files.exists(mount.resolve("jspec/c1")));
        assertTrue(Files.isDirectory(mount.resolve("jspec")), "another container's cgroup is still in it");

        // The other container leaves; this one's teardown, run again, takes the parent with it.
        try (var files = Files.walk(mount.resolve("jspec/other"))) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        px.removeCgroups();
        assertFalse(Files.exists(mount.resolve("jspec")), "the last one out removes the shared parent");
    }

    @Test
    void aFileTheKernelLacksFailsTheStepAndRollsBack() {
        SpecFixture f = SpecFixture.container();
        f.resources = new Spec.Resources(List.of(), null, null, new Spec.Pids(10), null, List.of(), null,
                Map.of("memory.no_such_knob", "1"));
        Planner.Planned planned = Planner.planWithNotes(f.build(), new PlanContext(ID, SpecFixture.BUNDLE, host()));
        ParentExecutor px = new ParentExecutor(cgroupfs(), cgroupSteps(planned.plan()), ParentExecutor.Stdio.INHERIT);
        StepFailure failure = assertThrows(StepFailure.class, px::spawn);
        assertTrue(failure.getMessage().contains("memory.no_such_knob") && failure.getMessage().contains("ENOENT"),
                failure.getMessage());
        assertFalse(Files.exists(mount.resolve("jspec")), "the directories made before the failure are removed");
    }

    @Test
    void deviceRulesBecomeOneFilterOnTheLeafAfterItsWrites() throws Exception {
        Planner.Planned planned = Planner.planWithNotes(fullResources(), new PlanContext(ID, SpecFixture.BUNDLE, host()));
        List<Step> steps = cgroupSteps(planned.plan()).entries().stream().map(Plan.Entry::step).toList();
        String leaf = mount + "/jspec/c1";
        Step.AttachDeviceFilter attach = (Step.AttachDeviceFilter) steps.get(steps.size() - 1);
        assertEquals(leaf, attach.dir());
        // v1's list: the reset, the config's two rules, then runc's defaults.
        assertEquals(List.of("deny a", "deny a *:* rwm", "allow c 1:3 rwm", "allow c *:* m"), attach.rules().subList(0, 4));
        assertTrue(planned.notes().stream().noneMatch(n -> n.contains("NOT restricted")), planned.notes().toString());
        assertTrue(planned.plan().entries().stream().noneMatch(e -> e.step().toString().contains("devices.")),
                "v2 has no devices.* files to write");

        new ParentExecutor(cgroupfs(), cgroupSteps(planned.plan()), ParentExecutor.Stdio.INHERIT).spawn();
        assertEquals(List.of(leaf), List.copyOf(attachedFilters.keySet()));
        assertTrue(java.util.Arrays.equals(DeviceFilter.program(attach.rules()), attachedFilters.get(leaf)));
    }

    @Test
    void withoutDeviceRulesTheDefaultRulesAreStillAttached() {
        // v1 always writes devices.deny "a" and the default rules; v2 must restrict devices just as much.
        Planner.Planned planned = Planner.planWithNotes(SpecFixture.container().build(), new PlanContext(ID, SpecFixture.BUNDLE, host()));
        Step.AttachDeviceFilter attach = planned.plan().entries().stream().map(Plan.Entry::step)
                .filter(Step.AttachDeviceFilter.class::isInstance).map(Step.AttachDeviceFilter.class::cast).findFirst().orElseThrow();
        assertEquals("deny a", attach.rules().get(0));
        assertTrue(attach.rules().contains("allow c 1:3 rwm"), attach.rules().toString());
    }
}
