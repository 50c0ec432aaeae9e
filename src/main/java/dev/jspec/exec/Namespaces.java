package dev.jspec.exec;

import java.util.List;

/** The spec's namespace types as clone(2) flag bits. */
public final class Namespaces {

    public static final int CLONE_NEWTIME = 0x80;
    public static final int CLONE_NEWNS = 0x20000;
    public static final int CLONE_NEWCGROUP = 0x2000000;
    public static final int CLONE_NEWUTS = 0x4000000;
    public static final int CLONE_NEWIPC = 0x8000000;
    public static final int CLONE_NEWUSER = 0x10000000;
    public static final int CLONE_NEWPID = 0x20000000;
    public static final int CLONE_NEWNET = 0x40000000;
    /** unshare(CLONE_FS): needed before a thread may setns into another mount namespace. */
    public static final int CLONE_FS = 0x200;

    private Namespaces() {}

    public static int flag(String type) {
        return switch (type) {
            case "mount" -> CLONE_NEWNS;
            case "uts" -> CLONE_NEWUTS;
            case "ipc" -> CLONE_NEWIPC;
            case "network" -> CLONE_NEWNET;
            case "pid" -> CLONE_NEWPID;
            case "cgroup" -> CLONE_NEWCGROUP;
            case "user" -> CLONE_NEWUSER;
            case "time" -> CLONE_NEWTIME;
            default -> throw new IllegalArgumentException("unknown namespace type " + type);
        };
    }

    public static int flags(List<String> types) {
        int f = 0;
        for (String t : types) {
            f |= flag(t);
        }
        return f;
    }
}
