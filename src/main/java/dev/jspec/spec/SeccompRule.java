package dev.jspec.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule of a seccomp filter as a plan carries it: an action, the system calls it applies
 * to, and conditions on their arguments that must all hold. A plan holds rules as text, so
 * that it stays plain data ({@code PlanCodec}) and reads like what it is:
 *
 * <pre>
 * SCMP_ACT_ERRNO(1) kexec_load,reboot
 * SCMP_ACT_ALLOW personality a0==8
 * SCMP_ACT_ALLOW clone a0&amp;0x7e020000==0
 * </pre>
 *
 * The action, then the names joined by commas, then one word per condition: {@code aN},
 * the comparison and an unsigned value; a masked comparison ({@code SCMP_CMP_MASKED_EQ}) is
 * {@code aN&MASK==VALUE}.
 */
public record SeccompRule(String action, List<String> names, List<Condition> conditions) {

    /** One argument comparison, in the spec's words: for SCMP_CMP_MASKED_EQ {@code value} is the mask and {@code valueTwo} the datum. */
    public record Condition(int index, String op, long value, long valueTwo) {

        public String text() {
            if (op.equals("SCMP_CMP_MASKED_EQ")) {
                return "a" + index + "&0x" + Long.toHexString(value) + "==" + Long.toUnsignedString(valueTwo);
            }
            return "a" + index + SYMBOLS.get(op) + Long.toUnsignedString(value);
        }
    }

    private static final Map<String, String> SYMBOLS = Map.of(
            "SCMP_CMP_NE", "!=", "SCMP_CMP_LT", "<", "SCMP_CMP_LE", "<=", "SCMP_CMP_EQ", "==",
            "SCMP_CMP_GE", ">=", "SCMP_CMP_GT", ">");

    private static final Pattern CONDITION = Pattern.compile("a([0-5])(?:&(0x[0-9a-f]+|[0-9]+)==|(!=|<=|>=|==|<|>))(0x[0-9a-f]+|[0-9]+)");

    /** Syscall names as libseccomp knows them; anything else cannot name a system call. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

    public SeccompRule {
        names = List.copyOf(names);
        conditions = List.copyOf(conditions);
    }

    /** Whether {@code name} can be a system call's name (and so be written in a rule). */
    public static boolean isSyscallName(String name) {
        return NAME.matcher(name).matches();
    }

    public String text() {
        StringBuilder b = new StringBuilder(action).append(' ').append(String.join(",", names));
        for (Condition c : conditions) {
            b.append(' ').append(c.text());
        }
        return b.toString();
    }

    /** Reads what {@link #text()} wrote. */
    public static SeccompRule parse(String text) {
        String[] words = text.strip().split(" +");
        if (words.length < 2) {
            throw new IllegalArgumentException("not a seccomp rule: " + text);
        }
        List<String> names = List.of(words[1].split(","));
        for (String name : names) {
            if (!isSyscallName(name)) {
                throw new IllegalArgumentException("not a system call name in seccomp rule '" + text + "': " + name);
            }
        }
        List<Condition> conditions = new ArrayList<>();
        for (int i = 2; i < words.length; i++) {
            Matcher m = CONDITION.matcher(words[i]);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a seccomp condition in rule '" + text + "': " + words[i]);
            }
            int index = Integer.parseInt(m.group(1));
            long value = number(m.group(4));
            if (m.group(2) != null) {
                conditions.add(new Condition(index, "SCMP_CMP_MASKED_EQ", number(m.group(2)), value));
            } else {
                String op = SYMBOLS.entrySet().stream().filter(e -> e.getValue().equals(m.group(3))).findFirst().orElseThrow().getKey();
                conditions.add(new Condition(index, op, value, 0));
            }
        }
        return new SeccompRule(words[0], names, conditions);
    }

    private static long number(String s) {
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseUnsignedLong(s);
    }
}
