package dev.jspec.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether the kernel's OOM killer acted in a container's memory cgroup: the {@code oom_kill}
 * counter of {@code memory.oom_control} (v1) or {@code memory.events} (v2). Read after the
 * container exits and before its cgroups are removed, to tell the user why it died.
 */
final class OomKills {

    private OomKills() {}

    /** A sentence for the user when the OOM killer acted in one of {@code dirs}, else null. */
    public static String explain(List<String> dirs) {
        for (String dir : dirs) {
            long kills = counter(Path.of(dir, "memory.oom_control"), "oom_kill");
            if (kills < 0) {
                kills = counter(Path.of(dir, "memory.events"), "oom_kill");
            }
            if (kills > 0) {
                String limit = firstLine(Path.of(dir, "memory.limit_in_bytes"));
                if (limit == null) {
                    limit = firstLine(Path.of(dir, "memory.max"));
                }
                return "the kernel's OOM killer stopped the container at its memory limit"
                        + (limit == null ? "" : " (" + limit + " bytes, " + dir + ")");
            }
        }
        return null;
    }

    /**
     * The OOM kills counted so far in {@code dirs} (v1 memory.oom_control, v2 memory.events),
     * summed; -1 when none of them has a memory controller's counter.
     */
    public static long count(List<String> dirs) {
        long total = -1;
        for (String dir : dirs) {
            long kills = counter(Path.of(dir, "memory.oom_control"), "oom_kill");
            if (kills < 0) {
                kills = counter(Path.of(dir, "memory.events"), "oom_kill");
            }
            if (kills >= 0) {
                total = Math.max(total, 0) + kills;
            }
        }
        return total;
    }

    /** The value of {@code key} in a flat-keyed cgroup file, or -1 when there is none. */
    static long counter(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key)) {
                    return Long.parseLong(kv[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not this cgroup version, or not a memory cgroup.
        }
        return -1;
    }

    private static String firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().map(String::trim).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
