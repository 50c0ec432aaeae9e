package dev.jspec.cgroup;

import static dev.jspec.cgroup.CgroupV1Files.nonEmpty;
import static dev.jspec.cgroup.CgroupV1Files.orZero;

import dev.jspec.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code linux.resources} as cgroup v2 file writes, as runc's fs2 driver writes them
 * ({@code libcontainer/cgroups/fs2}), in its order: pids, memory, io, cpu, cpuset, hugetlb,
 * then {@code unified}, last so that it can override any of them. The controller of each
 * write is the one that must be enabled in the parent's cgroup.subtree_control.
 */
public final class CgroupV2Files {

    private CgroupV2Files() {}

    public static List<ControllerWrite> writes(Spec.Resources r, List<String> notes) {
        List<ControllerWrite> out = new ArrayList<>();
        // v2 has no device files: linux.resources.devices becomes a BPF program (CgroupPlanner's AttachDeviceFilter step).
        if (r == null) {
            return out;
        }
        if (r.pids() != null) {
            out.add(new ControllerWrite("pids", "pids.max", CgroupConversions.pidsMax(r.pids().limit())));
        }
        memory(r.memory(), out, notes);
        io(r.blockIO(), out, notes);
        Spec.Cpu cpu = r.cpu();
        if (cpu != null) {
            cpu(cpu, out, notes);
            if (nonEmpty(cpu.cpus())) {
                out.add(new ControllerWrite("cpuset", "cpuset.cpus", cpu.cpus()));
            }
            if (nonEmpty(cpu.mems())) {
                out.add(new ControllerWrite("cpuset", "cpuset.mems", cpu.mems()));
            }
        }
        for (Spec.HugepageLimit h : r.hugepageLimits()) {
            out.add(new ControllerWrite("hugetlb", "hugetlb." + h.pageSize() + ".max", Long.toUnsignedString(h.limit())));
        }
        if (r.network() != null && (r.network().classID() != null || !r.network().priorities().isEmpty())) {
            notes.add("linux.resources.network (net_cls, net_prio) exists only in cgroup v1; ignored");
        }
        // Sorted so that the plan does not depend on the map's order; runc writes a value line by line.
        for (Map.Entry<String, String> e : new TreeMap<>(r.unified()).entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            String controller = dot > 0 && !key.startsWith("cgroup.") ? key.substring(0, dot) : null;
            for (String line : (e.getValue() == null ? "" : e.getValue()).split("\n")) {
                if (!line.isEmpty()) {
                    out.add(new ControllerWrite(controller, key, line));
                }
            }
        }
        return out;
    }

    private static void memory(Spec.Memory m, List<ControllerWrite> out, List<String> notes) {
        if (m == null) {
            return;
        }
        long limit = orZero(m.limit());
        long swap = orZero(m.swap());
        long reservation = orZero(m.reservation());
        if (limit != 0 || swap != 0 || reservation != 0) {
            Long swapV2 = CgroupConversions.memorySwapToV2(swap, limit);
            if (swapV2 == null) {
                notes.add("memory.swap " + swap + " cannot be expressed in cgroup v2 with memory.limit " + limit
                        + " (it is memory+swap, so it needs a limit and must not be below it); memory.swap.max not written");
            } else if (swapV2 != 0 || swap > 0) {
                out.add(new ControllerWrite("memory", "memory.swap.max", CgroupConversions.v2Limit(swapV2)));
            }
            if (limit != 0) {
                out.add(new ControllerWrite("memory", "memory.max", CgroupConversions.v2Limit(limit)));
            }
            if (reservation != 0) {
                out.add(new ControllerWrite("memory", "memory.low", CgroupConversions.v2Limit(reservation)));
            }
        }
        if (Boolean.TRUE.equals(m.disableOOMKiller())) {
            notes.add("memory.disableOOMKiller has no cgroup v2 file; ignored");
        }
        if (m.swappiness() != null && m.swappiness() != -1) {
            notes.add("memory.swappiness has no cgroup v2 file; ignored");
        }
        if (m.kernel() != null || m.kernelTCP() != null) {
            notes.add("memory.kernel and memory.kernelTCP are deprecated and have no cgroup v2 file; ignored");
        }
    }

    /**
     * BFQ's io.bfq.weight takes blkio weights as they are, but whether it exists is a fact
     * about the running kernel; io.weight (with the conversion) is the controller's own file.
     * Both take per-device "MAJ:MIN WEIGHT" lines.
     */
    private static void io(Spec.BlockIO b, List<ControllerWrite> out, List<String> notes) {
        if (b == null) {
            return;
        }
        if (b.weight() != null && b.weight() != 0) {
            out.add(new ControllerWrite("io", "io.weight", Long.toString(CgroupConversions.blkioWeightToIoWeight(b.weight()))));
        }
        for (Spec.WeightDevice wd : b.weightDevice()) {
            if (wd.weight() != null && wd.weight() != 0) {
                out.add(new ControllerWrite("io", "io.weight",
                        wd.major() + ":" + wd.minor() + " " + CgroupConversions.blkioWeightToIoWeight(wd.weight())));
            }
        }
        if (b.leafWeight() != null || b.weightDevice().stream().anyMatch(wd -> wd.leafWeight() != null)) {
            notes.add("blockIO leafWeight has no cgroup v2 file; ignored");
        }
        throttle(b.throttleReadBpsDevice(), "rbps", out);
        throttle(b.throttleWriteBpsDevice(), "wbps", out);
        throttle(b.throttleReadIOPSDevice(), "riops", out);
        throttle(b.throttleWriteIOPSDevice(), "wiops", out);
    }

    private static void throttle(List<Spec.ThrottleDevice> devices, String key, List<ControllerWrite> out) {
        for (Spec.ThrottleDevice t : devices) {
            out.add(new ControllerWrite("io", "io.max", t.major() + ":" + t.minor() + " " + key + "=" + Long.toUnsignedString(t.rate())));
        }
    }

    private static void cpu(Spec.Cpu c, List<ControllerWrite> out, List<String> notes) {
        if (c.idle() != null) {
            out.add(new ControllerWrite("cpu", "cpu.idle", Long.toString(c.idle())));
        }
        long weight = CgroupConversions.cpuSharesToWeight(orZero(c.shares()));
        if (weight != 0) {
            out.add(new ControllerWrite("cpu", "cpu.weight", Long.toString(weight)));
        }
        long quota = orZero(c.quota());
        long period = orZero(c.period());
        if (quota != 0 || period != 0) {
            out.add(new ControllerWrite("cpu", "cpu.max", (quota > 0 ? Long.toString(quota) : "max") + " "
                    + Long.toUnsignedString(period != 0 ? period : CgroupConversions.CPU_PERIOD_DEFAULT_US)));
        }
        // After cpu.max: the kernel refuses a burst above the quota in force.
        if (c.burst() != null) {
            out.add(new ControllerWrite("cpu", "cpu.max.burst", Long.toUnsignedString(c.burst())));
        }
        if (orZero(c.realtimePeriod()) != 0 || orZero(c.realtimeRuntime()) != 0) {
            notes.add("cpu.realtimePeriod and cpu.realtimeRuntime have no cgroup v2 file; ignored");
        }
    }
}
