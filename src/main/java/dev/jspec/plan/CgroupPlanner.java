package dev.jspec.plan;

import dev.jspec.cgroup.CgroupV1Files;
import dev.jspec.cgroup.CgroupV2Files;
import dev.jspec.cgroup.ControllerWrite;
import dev.jspec.cgroup.DeviceFilter;
import dev.jspec.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The container's cgroups as steps for the parent: directories, then limits. Pure, like the
 * planner that calls it. Hybrid hosts are driven as v1: their cgroup2 mount holds no
 * controllers (runc also makes a directory there; jspec does not yet).
 */
public final class CgroupPlanner {

    /** The parent directory of every container's cgroup when the config names none. */
    public static final String DEFAULT_PARENT = "/jspec";

    /**
     * @param steps CgroupMkdir, CgroupCopyFromParent, CgroupWrite and (v2) AttachDeviceFilter steps, in order
     * @param leafDirs the container's directory in each hierarchy: what CgroupJoin writes the init's pid into
     * @param notes settings the host's cgroups cannot carry, one line each
     */
    public record CgroupPlan(List<Step> steps, List<String> leafDirs, List<String> notes) {}

    private CgroupPlanner() {}

    /**
     * The cgroup path below each hierarchy's root, without a leading slash: {@code
     * linux.cgroupsPath} when set (a relative one is taken from the hierarchy root, like an
     * absolute one), else {@code jspec/<containerId>}. {@code ..} cannot climb above the root.
     */
    public static String relativePath(Spec spec, String containerId) {
        String configured = spec.linux() == null ? null : spec.linux().cgroupsPath();
        String path = configured == null || configured.isEmpty() ? DEFAULT_PARENT + "/" + containerId : configured;
        return LexicalPath.clean(path).substring(1);
    }

    public static CgroupPlan plan(Spec spec, String containerId, HostFacts host) {
        String path = relativePath(spec, containerId);
        Spec.Resources resources = spec.linux() == null ? null : spec.linux().resources();
        List<String> notes = new ArrayList<>();
        return switch (host.cgroupLayout()) {
            case V1, HYBRID -> planV1(path, resources, devicePaths(spec), host.cgroupV1Mounts(), notes);
            case V2 -> planV2(path, resources, devicePaths(spec), host.cgroupV2Mount(), notes);
        };
    }

    private static CgroupPlan planV1(String path, Spec.Resources r, Set<String> devicePaths,
            Map<String, String> mounts, List<String> notes) {
        List<Step> steps = new ArrayList<>();
        // One directory tree per mount point: co-mounted controllers (cpu,cpuacct) share one.
        Map<String, Set<String>> controllersByMount = new TreeMap<>();
        for (Map.Entry<String, String> e : mounts.entrySet()) {
            controllersByMount.computeIfAbsent(e.getValue(), k -> new TreeSet<>()).add(e.getKey());
        }
        List<String> leaves = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : controllersByMount.entrySet()) {
            boolean cpuset = e.getValue().contains("cpuset");
            for (String dir : levels(e.getKey(), path)) {
                steps.add(new Step.CgroupMkdir(dir, shared(e.getKey(), path, dir)));
                // A new cpuset directory starts with no CPUs and no memory nodes; joining it fails until it has some.
                if (cpuset) {
                    steps.add(new Step.CgroupCopyFromParent(dir, "cpuset.cpus"));
                    steps.add(new Step.CgroupCopyFromParent(dir, "cpuset.mems"));
                }
            }
            leaves.add(join(e.getKey(), path));
        }
        Set<String> missing = new LinkedHashSet<>();
        for (ControllerWrite w : CgroupV1Files.writes(r, devicePaths, notes)) {
            String mount = mounts.get(w.controller());
            if (mount == null) {
                missing.add(w.controller());
            } else {
                steps.add(new Step.CgroupWrite(join(mount, path), w.file(), w.value()));
            }
        }
        for (String controller : missing) {
            if (controller.equals("devices")) {
                notes.add("no v1 devices hierarchy on this host: device access is NOT restricted");
            } else {
                notes.add("no v1 " + controller + " hierarchy on this host; its limits are not applied");
            }
        }
        return new CgroupPlan(steps, leaves, notes);
    }

    private static CgroupPlan planV2(String path, Spec.Resources r, Set<String> devicePaths, String mount, List<String> notes) {
        if (mount == null) {
            notes.add("no cgroup2 mount on this host; the container gets no cgroup");
            return new CgroupPlan(List.of(), List.of(), notes);
        }
        List<Step> steps = new ArrayList<>();
        List<String> levels = levels(mount, path);
        for (String dir : levels) {
            steps.add(new Step.CgroupMkdir(dir, shared(mount, path, dir)));
        }
        List<ControllerWrite> writes = CgroupV2Files.writes(r, notes);
        // Only the controllers the limits use are enabled: asking for one the host lacks fails the
        // whole write, and a limit that needs it could not be applied anyway.
        Set<String> controllers = new TreeSet<>();
        for (ControllerWrite w : writes) {
            if (w.controller() != null) {
                controllers.add(w.controller());
            }
        }
        if (!controllers.isEmpty()) {
            String enable = String.join(" ", controllers.stream().map(c -> "+" + c).toList());
            List<String> parents = new ArrayList<>();
            parents.add(mount);
            parents.addAll(levels);
            String leaf = join(mount, path);
            for (String dir : parents) {
                if (!dir.equals(leaf)) {
                    steps.add(new Step.CgroupWrite(dir, "cgroup.subtree_control", enable));
                }
            }
        }
        String leaf = join(mount, path);
        for (ControllerWrite w : writes) {
            steps.add(new Step.CgroupWrite(leaf, w.file(), w.value()));
        }
        // The rules v1 would write to devices.deny and devices.allow, as one program: always, even
        // without configured rules, since the default deny and runc's default allows apply too.
        List<Spec.DeviceRule> deviceRules = r == null ? List.of() : r.devices();
        if (path.isEmpty()) {
            // A program on the root cgroup would govern every process of the host, not the container.
            notes.add("the container's cgroup is the cgroup2 root; device access is NOT restricted");
        } else {
            steps.add(new Step.AttachDeviceFilter(leaf,
                    DeviceFilter.ruleLines(CgroupV1Files.deviceWrites(deviceRules, devicePaths))));
        }
        return new CgroupPlan(steps, List.of(leaf), notes);
    }

    /**
     * Whether {@code dir} is jspec's own parent of containers' cgroups (the default
     * {@code /jspec} under a hierarchy root), which every container shares. The levels of a
     * configured cgroupsPath are not jspec's to remove unless jspec created them.
     */
    private static boolean shared(String root, String path, String dir) {
        return dir.equals(join(root, DEFAULT_PARENT.substring(1))) && !dir.equals(join(root, path));
    }

    /** Every directory from the first one below {@code root} down to the container's. */
    static List<String> levels(String root, String path) {
        List<String> out = new ArrayList<>();
        if (path.isEmpty()) {
            return out;
        }
        String dir = LexicalPath.clean(root);
        for (String part : path.split("/")) {
            dir = dir.equals("/") ? "/" + part : dir + "/" + part;
            out.add(dir);
        }
        return out;
    }

    private static String join(String root, String path) {
        String r = LexicalPath.clean(root);
        return path.isEmpty() ? r : (r.equals("/") ? "/" + path : r + "/" + path);
    }

    private static Set<String> devicePaths(Spec spec) {
        Set<String> out = new TreeSet<>();
        if (spec.linux() != null) {
            for (Spec.Device d : spec.linux().devices()) {
                if (d.path() != null) {
                    out.add(LexicalPath.clean(d.path()));
                }
            }
        }
        return out;
    }
}
