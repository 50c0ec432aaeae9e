package dev.jspec.sys;

/**
 * Numbers of the system calls made through syscall(2), per architecture: those glibc has no
 * wrapper for (pivot_root, mount_setattr, bpf, openat2, pidfd_*, the new mount API), and the
 * credential calls whose glibc wrappers act on every thread (setgroups, setresgid,
 * setresuid); and the open(2) flags whose values differ by architecture.
 */
final class SyscallNumbers {

    static final long PIVOT_ROOT;
    static final long MOUNT_SETATTR;
    static final long BPF;
    static final long SETGROUPS;
    static final long SETRESUID;
    static final long SETRESGID;
    static final int O_DIRECTORY;
    static final int O_NOFOLLOW;
    // The same on every architecture: numbers from 424 on are shared.
    static final long PIDFD_SEND_SIGNAL = 424;
    static final long FSOPEN = 430;
    static final long FSCONFIG = 431;
    static final long FSMOUNT = 432;
    static final long PIDFD_OPEN = 434;
    static final long OPENAT2 = 437;

    static {
        String arch = System.getProperty("os.arch");
        switch (arch) {
            case "amd64", "x86_64" -> {
                PIVOT_ROOT = 155;
                MOUNT_SETATTR = 442;
                BPF = 321;
                O_DIRECTORY = 0x10000;
                O_NOFOLLOW = 0x20000;
                SETGROUPS = 116;
                SETRESUID = 117;
                SETRESGID = 119;
            }
            case "aarch64" -> {
                PIVOT_ROOT = 41;
                MOUNT_SETATTR = 442;
                BPF = 280;
                O_DIRECTORY = 0x4000;
                O_NOFOLLOW = 0x8000;
                SETGROUPS = 159;
                SETRESUID = 147;
                SETRESGID = 149;
            }
            default -> throw new IllegalStateException("jspec does not know the system call numbers of " + arch);
        }
    }

    private SyscallNumbers() {}
}
