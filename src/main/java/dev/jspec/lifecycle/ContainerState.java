package dev.jspec.lifecycle;

import java.util.List;

/**
 * What jspec records about a container while it exists: the OCI state (runtime.md) plus
 * what teardown needs (the cgroup directories jspec created).
 *
 * @param status creating, created, running or stopped
 * @param createdCgroups directories to remove on delete, deepest first
 */
public record ContainerState(
        String id,
        String status,
        int pid,
        String bundle,
        List<String> cgroups,
        List<String> createdCgroups) {

    public static final String OCI_VERSION = "1.2.0";

    public String toJson() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"ociVersion\":").append(quote(OCI_VERSION));
        b.append(",\"id\":").append(quote(id));
        b.append(",\"status\":").append(quote(status));
        b.append(",\"pid\":").append(pid);
        b.append(",\"bundle\":").append(quote(bundle));
        b.append(",\"cgroups\":").append(list(cgroups));
        b.append(",\"createdCgroups\":").append(list(createdCgroups));
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
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
