package dev.jspec.cgroup;

import static dev.jspec.cgroup.BpfInsn.R0;
import static dev.jspec.cgroup.BpfInsn.R1;

import java.util.ArrayList;
import java.util.List;

/**
 * Device rules as a BPF_PROG_TYPE_CGROUP_DEVICE program: what cgroup v2 has instead of the
 * v1 devices controller. The kernel runs the program on every open and mknod of a device
 * node by a process in the cgroup; it returns 1 to allow the access and 0 to deny it.
 *
 * <p>The rules are the list the v1 driver writes ({@link CgroupV1Files#deviceWrites}), one
 * per line as {@code allow c 1:3 rwm} or {@code deny a}, and mean what they mean to the v1
 * kernel: an {@code a} rule (whatever numbers follow it) resets to allow-all or deny-all,
 * dropping every rule before it, and of the rules after it the last one that matches
 * decides. A request matches a rule when its type and numbers do (a {@code *} matches any)
 * and, for an allow, every access it asks for is in the rule's, for a deny, any one is (as
 * the v1 kernel checks its exceptions). The program is shaped like runc's
 * ({@code libcontainer/cgroups/devices/devicefilter.go}) and crun's: load the context into
 * registers once, then one block per rule, the last rule first, each ending in
 * {@code return allow} and skipped as soon as one of its checks fails; the default last.
 * Unlike runc's emulator, a deny of one device inside an allowed wildcard takes effect
 * here (the v1 kernel ignores it): the narrower result.
 */
public final class DeviceFilter {

    // struct bpf_cgroup_dev_ctx { __u32 access_type; __u32 major; __u32 minor; }: offsets.
    static final int CTX_ACCESS_TYPE = 0;
    static final int CTX_MAJOR = 4;
    static final int CTX_MINOR = 8;

    // The low 16 bits of access_type (include/uapi/linux/bpf.h).
    public static final int BPF_DEVCG_DEV_BLOCK = 1;
    public static final int BPF_DEVCG_DEV_CHAR = 2;
    // The high 16 bits.
    public static final int BPF_DEVCG_ACC_MKNOD = 1;
    public static final int BPF_DEVCG_ACC_READ = 2;
    public static final int BPF_DEVCG_ACC_WRITE = 4;
    private static final int ALL_ACCESS = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;

    // The registers the prologue fills, as in runc's program.
    static final int R_TYPE = 2;
    static final int R_ACCESS = 3;
    static final int R_MAJOR = 4;
    static final int R_MINOR = 5;

    /** One parsed rule; a null major or minor is {@code *}. */
    record Rule(boolean allow, char type, Long major, Long minor, int access) {}

    private DeviceFilter() {}

    /** The rule lines of a plan step for the v1 writes: devices.allow "c 1:3 rwm" becomes {@code allow c 1:3 rwm}. */
    public static List<String> ruleLines(List<ControllerWrite> deviceWrites) {
        return deviceWrites.stream().map(w -> w.file().substring("devices.".length()) + " " + w.value()).toList();
    }

    /** The program for these rule lines: one {@code struct bpf_insn} per element. */
    public static long[] program(List<String> ruleLines) {
        List<Rule> rules = new ArrayList<>();
        boolean defaultAllow = false; // without an "a" rule, fail closed; jspec's lists always start with one
        for (String line : ruleLines) {
            Rule r = parse(line);
            if (r.type() == 'a') {
                rules.clear();
                defaultAllow = r.allow();
            } else {
                rules.add(r);
            }
        }
        List<Long> out = new ArrayList<>();
        out.add(BpfInsn.loadWord(R_TYPE, R1, CTX_ACCESS_TYPE));
        out.add(BpfInsn.and32(R_TYPE, 0xffff));
        out.add(BpfInsn.loadWord(R_ACCESS, R1, CTX_ACCESS_TYPE));
        out.add(BpfInsn.rsh32(R_ACCESS, 16));
        out.add(BpfInsn.loadWord(R_MAJOR, R1, CTX_MAJOR));
        out.add(BpfInsn.loadWord(R_MINOR, R1, CTX_MINOR));
        for (int i = rules.size() - 1; i >= 0; i--) {
            out.addAll(block(rules.get(i)));
        }
        out.add(BpfInsn.mov32(R0, defaultAllow ? 1 : 0));
        out.add(BpfInsn.exit());
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** {@code if (type, access, major, minor match) return allow;} with each check jumping past the block. */
    private static List<Long> block(Rule r) {
        // Each check is {register, immediate}; the jump offsets are known only once the block's length is.
        List<int[]> checks = new ArrayList<>();
        checks.add(new int[] {R_TYPE, r.type() == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK});
        boolean checkAccess = r.access() != ALL_ACCESS;
        if (r.major() != null) {
            checks.add(new int[] {R_MAJOR, r.major().intValue()});
        }
        if (r.minor() != null) {
            checks.add(new int[] {R_MINOR, r.minor().intValue()});
        }
        int length = checks.size() + (checkAccess ? 3 : 0) + 2;
        List<Long> out = new ArrayList<>();
        for (int[] check : checks) {
            out.add(BpfInsn.jne(check[0], check[1], length - out.size() - 1));
            if (check[0] == R_TYPE && checkAccess) {
                // R1 (the context) is free once the prologue has read it.
                out.add(BpfInsn.mov32Reg(R1, R_ACCESS));
                if (r.allow()) {
                    // An allow covers the request only if every access asked for is in it: skip when (access & ~rule) != 0.
                    out.add(BpfInsn.and32(R1, ~r.access()));
                    out.add(BpfInsn.jne(R1, 0, length - out.size() - 1));
                } else {
                    // A deny refuses the request if it asks for any access in it: skip when (access & rule) == 0.
                    out.add(BpfInsn.and32(R1, r.access()));
                    out.add(BpfInsn.jeq(R1, 0, length - out.size() - 1));
                }
            }
        }
        out.add(BpfInsn.mov32(R0, r.allow() ? 1 : 0));
        out.add(BpfInsn.exit());
        return out;
    }

    /** {@code allow|deny TYPE [MAJOR:MINOR [ACCESS]]}, as the v1 files take the part after the verb. */
    static Rule parse(String line) {
        String[] w = line.strip().split("\\s+");
        if (w.length < 2 || w.length > 4 || !(w[0].equals("allow") || w[0].equals("deny")) || w[1].length() != 1
                || "abc".indexOf(w[1].charAt(0)) < 0) {
            throw new IllegalArgumentException("not a device rule: \"" + line + "\" (expected allow|deny a|b|c [MAJOR:MINOR [rwm]])");
        }
        char type = w[1].charAt(0);
        Long major = null;
        Long minor = null;
        if (w.length > 2) {
            String[] numbers = w[2].split(":", -1);
            if (numbers.length != 2) {
                throw new IllegalArgumentException("not a device rule: \"" + line + "\" (expected MAJOR:MINOR)");
            }
            major = number(numbers[0], line);
            minor = number(numbers[1], line);
        }
        int access = 0;
        String letters = w.length > 3 ? w[3] : "rwm";
        for (char c : letters.toCharArray()) {
            access |= switch (c) {
                case 'r' -> BPF_DEVCG_ACC_READ;
                case 'w' -> BPF_DEVCG_ACC_WRITE;
                case 'm' -> BPF_DEVCG_ACC_MKNOD;
                default -> throw new IllegalArgumentException("not a device rule: \"" + line + "\" (access is of r, w, m)");
            };
        }
        return new Rule(w[0].equals("allow"), type, major, minor, access);
    }

    private static Long number(String s, String line) {
        if (s.equals("*")) {
            return null;
        }
        try {
            long n = Long.parseLong(s);
            // The program compares with a 32-bit immediate, which the kernel sign-extends.
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a device rule: \"" + line + "\" (device numbers are 0.." + Integer.MAX_VALUE + " or *)");
        }
    }
}
