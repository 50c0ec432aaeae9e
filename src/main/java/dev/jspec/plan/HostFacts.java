package dev.jspec.plan;

import dev.jspec.cgroup.CgroupLayout;
import dev.jspec.cgroup.CgroupLayoutProbe.CgroupMounts;
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
 * @param initCommand argv that starts the init (the java binary, its flags, {@code dev.jspec.init.InitMain})
 * @param lsms the Linux security modules active on the host that can label a process, as the
 *     kernel names them ({@link #APPARMOR}, {@link #SELINUX}); the executors' {@code LsmProbe} finds them
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
        Set<String> lsms,
        List<String> initFiles) {

    public static final String APPARMOR = "apparmor";
    public static final String SELINUX = "selinux";

    public HostFacts {
        lsms = Set.copyOf(lsms);
        initFiles = List.copyOf(initFiles);
    }

    /** A host with no security module that labels processes, and no init files made read-only. */
    public HostFacts(CgroupLayout cgroupLayout, Map<String, String> cgroupV1Mounts, String cgroupV2Mount, List<String> initCommand) {
        this(cgroupLayout, cgroupV1Mounts, cgroupV2Mount, initCommand, Set.of(), List.of());
    }

    /** The facts of a host whose cgroups are mounted as {@code mounts}, starting its init with {@code initCommand}. */
    public static HostFacts of(CgroupMounts mounts, List<String> initCommand) {
        return new HostFacts(mounts.layout(), mounts.v1Mounts(), mounts.v2Mount(), List.copyOf(initCommand));
    }

    /** These facts, on a host where {@code lsms} are the active security modules. */
    public HostFacts withLsms(Set<String> lsms) {
        return new HostFacts(cgroupLayout, cgroupV1Mounts, cgroupV2Mount, initCommand, lsms, initFiles);
    }

    /** These facts, with the files the init maps, to be made read-only in its view. */
    public HostFacts withInitFiles(List<String> files) {
        return new HostFacts(cgroupLayout, cgroupV1Mounts, cgroupV2Mount, initCommand, lsms, files);
    }
}
