package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AttachWarmerTest {

    private static final Map<String, String> V1_MOUNTS = Map.of(
            "cpu", "/sys/fs/cgroup/cpu,cpuacct", "cpuacct", "/sys/fs/cgroup/cpu,cpuacct",
            "memory", "/sys/fs/cgroup/memory", "pids", "/sys/fs/cgroup/pids");

    @Test
    void onV1TheFirstMountedHierarchyOfTheProcessIsItsOwnCgroupThere() {
        String cgroup = """
                12:name=systemd:/user.slice/session-3.scope
                9:pids:/user.slice/session-3.scope
                5:cpu,cpuacct:/user.slice
                0::/user.slice/session-3.scope
                """;
        assertEquals("/sys/fs/cgroup/pids/user.slice/session-3.scope/cgroup.procs",
                AttachWarmer.ownProcsFile(CgroupLayout.HYBRID, V1_MOUNTS, "/sys/fs/cgroup/unified", cgroup));
        assertEquals("/sys/fs/cgroup/cpu,cpuacct/user.slice/cgroup.procs",
                AttachWarmer.ownProcsFile(CgroupLayout.V1, V1_MOUNTS, null, "5:cpu,cpuacct:/user.slice\n"));
    }

    @Test
    void aProcessInTheRootCgroupWritesTheRootsFile() {
        assertEquals("/sys/fs/cgroup/pids/cgroup.procs",
                AttachWarmer.ownProcsFile(CgroupLayout.HYBRID, V1_MOUNTS, null, "8:pids:/\n0::/\n"));
        assertEquals("/sys/fs/cgroup/cgroup.procs", AttachWarmer.ownProcsFile(CgroupLayout.V2, Map.of(), "/sys/fs/cgroup", "0::/"));
    }

    @Test
    void onV2OnlyTheUnifiedLineCounts() {
        String cgroup = """
                1:name=systemd:/elsewhere
                0::/system.slice/containerd.service
                """;
        assertEquals("/sys/fs/cgroup/system.slice/containerd.service/cgroup.procs",
                AttachWarmer.ownProcsFile(CgroupLayout.V2, Map.of(), "/sys/fs/cgroup", cgroup));
    }

    @Test
    void noMountedHierarchyOrAPathThatIsNotPlainNamesNoFile() {
        assertNull(AttachWarmer.ownProcsFile(CgroupLayout.HYBRID, V1_MOUNTS, null, "12:name=systemd:/x\n3:blkio:/x\n"));
        assertNull(AttachWarmer.ownProcsFile(CgroupLayout.V2, Map.of(), null, "0::/x\n"));
        assertNull(AttachWarmer.ownProcsFile(CgroupLayout.V2, Map.of(), "/sys/fs/cgroup", "0::/../../x\n"));
        // Outside the cgroup namespace of the reader, the kernel shows the path relative to it.
        assertNull(AttachWarmer.ownProcsFile(CgroupLayout.V2, Map.of(), "/sys/fs/cgroup", "0::/../sibling\n"));
        assertNull(AttachWarmer.ownProcsFile(CgroupLayout.V2, Map.of(), "/sys/fs/cgroup", ""));
        assertNull(AttachWarmer.ownProcsFile(CgroupLayout.V2, Map.of(), "/sys/fs/cgroup", "garbage"));
    }
}
