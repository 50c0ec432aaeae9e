package dev.jspec.plan;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mount's option words, split the way mount(8) and runc's {@code parseMountOptions} split
 * them: words that are mount(2) flags, propagation changes (each its own later mount call),
 * recursive attributes (mount_setattr(2) with AT_RECURSIVE), and the rest, which is the
 * filesystem's own data string ({@code size=64k,mode=755}).
 *
 * @param flags the MS_* flags to set, in the kernel's bit order
 * @param clearedFlags the MS_* flags the options ask to be clear ({@code rw}, {@code suid}, ...)
 * @param propagation each propagation word's flags, in option order ({@code rslave} is MS_REC|MS_SLAVE)
 * @param attrSet MOUNT_ATTR_* to set recursively
 * @param attrClr MOUNT_ATTR_* to clear recursively
 * @param data the comma-joined filesystem data, or null when there is none
 */
public record MountOptions(
        List<String> flags,
        List<String> clearedFlags,
        List<List<String>> propagation,
        List<String> attrSet,
        List<String> attrClr,
        String data) {

    /** mount(2) flags by name, declared in bit order so that an EnumSet lists them as the kernel numbers them. */
    public enum MountFlag {
        MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_SYNCHRONOUS, MS_REMOUNT, MS_MANDLOCK, MS_DIRSYNC,
        MS_NOSYMFOLLOW, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_MOVE, MS_REC, MS_SILENT, MS_UNBINDABLE,
        MS_PRIVATE, MS_SLAVE, MS_SHARED, MS_RELATIME, MS_I_VERSION, MS_STRICTATIME, MS_LAZYTIME
    }

    /**
     * mount_setattr(2) attributes, in bit order. MOUNT_ATTR_RELATIME is 0: relatime is what
     * is left when the MOUNT_ATTR__ATIME bits are cleared.
     */
    public enum MountAttr {
        MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, MOUNT_ATTR_NODEV, MOUNT_ATTR_NOEXEC, MOUNT_ATTR__ATIME,
        MOUNT_ATTR_RELATIME, MOUNT_ATTR_NOATIME, MOUNT_ATTR_STRICTATIME, MOUNT_ATTR_NODIRATIME,
        MOUNT_ATTR_NOSYMFOLLOW
    }

    private record Word<T>(boolean clear, Set<T> bits) {}

    private static Word<MountFlag> set(MountFlag... f) {
        return new Word<>(false, Set.of(f));
    }

    private static Word<MountFlag> clear(MountFlag f) {
        return new Word<>(true, Set.of(f));
    }

    private static final Map<String, Word<MountFlag>> FLAG_WORDS = Map.ofEntries(
            Map.entry("async", clear(MountFlag.MS_SYNCHRONOUS)),
            Map.entry("atime", clear(MountFlag.MS_NOATIME)),
            Map.entry("bind", set(MountFlag.MS_BIND)),
            Map.entry("dev", clear(MountFlag.MS_NODEV)),
            Map.entry("diratime", clear(MountFlag.MS_NODIRATIME)),
            Map.entry("dirsync", set(MountFlag.MS_DIRSYNC)),
            Map.entry("exec", clear(MountFlag.MS_NOEXEC)),
            Map.entry("iversion", set(MountFlag.MS_I_VERSION)),
            Map.entry("lazytime", set(MountFlag.MS_LAZYTIME)),
            Map.entry("loud", clear(MountFlag.MS_SILENT)),
            Map.entry("mand", set(MountFlag.MS_MANDLOCK)),
            Map.entry("noatime", set(MountFlag.MS_NOATIME)),
            Map.entry("nodev", set(MountFlag.MS_NODEV)),
            Map.entry("nodiratime", set(MountFlag.MS_NODIRATIME)),
            Map.entry("noexec", set(MountFlag.MS_NOEXEC)),
            Map.entry("noiversion", clear(MountFlag.MS_I_VERSION)),
            Map.entry("nolazytime", clear(MountFlag.MS_LAZYTIME)),
            Map.entry("nomand", clear(MountFlag.MS_MANDLOCK)),
            Map.entry("norelatime", clear(MountFlag.MS_RELATIME)),
            Map.entry("nostrictatime", clear(MountFlag.MS_STRICTATIME)),
            Map.entry("nosuid", set(MountFlag.MS_NOSUID)),
            Map.entry("nosymfollow", set(MountFlag.MS_NOSYMFOLLOW)),
            Map.entry("rbind", set(MountFlag.MS_BIND, MountFlag.MS_REC)),
            Map.entry("relatime", set(MountFlag.MS_RELATIME)),
            Map.entry("remount", set(MountFlag.MS_REMOUNT)),
            Map.entry("ro", set(MountFlag.MS_RDONLY)),
            Map.entry("rw", clear(MountFlag.MS_RDONLY)),
            Map.entry("silent", set(MountFlag.MS_SILENT)),
            Map.entry("strictatime", set(MountFlag.MS_STRICTATIME)),
            Map.entry("suid", clear(MountFlag.MS_NOSUID)),
            Map.entry("sync", set(MountFlag.MS_SYNCHRONOUS)),
            Map.entry("symfollow", clear(MountFlag.MS_NOSYMFOLLOW)));

    private static final Map<String, List<String>> PROPAGATION_WORDS = Map.of(
            "private", List.of("MS_PRIVATE"),
            "rprivate", List.of("MS_REC", "MS_PRIVATE"),
            "slave", List.of("MS_SLAVE"),
            "rslave", List.of("MS_REC", "MS_SLAVE"),
            "shared", List.of("MS_SHARED"),
            "rshared", List.of("MS_REC", "MS_SHARED"),
            "unbindable", List.of("MS_UNBINDABLE"),
            "runbindable", List.of("MS_REC", "MS_UNBINDABLE"));

    private static Word<MountAttr> attr(boolean clear, MountAttr a) {
        return new Word<>(clear, Set.of(a));
    }

    private static final Map<String, Word<MountAttr>> ATTR_WORDS = Map.ofEntries(
            Map.entry("rro", attr(false, MountAttr.MOUNT_ATTR_RDONLY)),
            Map.entry("rrw", attr(true, MountAttr.MOUNT_ATTR_RDONLY)),
            Map.entry("rnosuid", attr(false, MountAttr.MOUNT_ATTR_NOSUID)),
            Map.entry("rsuid", attr(true, MountAttr.MOUNT_ATTR_NOSUID)),
            Map.entry("rnodev", attr(false, MountAttr.MOUNT_ATTR_NODEV)),
            Map.entry("rdev", attr(true, MountAttr.MOUNT_ATTR_NODEV)),
            Map.entry("rnoexec", attr(false, MountAttr.MOUNT_ATTR_NOEXEC)),
            Map.entry("rexec", attr(true, MountAttr.MOUNT_ATTR_NOEXEC)),
            Map.entry("rnodiratime", attr(false, MountAttr.MOUNT_ATTR_NODIRATIME)),
            Map.entry("rdiratime", attr(true, MountAttr.MOUNT_ATTR_NODIRATIME)),
            Map.entry("rrelatime", attr(false, MountAttr.MOUNT_ATTR_RELATIME)),
            Map.entry("rnorelatime", attr(true, MountAttr.MOUNT_ATTR_RELATIME)),
            Map.entry("rnoatime", attr(false, MountAttr.MOUNT_ATTR_NOATIME)),
            Map.entry("ratime", attr(true, MountAttr.MOUNT_ATTR_NOATIME)),
            Map.entry("rstrictatime", attr(false, MountAttr.MOUNT_ATTR_STRICTATIME)),
            Map.entry("rnostrictatime", attr(true, MountAttr.MOUNT_ATTR_STRICTATIME)),
            Map.entry("rnosymfollow", attr(false, MountAttr.MOUNT_ATTR_NOSYMFOLLOW)),
            Map.entry("rsymfollow", attr(true, MountAttr.MOUNT_ATTR_NOSYMFOLLOW)));

    /** Every option word jspec recognizes (flags, propagation, recursive attributes), sorted; any other goes to the filesystem as data. */
    public static List<String> knownWords() {
        java.util.TreeSet<String> words = new java.util.TreeSet<>(FLAG_WORDS.keySet());
        words.addAll(PROPAGATION_WORDS.keySet());
        words.addAll(ATTR_WORDS.keySet());
        return List.copyOf(words);
    }

    private static final Set<MountAttr> ATIME_ATTRS = EnumSet.of(
            MountAttr.MOUNT_ATTR_RELATIME, MountAttr.MOUNT_ATTR_NOATIME, MountAttr.MOUNT_ATTR_STRICTATIME);

    /**
     * Splits option words. A later word overrides an earlier one ({@code ro,rw} is rw).
     * Unknown words, {@code tmpcopyup} and {@code idmap} among them, become data: the
     * kernel, not jspec, decides whether the filesystem takes them. {@code defaults} means
     * "nothing" and is dropped (runc passes it on as data, which tmpfs then rejects).
     */
    public static MountOptions parse(List<String> options) {
        EnumSet<MountFlag> flags = EnumSet.noneOf(MountFlag.class);
        EnumSet<MountFlag> cleared = EnumSet.noneOf(MountFlag.class);
        List<List<String>> propagation = new ArrayList<>();
        EnumSet<MountAttr> attrSet = EnumSet.noneOf(MountAttr.class);
        EnumSet<MountAttr> attrClr = EnumSet.noneOf(MountAttr.class);
        List<String> data = new ArrayList<>();
        for (String option : options) {
            if (option == null || option.equals("defaults")) {
                continue;
            }
            Word<MountFlag> flag = FLAG_WORDS.get(option);
            Word<MountAttr> attr = ATTR_WORDS.get(option);
            if (flag != null) {
                if (flag.clear()) {
                    flags.removeAll(flag.bits());
                    cleared.addAll(flag.bits());
                } else {
                    flags.addAll(flag.bits());
                    cleared.removeAll(flag.bits());
                }
            } else if (PROPAGATION_WORDS.containsKey(option)) {
                propagation.add(PROPAGATION_WORDS.get(option));
            } else if (attr != null) {
                if (attr.clear()) {
                    attrClr.addAll(attr.bits());
                    attrSet.removeAll(attr.bits());
                } else {
                    attrSet.addAll(attr.bits());
                    attrClr.removeAll(attr.bits());
                }
                // mount_setattr(2): an access-time mode is set only with MOUNT_ATTR__ATIME in attr_clr.
                if (ATIME_ATTRS.containsAll(attr.bits())) {
                    attrClr.add(MountAttr.MOUNT_ATTR__ATIME);
                }
            } else {
                data.add(option);
            }
        }
        return new MountOptions(
                names(flags), names(cleared), List.copyOf(propagation), names(attrSet), names(attrClr),
                data.isEmpty() ? null : String.join(",", data));
    }

    public MountOptions {
        flags = List.copyOf(flags);
        clearedFlags = List.copyOf(clearedFlags);
        propagation = List.copyOf(propagation);
        attrSet = List.copyOf(attrSet);
        attrClr = List.copyOf(attrClr);
    }

    /** True when the options make a bind mount ({@code bind} or {@code rbind}). */
    public boolean bind() {
        return flags.contains(MountFlag.MS_BIND.name());
    }

    /** The given flag names in the kernel's bit order, without duplicates. */
    public static List<String> ordered(Iterable<String> names) {
        EnumSet<MountFlag> set = EnumSet.noneOf(MountFlag.class);
        for (String n : names) {
            set.add(MountFlag.valueOf(n));
        }
        return names(set);
    }

    private static List<String> names(Set<? extends Enum<?>> set) {
        return set.stream().map(Enum::name).toList();
    }
}
