package dev.jspec.seccomp;

import dev.jspec.plan.Step;
import dev.jspec.spec.SeccompRule;
import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Compiles a {@link Step.Seccomp} through libseccomp and loads it into the calling thread,
 * synchronised to every other thread of the process (TSYNC): the init is a JVM with many
 * threads, and none may run unfiltered. The init's own no_new_privs is its Step's business,
 * so libseccomp is told not to set it; without it, loading needs CAP_SYS_ADMIN, which is why
 * the planner then loads the filter before the capabilities are dropped.
 */
public final class SeccompLoader {

    private static final int EEXIST = 17;
    private static final String ARCH_PREFIX = "SCMP_ARCH_";

    private final Libseccomp lib;

    public SeccompLoader(Libseccomp lib) {
        this.lib = lib;
    }

    /**
     * Builds and loads the filter.
     *
     * @return the listener descriptor (close-on-exec) when a rule is SCMP_ACT_NOTIFY, else -1
     * @throws SyscallException naming the libseccomp call that failed and its errno
     */
    public int load(Step.Seccomp step) {
        long ctx = lib.init(action(step.defaultAction()));
        if (ctx == 0) {
            throw new SyscallException("seccomp_init(" + step.defaultAction() + ")", Errno.EINVAL);
        }
        try {
            // Real errnos from the kernel rather than libseccomp's ECANCELED; best effort, as runc's libseccomp-golang does.
            lib.attrSet(ctx, Libseccomp.FLTATR_API_SYSRAWRC, 1);
            attr(ctx, Libseccomp.FLTATR_CTL_NNP, 0, "SCMP_FLTATR_CTL_NNP");
            attr(ctx, Libseccomp.FLTATR_CTL_TSYNC, 1, "SCMP_FLTATR_CTL_TSYNC");
            for (String arch : step.architectures()) {
                addArch(ctx, arch);
            }
            for (String flag : step.flags()) {
                switch (flag) {
                    case "SECCOMP_FILTER_FLAG_TSYNC" -> { } // always on
                    case "SECCOMP_FILTER_FLAG_LOG" -> attr(ctx, Libseccomp.FLTATR_CTL_LOG, 1, "SCMP_FLTATR_CTL_LOG");
                    case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> attr(ctx, Libseccomp.FLTATR_CTL_SSB, 1, "SCMP_FLTATR_CTL_SSB");
                    case "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" -> attr(ctx, Libseccomp.FLTATR_CTL_WAITKILL, 1,
                            "SCMP_FLTATR_CTL_WAITKILL [" + flag + " needs libseccomp 2.6 or later; this is " + lib.version() + "]");
                    default -> throw new SyscallException("seccomp flag " + flag, Errno.EINVAL);
                }
            }
            if (step.rules().size() > 32) {
                // A binary tree of syscall numbers for long profiles, as runc asks; older libseccomp lacks it.
                lib.attrSet(ctx, Libseccomp.FLTATR_CTL_OPTIMIZE, 2);
            }
            boolean notifies = false;
            for (String text : step.rules()) {
                SeccompRule rule = SeccompRule.parse(text);
                int action = action(rule.action());
                notifies |= action == Libseccomp.ACT_NOTIFY;
                for (String name : rule.names()) {
                    int nr = lib.syscallResolveName(name);
                    if (nr == Libseccomp.NR_SCMP_ERROR) {
                        continue; // not a system call this libseccomp knows: skipped, as runc does
                    }
                    int rc = lib.ruleAdd(ctx, action, nr, rule.conditions());
                    if (rc < 0) {
                        throw new SyscallException("seccomp_rule_add(" + rule.action() + ", " + name
                                + conditions(rule.conditions()) + ")", -rc);
                    }
                }
            }
            int rc = lib.load(ctx);
            if (rc < 0) {
                throw new SyscallException("seccomp_load()" + (-rc == Errno.ESRCH ? " [a thread could not take the filter (TSYNC)]" : ""), -rc);
            }
            if (!notifies) {
                return -1;
            }
            int fd = lib.notifyFd(ctx);
            if (fd < 0) {
                throw new SyscallException("seccomp_notify_fd()", fd == -1 ? Errno.EINVAL : -fd);
            }
            return fd;
        } finally {
            lib.release(ctx);
        }
    }

    /** libseccomp's names are the spec's without the prefix, in lower case: SCMP_ARCH_X86_64 is x86_64. */
    public static String libseccompArchName(String arch) {
        return arch.startsWith(ARCH_PREFIX) ? arch.substring(ARCH_PREFIX.length()).toLowerCase(Locale.ROOT) : arch;
    }

    /** Whether the loader has a libseccomp action for {@code name} (SCMP_ACT_ERRNO and the like). */
    public static boolean knowsAction(String name) {
        try {
            action(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void addArch(long ctx, String arch) {
        String name = libseccompArchName(arch);
        int token = lib.archResolveName(name);
        if (token == 0) {
            throw new SyscallException("seccomp_arch_resolve_name(\"" + name + "\") [" + arch + " is not known to libseccomp "
                    + lib.version() + "]", Errno.EINVAL);
        }
        int rc = lib.archAdd(ctx, token);
        if (rc < 0 && -rc != EEXIST) { // the native architecture is in every filter already
            throw new SyscallException("seccomp_arch_add(" + arch + ")", -rc);
        }
    }

    private void attr(long ctx, int attr, int value, String name) {
        int rc = lib.attrSet(ctx, attr, value);
        if (rc < 0) {
            throw new SyscallException("seccomp_attr_set(" + name + ", " + value + ")", -rc);
        }
    }

    /** The action's value for libseccomp, from its text in a rule, e.g. {@code SCMP_ACT_ERRNO(1)}. */
    static int action(String text) {
        int paren = text.indexOf('(');
        String name = paren < 0 ? text : text.substring(0, paren);
        int data = paren < 0 ? 0 : (int) (Long.parseLong(text.substring(paren + 1, text.length() - 1)) & 0xffff);
        return switch (name) {
            case "SCMP_ACT_KILL_PROCESS" -> Libseccomp.ACT_KILL_PROCESS;
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> Libseccomp.ACT_KILL_THREAD;
            case "SCMP_ACT_TRAP" -> Libseccomp.ACT_TRAP;
            case "SCMP_ACT_ERRNO" -> Libseccomp.ACT_ERRNO | data;
            case "SCMP_ACT_TRACE" -> Libseccomp.ACT_TRACE | data;
            case "SCMP_ACT_LOG" -> Libseccomp.ACT_LOG;
            case "SCMP_ACT_NOTIFY" -> Libseccomp.ACT_NOTIFY;
            case "SCMP_ACT_ALLOW" -> Libseccomp.ACT_ALLOW;
            default -> throw new IllegalArgumentException("not a seccomp action: " + text);
        };
    }

    private static String conditions(List<SeccompRule.Condition> conditions) {
        return conditions.stream().map(c -> ", " + c.text()).collect(Collectors.joining());
    }
}
