package dev.jspec.lifecycle;

import dev.jspec.spec.Spec;
import dev.jspec.util.Json;
import dev.jspec.util.PlainPaths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What jspec records about a container while it exists: the OCI state (runtime.md) plus
 * what teardown needs (the cgroup directories jspec created) and what tells the container's
 * processes and cgroups apart from others that later take the same pid or path.
 *
 * @param status creating, created, running or stopped
 * @param pid the init's pid on the host, 0 before it exists
 * @param startTime the init's start time (field 22 of /proc/PID/stat, clock ticks after boot),
 *     0 when unknown: a process with the pid but another start time is not the container's
 * @param cgroups the container's own cgroup directories: killed, emptied and removed on delete
 * @param parentCgroups parent directories to remove on delete when nothing else is in them, deepest first
 * @param cgroupInodes the inode number of each cgroup directory this container made: a
 *     directory at that path with another inode is another container's, and delete leaves it
 */
public record ContainerState(
        String id,
        String status,
        int pid,
        long startTime,
        String bundle,
        List<String> cgroups,
        List<String> parentCgroups,
        Map<String, Long> cgroupInodes) {

    public static final String OCI_VERSION = Spec.OCI_VERSION;

    private static final List<String> STATUSES = List.of("creating", "created", "running", "stopped");

    public ContainerState {
        cgroups = List.copyOf(cgroups);
        parentCgroups = List.copyOf(parentCgroups);
        cgroupInodes = Map.copyOf(cgroupInodes);
    }

    /** A state without an init yet, or one whose identity was not recorded. */
    public ContainerState(String id, String status, int pid, String bundle, List<String> cgroups, List<String> parentCgroups) {
        this(id, status, pid, 0, bundle, cgroups, parentCgroups, Map.of());
    }

    /** The container's init, as recorded. */
    public InitProcess init() {
        return new InitProcess(pid, startTime);
    }

    public String toJson() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"ociVersion\":").append(quote(OCI_VERSION));
        b.append(",\"id\":").append(quote(id));
        b.append(",\"status\":").append(quote(status));
        b.append(",\"pid\":").append(pid);
        b.append(",\"startTime\":").append(startTime);
        b.append(",\"bundle\":").append(quote(bundle));
        b.append(",\"cgroups\":").append(list(cgroups));
        b.append(",\"parentCgroups\":").append(list(parentCgroups));
        b.append(",\"cgroupInodes\":{");
        int i = 0;
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(cgroupInodes).entrySet()) {
            b.append(i++ == 0 ? "" : ",").append(quote(e.getKey())).append(':').append(e.getValue());
        }
        return b.append("}}\n").toString();
    }

    private static String list(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            b.append(i == 0 ? "" : ",").append(quote(items.get(i)));
        }
        return b.append(']').toString();
    }

    static String quote(String s) {
        return Json.quote(s);
    }

    /**
     * Reads back what {@link #toJson} wrote.
     *
     * @throws IllegalArgumentException when the text is not such a state; the message says what is wrong
     */
    public static ContainerState fromJson(String json) {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String id = text(m, "id");
        String status = text(m, "status");
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("unknown status " + quote(status));
        }
        long pid = number(m, "pid", true);
        if (pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pid " + pid + " is out of range");
        }
        long startTime = m.containsKey("startTime") ? number(m, "startTime", true) : 0;
        Map<String, Long> inodes = new LinkedHashMap<>();
        Object rawInodes = m.get("cgroupInodes");
        if (rawInodes != null) {
            if (!(rawInodes instanceof Map<?, ?> im)) {
                throw new IllegalArgumentException("cgroupInodes is not an object");
            }
            for (Map.Entry<?, ?> e : im.entrySet()) {
                if (!(e.getValue() instanceof Number n)) {
                    throw new IllegalArgumentException("cgroupInodes." + e.getKey() + " is not a number");
                }
                inodes.put(cgroupPath(e.getKey()), n.longValue());
            }
        }
        return new ContainerState(id, status, (int) pid, startTime, text(m, "bundle"),
                cgroupPaths(m.get("cgroups"), "cgroups"), cgroupPaths(m.get("parentCgroups"), "parentCgroups"), inodes);
    }

    private static String text(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof String s)) {
            throw new IllegalArgumentException(key + " is missing or not a string");
        }
        return s;
    }

    private static long number(Map<?, ?> m, String key, boolean nonNegative) {
        if (!(m.get(key) instanceof Number n) || (nonNegative && n.longValue() < 0)) {
            throw new IllegalArgumentException(key + " is missing or not a " + (nonNegative ? "non-negative " : "") + "number");
        }
        return n.longValue();
    }

    /** Paths delete acts on: absolute, with no "." or ".." to climb out of where they point. */
    private static List<String> cgroupPaths(Object o, String key) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> items)) {
            throw new IllegalArgumentException(key + " is not a list");
        }
        // Loops, not streams: every command on a container reads its state first, and a cold
        // JVM interprets each stream stage and maps each lambda's class.
        List<String> paths = new ArrayList<>(items.size());
        for (Object item : items) {
            paths.add(cgroupPath(item));
        }
        return List.copyOf(paths);
    }

    private static String cgroupPath(Object o) {
        if (!(o instanceof String s) || !PlainPaths.absolute(s)) {
            throw new IllegalArgumentException("cgroup path " + (o instanceof String s ? quote(s) : String.valueOf(o))
                    + " is not an absolute, plain path");
        }
        return s;
    }
}
