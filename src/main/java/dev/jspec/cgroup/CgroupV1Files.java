package dev.jspec.cgroup;

import dev.jspec.spec.DefaultDevices;
import dev.jspec.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code linux.resources} as cgroup v1 file writes, file by file as runc's fs driver writes
 * them ({@code libcontainer/cgroups/fs}). Controllers come in runc's order: cpuset, devices,
 * memory, cpu, pids, blkio, hugetlb, net_cls, net_prio. In the spec, 0 means "unset" for
 * the memory, shares, quota, period and realtime numbers, as in runc.
 */
public final class CgroupV1Files {

    private CgroupV1Files() {}

    /**
     * @param r the resources, or null
     * @param devicePaths the paths of {@code linux.devices}: their default rules are dropped, as runc does
     * @param notes receives one line for every setting v1 has no file for
     */
    public static List<ControllerWrite> writes(Spec.Resources r, Set<String> devicePaths, List<String> notes) {
        List<ControllerWrite> out = new ArrayList<>();
        Spec.Cpu cpu = r == null ? null : r.cpu();
        if (cpu != null) {
            if (nonEmpty(cpu.cpus())) {
                out.add(new ControllerWrite("cpuset", "cpuset.cpus", cpu.cpus()));
            }
            if (nonEmpty(cpu.mems())) {
                out.add(new ControllerWrite("cpuset", "cpuset.mems", cpu.mems()));
            }
        }
        devices(r == null ? List.of() : r.devices(), devicePaths, out);
        if (r == null) {
            return out;
        }
        memory(r.memory(), out, notes);
        if (cpu != null) {
            cpu(cpu, out);
        }
        if (r.pids() != null) {
            out.add(new ControllerWrite("pids", "pids.max", CgroupConversions.pidsMax(r.pids().limit())));
        }
        blkio(r.blockIO(), out);
        for (Spec.HugepageLimit h : r.hugepageLimits()) {
            out.add(new ControllerWrite("hugetlb", "hugetlb." + h.pageSize() + ".limit_in_bytes", Long.toUnsignedString(h.limit())));
        }
        Spec.Network net = r.network();
        if (net != null) {
            if (net.classID() != null) {
                out.add(new ControllerWrite("net_cls", "net_cls.classid", Integer.toUnsignedString(net.classID())));
            }
            for (Spec.NetPriority p : net.priorities()) {
                out.add(new ControllerWrite("net_prio", "net_prio.ifpriomap", p.name() + " " + Integer.toUnsignedString(p.priority())));
            }
        }
        if (!r.unified().isEmpty()) {
            notes.add("linux.resources.unified is for cgroup v2 only; ignored on this v1 host");
        }
        return out;
    }

    /**
     * Deny everything, then the config's rules in order, then runc's defaults. The devices
     * cgroup is written even without a config rule: without it a container with CAP_MKNOD
     * could reach the host's disks.
     */
    private static void devices(List<Spec.DeviceRule> rules, Set<String> devicePaths, List<ControllerWrite> out) {
        out.addAll(deviceWrites(rules, devicePaths));
    }

    /**
     * The effective device rules, in the order the kernel applies them: devices.deny or
     * devices.allow, each with a rule such as {@code c 1:3 rwm}. v2 builds its BPF program
     * from the same list ({@link DeviceFilter}), so both drivers grant the same devices.
     *
     * @param devicePaths the paths of {@code linux.devices}: their default rules are dropped, as runc does
     */
    public static List<ControllerWrite> deviceWrites(List<Spec.DeviceRule> rules, Set<String> devicePaths) {
        List<ControllerWrite> out = new ArrayList<>();
        out.add(new ControllerWrite("devices", "devices.deny", "a"));
        for (Spec.DeviceRule d : rules) {
            out.add(new ControllerWrite("devices", d.allow() ? "devices.allow" : "devices.deny",
                    deviceRule(d.type(), d.major(), d.minor(), d.access())));
        }
        for (DefaultDevices.Rule d : DefaultDevices.CGROUP_RULES) {
            if (d.path() == null || !devicePaths.contains(d.path())) {
                out.add(new ControllerWrite("devices", "devices.allow", deviceRule(d.type(), d.major(), d.minor(), d.access())));
            }
        }
        return out;
    }

    /** "c 1:3 rwm": a null type is "a"; a null or negative number is "*"; an empty access is "rwm". */
    public static String deviceRule(String type, Long major, Long minor, String access) {
        return (type == null || type.isEmpty() ? "a" : type) + " " + number(major) + ":" + number(minor) + " "
                + (access == null || access.isEmpty() ? "rwm" : access);
    }

    private static String number(Long n) {
        return n == null || n < 0 ? "*" : Long.toString(n);
    }

    private static void memory(Spec.Memory m, List<ControllerWrite> out, List<String> notes) {
        if (m == null) {
            return;
        }
        long limit = orZero(m.limit());
        long swap = orZero(m.swap());
        ControllerWrite limitWrite = new ControllerWrite("memory", "memory.limit_in_bytes", Long.toString(limit));
        ControllerWrite swapWrite = new ControllerWrite("memory", "memory.memsw.limit_in_bytes", Long.toString(swap));
        // memsw must never be below the memory limit: raise it first only when it goes to unlimited.
        if (swap == -1) {
            out.add(swapWrite);
            if (limit != 0) {
                out.add(limitWrite);
            }
        } else {
            if (limit != 0) {
                out.add(limitWrite);
            }
            if (swap != 0) {
                out.add(swapWrite);
            }
        }
        if (orZero(m.reservation()) != 0) {
            out.add(new ControllerWrite("memory", "memory.soft_limit_in_bytes", Long.toString(m.reservation())));
        }
        if (Boolean.TRUE.equals(m.disableOOMKiller())) {
            out.add(new ControllerWrite("memory", "memory.oom_control", "1"));
        }
        if (m.swappiness() != null && m.swappiness() != -1) {
            if (m.swappiness() >= 0 && m.swappiness() <= 100) {
                out.add(new ControllerWrite("memory", "memory.swappiness", Long.toString(m.swappiness())));
            } else {
                notes.add("memory.swappiness " + m.swappiness() + " is outside 0..100; not written");
            }
        }
        if (m.kernel() != null || m.kernelTCP() != null) {
            notes.add("memory.kernel and memory.kernelTCP are deprecated (kmem accounting is gone from recent kernels); ignored, as runc does");
        }
    }

    private static void cpu(Spec.Cpu c, List<ControllerWrite> out) {
        if (orZero(c.shares()) != 0) {
            out.add(new ControllerWrite("cpu", "cpu.shares", Long.toUnsignedString(c.shares())));
        }
        // A fresh cgroup has no quota, so period, quota and burst go in that order without EINVAL.
        if (orZero(c.period()) != 0) {
            out.add(new ControllerWrite("cpu", "cpu.cfs_period_us", Long.toUnsignedString(c.period())));
        }
        if (orZero(c.quota()) != 0) {
            out.add(new ControllerWrite("cpu", "cpu.cfs_quota_us", Long.toString(c.quota())));
        }
        if (c.burst() != null) {
            out.add(new ControllerWrite("cpu", "cpu.cfs_burst_us", Long.toUnsignedString(c.burst())));
        }
        if (c.idle() != null) {
            out.add(new ControllerWrite("cpu", "cpu.idle", Long.toString(c.idle())));
        }
        if (orZero(c.realtimePeriod()) != 0) {
            out.add(new ControllerWrite("cpu", "cpu.rt_period_us", Long.toUnsignedString(c.realtimePeriod())));
        }
        if (orZero(c.realtimeRuntime()) != 0) {
            out.add(new ControllerWrite("cpu", "cpu.rt_runtime_us", Long.toString(c.realtimeRuntime())));
        }
    }

    private static void blkio(Spec.BlockIO b, List<ControllerWrite> out) {
        if (b == null) {
            return;
        }
        // blkio.weight is CFQ's file; a BFQ-only kernel names it blkio.bfq.weight, which only a
        // look at the directory can tell (runc looks; the executor may fall back).
        if (b.weight() != null && b.weight() != 0) {
            out.add(new ControllerWrite("blkio", "blkio.weight", Integer.toString(b.weight())));
        }
        if (b.leafWeight() != null && b.leafWeight() != 0) {
            out.add(new ControllerWrite("blkio", "blkio.leaf_weight", Integer.toString(b.leafWeight())));
        }
        for (Spec.WeightDevice wd : b.weightDevice()) {
            if (wd.weight() != null && wd.weight() != 0) {
                out.add(new ControllerWrite("blkio", "blkio.weight_device", wd.major() + ":" + wd.minor() + " " + wd.weight()));
            }
            if (wd.leafWeight() != null && wd.leafWeight() != 0) {
                out.add(new ControllerWrite("blkio", "blkio.leaf_weight_device", wd.major() + ":" + wd.minor() + " " + wd.leafWeight()));
            }
        }
        throttle(b.throttleReadBpsDevice(), "blkio.throttle.read_bps_device", out);
        throttle(b.throttleWriteBpsDevice(), "blkio.throttle.write_bps_device", out);
        throttle(b.throttleReadIOPSDevice(), "blkio.throttle.read_iops_device", out);
        throttle(b.throttleWriteIOPSDevice(), "blkio.throttle.write_iops_device", out);
    }

    private static void throttle(List<Spec.ThrottleDevice> devices, String file, List<ControllerWrite> out) {
        for (Spec.ThrottleDevice t : devices) {
            out.add(new ControllerWrite("blkio", file, t.major() + ":" + t.minor() + " " + Long.toUnsignedString(t.rate())));
        }
    }

    static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
