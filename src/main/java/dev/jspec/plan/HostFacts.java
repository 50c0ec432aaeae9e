package dev.jspec.plan;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the planner needs to know about the host, read once by the caller, so that the
 * planner itself stays a pure function. Tests pass fixed facts.
 *
 * @param cgroupLayout how cgroups are mounted
 * @param cgroupV1Mounts v1 controller name to its mount point, e.g. memory to /sys/fs/cgroup/memory
 *     (co-mounted controllers map to the same directory); empty on pure v2
 * @param cgroupV2Mount the cgroup2 mount point, or null when there is none
 * @param initCommand argv that starts {@code jspec init} (the java binary, its flags, the class)
 * @param lsms the Linux security modules active on the host that can label a process, as the
 *     kernel names them ({@link #APPARMOR}, {@link #SELINUX}); see {@code dev.jspec.exec.LsmProbe}
 */
public record HostFacts(
        CgroupLayout cgroupLayout,
        Map<String, String> cgroupV1Mounts,
        String cgroupV2Mount,
        List<String> initCommand,
        Set<String> lsms) {

    public static final String APPARMOR = "apparmor";
    public static final String SELINUX = "selinux";

    public enum CgroupLayout { V1, HYBRID, V2 }

    public HostFacts {
        lsms = Set.copyOf(lsms);
    }

    /** A host with no security module that labels processes. */
    public HostFacts(CgroupLayout cgroupLayout, Map<String, String> cgroupV1Mounts, String cgroupV2Mount, List<String> initCommand) {
        this(cgroupLayout, cgroupV1Mounts, cgroupV2Mount, initCommand, Set.of());
    }

    /** These facts, on a host where {@code lsms} are the active security modules. */
    public HostFacts withLsms(Set<String> lsms) {
        return new HostFacts(cgroupLayout, cgroupV1Mounts, cgroupV2Mount, initCommand, lsms);
    }
}
