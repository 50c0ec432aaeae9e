package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CgroupLayoutProbeTest {

    /** These machines, as /proc/self/mountinfo shows them. */
    private static final String HYBRID = """
            23 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
            34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
            37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
            38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
            39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;

    /** A systemd distribution on cgroup v1: co-mounted controllers, optional fields. */
    private static final String V1 = """
            25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
            27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,name=systemd
            30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct
            31 25 0:28 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,net_cls,net_prio
            32 25 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
            """;

    private static final String V2 = """
            22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
            26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
            """;

    @Test
    void hybridHostIsV1ControllersBesideAnEmptyCgroup2() {
        CgroupLayoutProbe.CgroupMounts m = CgroupLayoutProbe.parse(HYBRID);
        assertEquals(CgroupLayout.HYBRID, m.layout());
        assertEquals(Map.of("cpu", "/sys/fs/cgroup/cpu", "cpuacct", "/sys/fs/cgroup/cpuacct", "cpuset", "/sys/fs/cgroup/cpuset",
                "memory", "/sys/fs/cgroup/memory", "devices", "/sys/fs/cgroup/devices", "freezer", "/sys/fs/cgroup/freezer",
                "blkio", "/sys/fs/cgroup/blkio", "pids", "/sys/fs/cgroup/pids"), m.v1Mounts());
        assertEquals("/sys/fs/cgroup/unified", m.v2Mount());
    }

    @Test
    void v1HostMapsCoMountedControllersToOneMountPoint() {
        CgroupLayoutProbe.CgroupMounts m = CgroupLayoutProbe.parse(V1);
        assertEquals(CgroupLayout.V1, m.layout());
        assertEquals(Map.of("cpu", "/sys/fs/cgroup/cpu,cpuacct", "cpuacct", "/sys/fs/cgroup/cpu,cpuacct",
                "net_cls", "/sys/fs/cgroup/net_cls,net_prio", "net_prio", "/sys/fs/cgroup/net_cls,net_prio",
                "memory", "/sys/fs/cgroup/memory"), m.v1Mounts());
        assertNull(m.v2Mount());
    }

    @Test
    void cgroup2AtTheStandardPlaceIsAPureV2Host() {
        CgroupLayoutProbe.CgroupMounts m = CgroupLayoutProbe.parse(V2);
        assertEquals(CgroupLayout.V2, m.layout());
        assertEquals(Map.of(), m.v1Mounts());
        assertEquals("/sys/fs/cgroup", m.v2Mount());
    }

    @Test
    void escapedMountPointsAreDecoded() {
        String text = "40 31 0:37 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw\n";
        assertEquals("/mnt/my cgroups", CgroupLayoutProbe.parse(text).v2Mount());
    }

    @Test
    void noCgroupFilesystemIsAnError() {
        assertThrows(IllegalStateException.class, () -> CgroupLayoutProbe.parse("22 1 0:21 / /sys rw - sysfs sysfs rw\n"));
    }
}
