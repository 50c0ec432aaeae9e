package dev.jspec.plan;

import java.util.List;

/**
 * A whole plan as {@code jspec plan} prints it: numbered steps under a line naming the
 * process that runs them, then what the plan leaves out.
 */
public final class PlanText {

    private PlanText() {}

    public static String render(Plan plan, List<String> notes) {
        StringBuilder out = new StringBuilder();
        boolean pid1 = plan.entries().stream().anyMatch(e ->
                e.actor() == Actor.PARENT && e.step() instanceof Step.Unshare u && u.types().contains("pid"));
        Actor current = null;
        int n = 0;
        for (Plan.Entry e : plan.entries()) {
            n++;
            if (e.actor() != current) {
                current = e.actor();
                out.append(switch (current) {
                    case PARENT -> "  parent\n";
                    case INIT -> pid1 ? "  init (pid 1 in the container)\n" : "  init\n";
                });
            }
            out.append(String.format("%4d  %s%n", n, StepText.call(e.step())));
        }
        if (!notes.isEmpty()) {
            out.append("  not planned\n");
            notes.forEach(note -> out.append("     - ").append(note).append('\n'));
        }
        return out.toString();
    }

    /** "v1", "v1 (hybrid host)" or "v2": which driver the plan's cgroup steps are for. */
    public static String cgroupLayout(HostFacts host) {
        return switch (host.cgroupLayout()) {
            case V1 -> "v1";
            case HYBRID -> "v1 (hybrid host)";
            case V2 -> "v2";
        };
    }
}
