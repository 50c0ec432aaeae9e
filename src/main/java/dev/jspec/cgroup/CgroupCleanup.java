package dev.jspec.cgroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What removing a container's cgroups means: its own directories (emptied of processes,
 * then removed), and parent directories, removed only when nothing else is left in them.
 *
 * @param containerDirs the container's directory in each hierarchy
 * @param parentDirs parents to remove when empty, deepest first: jspec's shared parent, and
 *     any other level this run created
 */
public record CgroupCleanup(List<String> containerDirs, List<String> parentDirs) {

    public CgroupCleanup {
        containerDirs = List.copyOf(containerDirs);
        parentDirs = deepestFirst(parentDirs);
    }

    /**
     * As a start will leave it, known before anything is made so it can be recorded first:
     * {@code dirs} are the directories the start makes, in order, each mapped to whether it
     * is jspec's shared parent; the container's directories are the ones none is made under.
     */
    public static CgroupCleanup planned(Map<String, Boolean> dirs) {
        List<String> leaves = new ArrayList<>();
        List<String> shared = new ArrayList<>();
        for (Map.Entry<String, Boolean> d : dirs.entrySet()) {
            if (d.getValue()) {
                shared.add(d.getKey());
            } else if (dirs.keySet().stream().noneMatch(o -> o.startsWith(d.getKey() + "/"))) {
                leaves.add(d.getKey());
            }
        }
        return new CgroupCleanup(leaves, shared);
    }

    /**
     * A stable sort by depth, deepest first, in plain loops: this runs before a start spawns
     * its init, where Comparator.comparingLong's lambda (made inside the JDK, which the AOT
     * cache does not hold) cost a cold JVM milliseconds.
     */
    private static List<String> deepestFirst(List<String> dirs) {
        List<String> out = new ArrayList<>();
        for (String d : dirs) {
            if (out.contains(d)) {
                continue;
            }
            int at = out.size();
            while (at > 0 && depth(out.get(at - 1)) < depth(d)) {
                at--;
            }
            out.add(at, d);
        }
        return List.copyOf(out);
    }

    private static int depth(String dir) {
        int n = 0;
        for (int i = 0; i < dir.length(); i++) {
            if (dir.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }
}
