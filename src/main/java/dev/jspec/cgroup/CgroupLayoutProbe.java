package dev.jspec.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds how the host mounts cgroups, from /proc/self/mountinfo. The only impure part is
 * {@link #detect()}; {@link #parse(String)} is a function of the file's text.
 */
public final class CgroupLayoutProbe {

    /** The v1 controllers jspec knows; named hierarchies (name=systemd) and mount options are not controllers. */
    static final Set<String> V1_CONTROLLERS = Set.of(
            "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio", "blkio",
            "perf_event", "hugetlb", "pids", "rdma", "misc");

    /** The standard place for cgroups; a cgroup2 mount here is a pure v2 host. */
    static final String CGROUP_ROOT = "/sys/fs/cgroup";

    /**
     * How this host mounts cgroups.
     *
     * @param layout V2 when the cgroup2 mount is the whole story, HYBRID when v1 hierarchies sit beside an (empty) cgroup2 mount
     * @param v1Mounts controller to its mount point, in mountinfo order; the first mount of a controller wins
     * @param v2Mount the cgroup2 mount point, or null
     */
    public record CgroupMounts(CgroupLayout layout, Map<String, String> v1Mounts, String v2Mount) {

        public CgroupMounts {
            v1Mounts = Map.copyOf(v1Mounts);
        }
    }

    private CgroupLayoutProbe() {}

    /** Reads /proc/self/mountinfo. Throws IllegalStateException when no cgroup filesystem is mounted. */
    public static CgroupMounts detect() {
        try {
            return parse(Files.readString(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
    }

    /**
     * Parses mountinfo text (proc(5)): {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS}.
     * A v1 hierarchy's controllers are its super options.
     */
    public static CgroupMounts parse(String mountinfo) {
        Map<String, String> v1 = new LinkedHashMap<>();
        String v2 = null;
        for (String line : mountinfo.split("\n")) {
            String[] f = line.trim().split(" ");
            int dash = List.of(f).indexOf("-");
            if (dash < 5 || dash + 3 > f.length) {
                continue;
            }
            String mountPoint = unescape(f[4]);
            String fstype = f[dash + 1];
            if (fstype.equals("cgroup2")) {
                if (v2 == null || mountPoint.equals(CGROUP_ROOT)) {
                    v2 = mountPoint;
                }
            } else if (fstype.equals("cgroup") && dash + 3 < f.length) {
                for (String option : f[dash + 3].split(",")) {
                    if (V1_CONTROLLERS.contains(option)) {
                        v1.putIfAbsent(option, mountPoint);
                    }
                }
            }
        }
        if (CGROUP_ROOT.equals(v2)) {
            return new CgroupMounts(CgroupLayout.V2, Map.of(), v2);
        }
        if (!v1.isEmpty()) {
            return new CgroupMounts(v2 == null ? CgroupLayout.V1 : CgroupLayout.HYBRID, v1, v2);
        }
        if (v2 != null) {
            return new CgroupMounts(CgroupLayout.V2, Map.of(), v2);
        }
        throw new IllegalStateException("no cgroup filesystem is mounted (nothing of type cgroup or cgroup2 in /proc/self/mountinfo)");
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
