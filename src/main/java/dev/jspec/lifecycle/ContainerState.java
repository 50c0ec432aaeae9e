package dev.jspec.lifecycle;

import dev.jspec.plan.PlanCodec;
import java.util.List;
import java.util.Map;

/**
 * What jspec records about a container while it exists: the OCI state (runtime.md) plus
 * what teardown needs (the cgroup directories jspec created).
 *
 * @param status creating, created, running or stopped
 * @param cgroups the container's own cgroup directories: killed, emptied and removed on delete
 * @param parentCgroups parent directories to remove on delete when nothing else is in them, deepest first
 */
public record ContainerState(
        String id,
        String status,
        int pid,
        String bundle,
        List<String> cgroups,
        List<String> parentCgroups) {

    public static final String OCI_VERSION = "1.2.0";

    public String toJson() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"ociVersion\":").append(quote(OCI_VERSION));
        b.append(",\"id\":").append(quote(id));
        b.append(",\"status\":").append(quote(status));
        b.append(",\"pid\":").append(pid);
        b.append(",\"bundle\":").append(quote(bundle));
        b.append(",\"cgroups\":").append(list(cgroups));
        b.append(",\"parentCgroups\":").append(list(parentCgroups));
        return b.append("}\n").toString();
    }

    private static String list(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            b.append(i == 0 ? "" : ",").append(quote(items.get(i)));
        }
        return b.append(']').toString();
    }

    static String quote(String s) {
        return PlanCodec.quote(s);
    }

    /** Reads back what {@link #toJson} wrote. */
    public static ContainerState fromJson(String json) {
        Map<?, ?> m = (Map<?, ?>) PlanCodec.parseJson(json);
        return new ContainerState((String) m.get("id"), (String) m.get("status"), ((Number) m.get("pid")).intValue(),
                (String) m.get("bundle"), strings(m.get("cgroups")), strings(m.get("parentCgroups")));
    }

    private static List<String> strings(Object o) {
        return o == null ? List.of() : ((List<?>) o).stream().map(String.class::cast).toList();
    }
}
