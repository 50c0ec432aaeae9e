package dev.jspec.seccomp;

import dev.jspec.spec.SeccompRule;
import java.util.List;

/**
 * The few calls of libseccomp (seccomp.h, libseccomp 2.5) that build and load a filter, one
 * method per C function with its C return convention: a negative errno on failure. {@link
 * NativeLibseccomp} calls the system's {@code libseccomp.so.2}; unit tests record the calls.
 * A filter context is an opaque handle, 0 when {@code seccomp_init} failed.
 */
public interface Libseccomp {

    // Actions (SCMP_ACT_*); ERRNO and TRACE carry 16 bits of data.
    int ACT_KILL_PROCESS = 0x80000000;
    int ACT_KILL_THREAD = 0x00000000;
    int ACT_TRAP = 0x00030000;
    int ACT_ERRNO = 0x00050000;
    int ACT_NOTIFY = 0x7fc00000;
    int ACT_TRACE = 0x7ff00000;
    int ACT_LOG = 0x7ffc0000;
    int ACT_ALLOW = 0x7fff0000;

    // Filter attributes (enum scmp_filter_attr).
    int FLTATR_CTL_NNP = 3;
    int FLTATR_CTL_TSYNC = 4;
    int FLTATR_CTL_LOG = 6;
    int FLTATR_CTL_SSB = 7;
    int FLTATR_CTL_OPTIMIZE = 8;
    int FLTATR_API_SYSRAWRC = 9;
    /** libseccomp 2.6 and later. */
    int FLTATR_CTL_WAITKILL = 10;

    /** What seccomp_syscall_resolve_name returns for a name it does not know. */
    int NR_SCMP_ERROR = -1;

    /** enum scmp_compare, by the names the spec uses. */
    static int compareOp(String op) {
        return switch (op) {
            case "SCMP_CMP_NE" -> 1;
            case "SCMP_CMP_LT" -> 2;
            case "SCMP_CMP_LE" -> 3;
            case "SCMP_CMP_EQ" -> 4;
            case "SCMP_CMP_GE" -> 5;
            case "SCMP_CMP_GT" -> 6;
            case "SCMP_CMP_MASKED_EQ" -> 7;
            default -> throw new IllegalArgumentException("not a seccomp comparison: " + op);
        };
    }

    long init(int defaultAction);

    int attrSet(long ctx, int attr, int value);

    /** seccomp_arch_resolve_name: the arch token for a libseccomp arch name such as {@code x86_64}, 0 if unknown. */
    int archResolveName(String name);

    int archAdd(long ctx, int archToken);

    /** seccomp_syscall_resolve_name for the native architecture; {@link #NR_SCMP_ERROR} if unknown. */
    int syscallResolveName(String name);

    /** seccomp_rule_add_array. */
    int ruleAdd(long ctx, int action, int syscall, List<SeccompRule.Condition> conditions);

    int load(long ctx);

    /** The listener descriptor of a loaded filter that notifies, or a negative errno. */
    int notifyFd(long ctx);

    void release(long ctx);

    /** The library's version, e.g. 2.5.4, for messages. */
    String version();
}
