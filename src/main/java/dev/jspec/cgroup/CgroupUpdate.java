package dev.jspec.cgroup;

import dev.jspec.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code jspec update}: new {@code linux.resources} values as writes into a running
 * container's own cgroup directories, through the same conversions as at start
 * ({@link CgroupV1Files}, {@link CgroupV2Files}). Only the values given are written; device
 * rules are not part of an update (runc's update has no flag for them either).
 *
 * <p>Where one value needs another the update does not carry, it is read from the cgroup
 * as it stands: v2's {@code memory.swap.max} is derived from the memory limit, and its
 * {@code cpu.max} holds quota and period in one line.
 */
final class CgroupUpdate {

    /** One write: {@code value} into {@code dir/file}. */
    public record FileWrite(String dir, String file, String value) {
        public Path path() {
            return Path.of(dir, file);
        }
    }

    private CgroupUpdate() {}

    /**
     * @param ownDirs the container's own cgroup directories (one per v1 hierarchy, or its v2 one)
     * @param current reads a cgroup file as it stands (null when it cannot be read)
     * @param notes receives one line for every value this host cannot take
     */
    public static List<FileWrite> writes(Spec.Resources r, CgroupLayout layout, Map<String, String> v1Mounts, String v2Mount,
            List<String> ownDirs, Function<Path, String> current, List<String> notes) {
        List<FileWrite> out = new ArrayList<>();
        if (layout == CgroupLayout.V2) {
            String leaf = under(v2Mount, ownDirs);
            if (leaf == null) {
                notes.add("the container has no cgroup v2 directory of its own; nothing updated");
                return out;
            }
            List<ControllerWrite> writes = CgroupV2Files.writes(completeV2(r, leaf, current), notes);
            enableControllers(writes, v2Mount, leaf, current, out);
            for (ControllerWrite w : writes) {
                out.add(new FileWrite(leaf, w.file(), w.value()));
            }
            return out;
        }
        Set<String> missing = new TreeSet<>();
        List<FileWrite> memory = new ArrayList<>();
        for (ControllerWrite w : CgroupV1Files.writes(r, Set.of(), notes)) {
            if (w.controller().equals("devices")) {
                continue;
            }
            String mount = v1Mounts.get(w.controller());
            String dir = mount == null ? null : under(mount, ownDirs);
            if (dir == null) {
                missing.add(w.controller());
            } else if (w.file().equals("memory.limit_in_bytes") || w.file().equals("memory.memsw.limit_in_bytes")) {
                memory.add(new FileWrite(dir, w.file(), w.value()));
            } else {
                out.add(new FileWrite(dir, w.file(), w.value()));
            }
        }
        out.addAll(0, orderV1Memory(memory, current));
        for (String c : missing) {
            notes.add("the container has no v1 " + c + " cgroup of its own; its values are not updated");
        }
        return out;
    }

    /**
     * memory.memsw.limit_in_bytes must never be below memory.limit_in_bytes: raising the
     * limit above the memsw now in force needs memsw written first, lowering memsw below the
     * limit now in force needs the limit written first.
     */
    static List<FileWrite> orderV1Memory(List<FileWrite> writes, Function<Path, String> current) {
        FileWrite limit = null;
        FileWrite memsw = null;
        for (FileWrite w : writes) {
            if (w.file().equals("memory.limit_in_bytes")) {
                limit = w;
            } else {
                memsw = w;
            }
        }
        if (limit == null || memsw == null) {
            return writes;
        }
        long newLimit = Long.parseLong(limit.value());
        long currentMemsw = v1Number(current.apply(memsw.path()));
        boolean memswFirst = memsw.value().equals("-1") || newLimit == -1 || Long.compareUnsigned(newLimit, currentMemsw) > 0;
        return memswFirst ? List.of(memsw, limit) : List.of(limit, memsw);
    }

    private static long v1Number(String text) {
        try {
            return text == null ? -1 : Long.parseUnsignedLong(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Fills in what a v2 file needs besides the values given: the memory limit for swap, the quota or period of cpu.max. */
    static Spec.Resources completeV2(Spec.Resources r, String leaf, Function<Path, String> current) {
        if (r == null) {
            return null;
        }
        Spec.Memory m = r.memory();
        if (m != null && m.swap() != null && m.swap() != 0 && m.limit() == null) {
            String max = current.apply(Path.of(leaf, "memory.max"));
            if (max != null) {
                long limit = max.strip().equals("max") ? -1 : Long.parseLong(max.strip());
                m = new Spec.Memory(limit, m.reservation(), m.swap(), m.kernel(), m.kernelTCP(), m.swappiness(),
                        m.disableOOMKiller(), m.useHierarchy(), m.checkBeforeUpdate());
            }
        }
        Spec.Cpu c = r.cpu();
        if (c != null && (c.quota() == null) != (c.period() == null)) {
            String cpuMax = current.apply(Path.of(leaf, "cpu.max"));
            if (cpuMax != null) {
                String[] qp = cpuMax.strip().split(" ");
                Long quota = c.quota() != null ? c.quota() : (qp[0].equals("max") ? -1L : Long.valueOf(qp[0]));
                Long period = c.period() != null ? c.period() : (qp.length > 1 ? Long.valueOf(qp[1]) : null);
                c = new Spec.Cpu(c.shares(), quota, c.burst(), period, c.realtimeRuntime(), c.realtimePeriod(), c.cpus(), c.mems(),
                        c.idle());
            }
        }
        return new Spec.Resources(r.devices(), m, c, r.pids(), r.blockIO(), r.hugepageLimits(), r.network(), r.unified());
    }

    /**
     * A controller the container was started without (jspec enables only those its limits
     * use) is enabled in every ancestor's cgroup.subtree_control first, from the mount down.
     */
    private static void enableControllers(List<ControllerWrite> writes, String mount, String leaf, Function<Path, String> current,
            List<FileWrite> out) {
        String have = current.apply(Path.of(leaf, "cgroup.controllers"));
        List<String> present = have == null ? List.of() : List.of(have.strip().split("\\s+"));
        Set<String> needed = new TreeSet<>();
        for (ControllerWrite w : writes) {
            if (w.controller() != null && !present.contains(w.controller())) {
                needed.add(w.controller());
            }
        }
        if (needed.isEmpty()) {
            return;
        }
        String enable = String.join(" ", needed.stream().map(c -> "+" + c).toList());
        List<String> ancestors = new ArrayList<>();
        for (Path p = Path.of(leaf).getParent(); p != null && p.startsWith(mount); p = p.getParent()) {
            ancestors.add(0, p.toString());
        }
        for (String dir : ancestors) {
            out.add(new FileWrite(dir, "cgroup.subtree_control", enable));
        }
    }

    /** The directory among {@code dirs} below {@code mount}, or null. */
    private static String under(String mount, List<String> dirs) {
        if (mount == null) {
            return null;
        }
        for (String d : dirs) {
            if (Path.of(d).startsWith(mount) && !Path.of(d).equals(Path.of(mount))) {
                return d;
            }
        }
        return null;
    }
}
