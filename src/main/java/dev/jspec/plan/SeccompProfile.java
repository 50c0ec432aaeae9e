package dev.jspec.plan;

import dev.jspec.spec.SeccompRule;
import dev.jspec.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A config's {@code linux.seccomp} read as runc reads it, into the data of a
 * {@link Step.Seccomp}: the plan then shows exactly the filter the init loads.
 *
 * <ul>
 *   <li>SCMP_ACT_ERRNO and SCMP_ACT_TRACE carry their return value, EPERM when the config
 *       gives none; SCMP_ACT_KILL is written as what it is, SCMP_ACT_KILL_THREAD.
 *   <li>A rule whose action is the default action is left out (libseccomp refuses it).
 *   <li>Conditions on different arguments must all hold (one rule); when one argument has
 *       several conditions, each becomes a rule of its own, so that any of them matches.
 * </ul>
 *
 * System call names this kernel's libseccomp does not know are skipped when the filter is
 * loaded ({@code SeccompLoader}), since only the init's libseccomp can tell.
 */
public final class SeccompProfile {

    /** The errno of SCMP_ACT_ERRNO and SCMP_ACT_TRACE when the config gives none. */
    public static final int EPERM = 1;

    public static final String NOTIFY = "SCMP_ACT_NOTIFY";

    private SeccompProfile() {}

    public static Step.Seccomp step(Spec.Seccomp seccomp) {
        String defaultAction = action(seccomp.defaultAction(), seccomp.defaultErrnoRet());
        List<String> rules = new ArrayList<>();
        for (Spec.SeccompSyscall call : seccomp.syscalls()) {
            String action = action(call.action(), call.errnoRet());
            if (action.equals(defaultAction)) {
                continue;
            }
            List<String> names = call.names().stream().filter(SeccompRule::isSyscallName).toList();
            if (names.isEmpty()) {
                continue;
            }
            List<SeccompRule.Condition> conditions = call.args().stream()
                    .map(a -> new SeccompRule.Condition(a.index(), a.op(), a.value(),
                            a.op().equals("SCMP_CMP_MASKED_EQ") ? a.valueTwo() : 0))
                    .toList();
            Set<Integer> indexes = new LinkedHashSet<>();
            boolean repeated = conditions.stream().anyMatch(c -> !indexes.add(c.index()));
            if (repeated) {
                for (SeccompRule.Condition c : conditions) {
                    rules.add(new SeccompRule(action, names, List.of(c)).text());
                }
            } else {
                rules.add(new SeccompRule(action, names, conditions).text());
            }
        }
        return new Step.Seccomp(defaultAction, seccomp.architectures(), seccomp.flags(), rules);
    }

    /** The action with its return value where it has one, e.g. {@code SCMP_ACT_ERRNO(1)}. */
    static String action(String name, Integer errnoRet) {
        return switch (name) {
            case "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE" -> name + "(" + (errnoRet == null ? EPERM : Integer.toUnsignedString(errnoRet)) + ")";
            case "SCMP_ACT_KILL" -> "SCMP_ACT_KILL_THREAD";
            default -> name;
        };
    }

    /** Whether the filter hands system calls to an agent (SCMP_ACT_NOTIFY), which needs the filter's listener descriptor. */
    public static boolean notifies(Step.Seccomp step) {
        return step.rules().stream().anyMatch(r -> r.startsWith(NOTIFY + " "));
    }

    /**
     * The step as {@code jspec plan} shows it: the default action, how many system calls
     * each action covers, how many rules look at arguments, the architectures and flags.
     */
    public static String summary(Step.Seccomp step) {
        Map<String, Set<String>> byAction = new LinkedHashMap<>();
        int conditional = 0;
        for (String text : step.rules()) {
            SeccompRule rule = SeccompRule.parse(text);
            byAction.computeIfAbsent(rule.action().replaceFirst("^SCMP_ACT_", ""), a -> new LinkedHashSet<>()).addAll(rule.names());
            if (!rule.conditions().isEmpty()) {
                conditional++;
            }
        }
        StringBuilder b = new StringBuilder("seccomp(default=").append(step.defaultAction());
        byAction.forEach((action, names) -> b.append(", ").append(action).append(": ").append(names.size())
                .append(names.size() == 1 ? " syscall" : " syscalls"));
        if (conditional > 0) {
            b.append(", ").append(conditional).append(conditional == 1 ? " rule" : " rules").append(" on arguments");
        }
        if (!step.architectures().isEmpty()) {
            b.append(", arch=").append(step.architectures().stream().map(a -> a.replaceFirst("^SCMP_ARCH_", "")).toList());
        }
        Set<String> flags = new LinkedHashSet<>(List.of("TSYNC"));
        step.flags().forEach(f -> flags.add(f.replaceFirst("^SECCOMP_FILTER_FLAG_", "")));
        return b.append(", flags=").append(flags).append(')').toString();
    }
}
