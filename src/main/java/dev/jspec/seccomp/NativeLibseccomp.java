package dev.jspec.seccomp;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.jspec.spec.SeccompRule;
import java.util.List;

/**
 * {@link Libseccomp} over the system's {@code libseccomp.so.2}, through JNA.
 * Loading it opens a host file, so the init does that before pivot_root ({@link #load()}).
 * 64-bit Linux only: a filter context travels as a Java long.
 */
public final class NativeLibseccomp implements Libseccomp {

    /** sizeof(struct scmp_arg_cmp): unsigned int arg, enum op, two uint64 data. */
    private static final int ARG_CMP_SIZE = 24;

    private final Function seccompInit;
    private final Function seccompAttrSet;
    private final Function seccompArchResolveName;
    private final Function seccompArchAdd;
    private final Function seccompSyscallResolveName;
    private final Function seccompRuleAddArray;
    private final Function seccompLoad;
    private final Function seccompNotifyFd;
    private final Function seccompRelease;
    private final Function seccompVersion;

    /**
     * Every function looked up now, so that a missing one fails here, before pivot_root;
     * called through {@link Function} rather than direct mapping (Native.register), whose
     * libffi set-up of each method costs far more than these few calls (see dev.jspec.sys.LibC).
     * libseccomp returns its errors as negative numbers: no errno is checked.
     */
    private NativeLibseccomp(NativeLibrary lib) {
        seccompInit = lib.getFunction("seccomp_init");
        seccompAttrSet = lib.getFunction("seccomp_attr_set");
        seccompArchResolveName = lib.getFunction("seccomp_arch_resolve_name");
        seccompArchAdd = lib.getFunction("seccomp_arch_add");
        seccompSyscallResolveName = lib.getFunction("seccomp_syscall_resolve_name");
        seccompRuleAddArray = lib.getFunction("seccomp_rule_add_array");
        seccompLoad = lib.getFunction("seccomp_load");
        seccompNotifyFd = lib.getFunction("seccomp_notify_fd");
        seccompRelease = lib.getFunction("seccomp_release");
        seccompVersion = lib.getFunction("seccomp_version");
    }

    /**
     * Opens libseccomp.so.2 and binds its functions.
     *
     * @throws IllegalStateException when the library cannot be loaded, with a line that says so
     */
    public static Libseccomp load() {
        try {
            return new NativeLibseccomp(NativeLibrary.getInstance("libseccomp.so.2"));
        } catch (LinkageError e) {
            Throwable cause = e instanceof ExceptionInInitializerError x && x.getCause() != null ? x.getCause() : e;
            throw new IllegalStateException("a seccomp filter needs libseccomp.so.2 (Debian: apt-get install libseccomp2): "
                    + cause.getMessage(), e);
        }
    }

    @Override
    public long init(int defaultAction) {
        return seccompInit.invokeLong(new Object[] {defaultAction});
    }

    @Override
    public int attrSet(long ctx, int attr, int value) {
        return seccompAttrSet.invokeInt(new Object[] {ctx, attr, value});
    }

    @Override
    public int archResolveName(String name) {
        return seccompArchResolveName.invokeInt(new Object[] {name});
    }

    @Override
    public int archAdd(long ctx, int archToken) {
        return seccompArchAdd.invokeInt(new Object[] {ctx, archToken});
    }

    @Override
    public int syscallResolveName(String name) {
        return seccompSyscallResolveName.invokeInt(new Object[] {name});
    }

    @Override
    public int ruleAdd(long ctx, int action, int syscall, List<SeccompRule.Condition> conditions) {
        if (conditions.isEmpty()) {
            return seccompRuleAddArray.invokeInt(new Object[] {ctx, action, syscall, 0, null});
        }
        try (Memory args = new Memory((long) ARG_CMP_SIZE * conditions.size())) {
            args.clear();
            for (int i = 0; i < conditions.size(); i++) {
                SeccompRule.Condition c = conditions.get(i);
                long at = (long) i * ARG_CMP_SIZE;
                args.setInt(at, c.index());
                args.setInt(at + 4, Libseccomp.compareOp(c.op()));
                args.setLong(at + 8, c.value());
                args.setLong(at + 16, c.valueTwo());
            }
            return seccompRuleAddArray.invokeInt(new Object[] {ctx, action, syscall, conditions.size(), args});
        }
    }

    @Override
    public int load(long ctx) {
        return seccompLoad.invokeInt(new Object[] {ctx});
    }

    @Override
    public int notifyFd(long ctx) {
        return seccompNotifyFd.invokeInt(new Object[] {ctx});
    }

    @Override
    public void release(long ctx) {
        seccompRelease.invokeVoid(new Object[] {ctx});
    }

    @Override
    public String version() {
        Pointer v = seccompVersion.invokePointer(new Object[0]);
        return v == null ? "unknown" : v.getInt(0) + "." + v.getInt(4) + "." + v.getInt(8);
    }
}
