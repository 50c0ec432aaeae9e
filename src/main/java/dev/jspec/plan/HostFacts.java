package dev.jspec.plan;

import java.util.List;
import java.util.Map;

/**
 * What the planner needs to know about the host, read once by the caller, so that the
 * planner itself stays a pure function. Tests pass fixed facts.
 *
 * @param cgroupLayout how cgroups are mounted
 * @param cgroupV1Mounts v1 controller name to its mount point, e.g. memory to /sys/fs/cgroup/memory
 *     (co-mounted controllers map to the same directory); empty on pure v2
 * @param cgroupV2Mount the cgroup2 mount point, or null when there is none
 * @param initCommand argv that starts {@code jspec init} (the java binary, its flags, the class)
 * @param initFiles the host's files and directories the init maps or holds open (the JDK, the
 *     jars, JNA's library, the AOT cache, the system libraries java loads), each made
 *     read-only in the init's mount namespace before it is spawned; real paths, a directory
 *     before anything in it
 */
public record HostFacts(
        CgroupLayout cgroupLayout,
        Map<String, String> cgroupV1Mounts,
        String cgroupV2Mount,
        List<String> initCommand,
        List<String> initFiles) {

    public HostFacts {
        initFiles = List.copyOf(initFiles);
    }

    /** Facts without init files: nothing of the host is made read-only for the init. */
    public HostFacts(CgroupLayout cgroupLayout, Map<String, String> cgroupV1Mounts, String cgroupV2Mount, List<String> initCommand) {
        this(cgroupLayout, cgroupV1Mounts, cgroupV2Mount, initCommand, List.of());
    }

    public HostFacts withInitFiles(List<String> files) {
        return new HostFacts(cgroupLayout, cgroupV1Mounts, cgroupV2Mount, initCommand, files);
    }

    public enum CgroupLayout { V1, HYBRID, V2 }
}
