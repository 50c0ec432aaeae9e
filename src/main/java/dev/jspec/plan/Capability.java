package dev.jspec.plan;

import java.util.List;
import java.util.Optional;

/**
 * The Linux capabilities by the names the OCI spec uses, in the kernel's numbering
 * ({@code include/uapi/linux/capability.h}): the ordinal is the capability's number. This
 * is the one table of capabilities; the planner and the executor both read it.
 */
public enum Capability {
    CAP_CHOWN,
    CAP_DAC_OVERRIDE,
    CAP_DAC_READ_SEARCH,
    CAP_FOWNER,
    CAP_FSETID,
    CAP_KILL,
    CAP_SETGID,
    CAP_SETUID,
    CAP_SETPCAP,
    CAP_LINUX_IMMUTABLE,
    CAP_NET_BIND_SERVICE,
    CAP_NET_BROADCAST,
    CAP_NET_ADMIN,
    CAP_NET_RAW,
    CAP_IPC_LOCK,
    CAP_IPC_OWNER,
    CAP_SYS_MODULE,
    CAP_SYS_RAWIO,
    CAP_SYS_CHROOT,
    CAP_SYS_PTRACE,
    CAP_SYS_PACCT,
    CAP_SYS_ADMIN,
    CAP_SYS_BOOT,
    CAP_SYS_NICE,
    CAP_SYS_RESOURCE,
    CAP_SYS_TIME,
    CAP_SYS_TTY_CONFIG,
    CAP_MKNOD,
    CAP_LEASE,
    CAP_AUDIT_WRITE,
    CAP_AUDIT_CONTROL,
    CAP_SETFCAP,
    CAP_MAC_OVERRIDE,
    CAP_MAC_ADMIN,
    CAP_SYSLOG,
    CAP_WAKE_ALARM,
    CAP_BLOCK_SUSPEND,
    CAP_AUDIT_READ,
    CAP_PERFMON,
    CAP_BPF,
    CAP_CHECKPOINT_RESTORE;

    /** The kernel's number for this capability (CAP_CHOWN is 0, CAP_CHECKPOINT_RESTORE 40). */
    @SuppressWarnings("EnumOrdinal") // the declaration order is the kernel's numbering
    public int number() {
        return ordinal();
    }

    /** The capability the spec names, e.g. {@code CAP_KILL}; empty for a name this table lacks. */
    public static Optional<Capability> byName(String name) {
        for (Capability c : values()) {
            if (c.name().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The capability with the kernel's number {@code n}; empty above the highest one known. */
    public static Optional<Capability> byNumber(int n) {
        Capability[] all = values();
        return n >= 0 && n < all.length ? Optional.of(all[n]) : Optional.empty();
    }

    /** The kernel's number for a capability name the schema accepted, e.g. 5 for {@code CAP_KILL}. */
    public static int numberOf(String name) {
        return valueOf(name).number();
    }

    /** The bit mask of a set of capability names, as capset(2) takes it. */
    public static long maskOf(List<String> names) {
        long m = 0;
        for (String n : names) {
            m |= 1L << numberOf(n);
        }
        return m;
    }
}
