package dev.jspec.exec;

import dev.jspec.plan.Plan;
import dev.jspec.plan.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
     * As the plan will leave it, known before any step runs so it can be recorded first:
     * the container's directories are the ones the plan makes no directory under.
     */
    public static CgroupCleanup of(Plan plan) {
        List<Step.CgroupMkdir> mkdirs = plan.entries().stream()
                .map(Plan.Entry::step)
                .filter(Step.CgroupMkdir.class::isInstance)
                .map(Step.CgroupMkdir.class::cast)
                .toList();
        List<String> leaves = new ArrayList<>();
        List<String> shared = new ArrayList<>();
        for (Step.CgroupMkdir m : mkdirs) {
            if (m.shared()) {
                shared.add(m.dir());
            } else if (mkdirs.stream().noneMatch(o -> o.dir().startsWith(m.dir() + "/"))) {
                leaves.add(m.dir());
            }
        }
        return new CgroupCleanup(leaves, shared);
    }

    private static List<String> deepestFirst(List<String> dirs) {
        return dirs.stream().distinct()
                .sorted(Comparator.comparingLong((String d) -> d.chars().filter(c -> c == '/').count()).reversed())
                .toList();
    }
}
