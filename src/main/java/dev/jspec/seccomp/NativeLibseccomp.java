package dev.jspec.seccomp;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.jspec.spec.SeccompRule;
import java.util.List;

/**
 * {@link Libseccomp} over the system's {@code libseccomp.so.2}, through JNA direct mapping.
 * Loading it opens a host file, so the init does that before pivot_root ({@link #load()}).
 * 64-bit Linux only: a filter context travels as a Java long.
 */
public final class NativeLibseccomp implements Libseccomp {

    /** sizeof(struct scmp_arg_cmp): unsigned int arg, enum op, two uint64 data. */
    private static final int ARG_CMP_SIZE = 24;

    private static final class Lib {
        static {
            Native.register(Lib.class, NativeLibrary.getInstance("libseccomp.so.2"));
        }

        static native long seccomp_init(int defAction);

        static native int seccomp_attr_set(long ctx, int attr, int value);

        static native int seccomp_arch_resolve_name(String name);

        static native int seccomp_arch_add(long ctx, int archToken);

        static native int seccomp_syscall_resolve_name(String name);

        static native int seccomp_rule_add_array(long ctx, int action, int syscall, int argCount, Pointer args);

        static native int seccomp_load(long ctx);

        static native int seccomp_notify_fd(long ctx);

        static native void seccomp_release(long ctx);

        static native Pointer seccomp_version();
    }

    private NativeLibseccomp() {}

    /**
     * Opens libseccomp.so.2 and binds its functions.
     *
     * @throws IllegalStateException when the library cannot be loaded, with a line that says so
     */
    public static Libseccomp load() {
        try {
            Class.forName(Lib.class.getName(), true, NativeLibseccomp.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            Throwable cause = e instanceof ExceptionInInitializerError x && x.getCause() != null ? x.getCause() : e;
            throw new IllegalStateException("a seccomp filter needs libseccomp.so.2 (Debian: apt-get install libseccomp2): "
                    + cause.getMessage(), e);
        }
        return new NativeLibseccomp();
    }

    @Override
    public long init(int defaultAction) {
        return Lib.seccomp_init(defaultAction);
    }

    @Override
    public int attrSet(long ctx, int attr, int value) {
        return Lib.seccomp_attr_set(ctx, attr, value);
    }

    @Override
    public int archResolveName(String name) {
        return Lib.seccomp_arch_resolve_name(name);
    }

    @Override
    public int archAdd(long ctx, int archToken) {
        return Lib.seccomp_arch_add(ctx, archToken);
    }

    @Override
    public int syscallResolveName(String name) {
        return Lib.seccomp_syscall_resolve_name(name);
    }

    @Override
    public int ruleAdd(long ctx, int action, int syscall, List<SeccompRule.Condition> conditions) {
        if (conditions.isEmpty()) {
            return Lib.seccomp_rule_add_array(ctx, action, syscall, 0, null);
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
            return Lib.seccomp_rule_add_array(ctx, action, syscall, conditions.size(), args);
        }
    }

    @Override
    public int load(long ctx) {
        return Lib.seccomp_load(ctx);
    }

    @Override
    public int notifyFd(long ctx) {
        return Lib.seccomp_notify_fd(ctx);
    }

    @Override
    public void release(long ctx) {
        Lib.seccomp_release(ctx);
    }

    @Override
    public String version() {
        Pointer v = Lib.seccomp_version();
        return v == null ? "unknown" : v.getInt(0) + "." + v.getInt(4) + "." + v.getInt(8);
    }
}
