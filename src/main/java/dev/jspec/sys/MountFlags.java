package dev.jspec.sys;

import java.util.List;
import java.util.Map;

/** The bit values of every flag name a plan may carry: mount(2), umount2(2) and mount_setattr(2). */
public final class MountFlags {

    private static final Map<String, Long> BITS = Map.ofEntries(
            // mount(2)
            Map.entry("MS_RDONLY", 0x1L),
            Map.entry("MS_NOSUID", 0x2L),
            Map.entry("MS_NODEV", 0x4L),
            Map.entry("MS_NOEXEC", 0x8L),
            Map.entry("MS_SYNCHRONOUS", 0x10L),
            Map.entry("MS_REMOUNT", 0x20L),
            Map.entry("MS_MANDLOCK", 0x40L),
            Map.entry("MS_DIRSYNC", 0x80L),
            Map.entry("MS_NOSYMFOLLOW", 0x100L),
            Map.entry("MS_NOATIME", 0x400L),
            Map.entry("MS_NODIRATIME", 0x800L),
            Map.entry("MS_BIND", 0x1000L),
            Map.entry("MS_MOVE", 0x2000L),
            Map.entry("MS_REC", 0x4000L),
            Map.entry("MS_SILENT", 0x8000L),
            Map.entry("MS_POSIXACL", 0x10000L),
            Map.entry("MS_UNBINDABLE", 0x20000L),
            Map.entry("MS_PRIVATE", 0x40000L),
            Map.entry("MS_SLAVE", 0x80000L),
            Map.entry("MS_SHARED", 0x100000L),
            Map.entry("MS_RELATIME", 0x200000L),
            Map.entry("MS_I_VERSION", 0x800000L),
            Map.entry("MS_STRICTATIME", 0x1000000L),
            Map.entry("MS_LAZYTIME", 0x2000000L),
            // umount2(2)
            Map.entry("MNT_FORCE", 0x1L),
            Map.entry("MNT_DETACH", 0x2L),
            Map.entry("MNT_EXPIRE", 0x4L),
            Map.entry("UMOUNT_NOFOLLOW", 0x8L),
            // mount_setattr(2)
            Map.entry("MOUNT_ATTR_RDONLY", 0x1L),
            Map.entry("MOUNT_ATTR_NOSUID", 0x2L),
            Map.entry("MOUNT_ATTR_NODEV", 0x4L),
            Map.entry("MOUNT_ATTR_NOEXEC", 0x8L),
            Map.entry("MOUNT_ATTR_RELATIME", 0x0L),
            Map.entry("MOUNT_ATTR_NOATIME", 0x10L),
            Map.entry("MOUNT_ATTR_STRICTATIME", 0x20L),
            Map.entry("MOUNT_ATTR_NODIRATIME", 0x80L),
            Map.entry("MOUNT_ATTR_NOSYMFOLLOW", 0x200000L),
            Map.entry("MOUNT_ATTR__ATIME", 0x70L));

    /** mount_setattr's AT_RECURSIVE. */
    public static final int AT_RECURSIVE = 0x8000;

    private MountFlags() {}

    /** mount(2)'s flags as their names, lowest bit first ({@code MS_NOSUID|MS_NODEV}), any unknown bits in hex; "0" for none. */
    public static String mountNames(long flags) {
        StringBuilder b = new StringBuilder();
        long left = flags;
        for (int bit = 0; bit < 64 && left != 0; bit++) {
            long v = 1L << bit;
            if ((left & v) == 0) {
                continue;
            }
            for (Map.Entry<String, Long> e : BITS.entrySet()) {
                if (e.getValue() == v && e.getKey().startsWith("MS_")) {
                    b.append(b.isEmpty() ? "" : "|").append(e.getKey());
                    left &= ~v;
                    break;
                }
            }
        }
        if (left != 0) {
            b.append(b.isEmpty() ? "" : "|").append("0x").append(Long.toHexString(left));
        }
        return b.isEmpty() ? "0" : b.toString();
    }

    public static long bits(List<String> names) {
        long v = 0;
        for (String n : names) {
            Long b = BITS.get(n);
            if (b == null) {
                throw new IllegalArgumentException("unknown flag " + n);
            }
            v |= b;
        }
        return v;
    }
}
