package dev.jspec.exec;

/**
 * Numbers of the system calls glibc has no wrapper for (pivot_root, mount_setattr, bpf,
 * openat2, pidfd_*), and the open(2) flags whose values differ by architecture.
 */
final class SyscallNumbers {

    static final long PIVOT_ROOT;
    static final long MOUNT_SETATTR;
    static final long BPF;
    /** Numbered alike on every architecture (the shared table from 424 on). */
    static final long PIDFD_SEND_SIGNAL = 424;
    static final long PIDFD_OPEN = 434;
    static final long OPENAT2 = 437;
    static final int O_DIRECTORY;
    static final int O_NOFOLLOW;

    static {
        String arch = System.getProperty("os.arch");
        switch (arch) {
            case "amd64", "x86_64" -> {
                PIVOT_ROOT = 155;
                MOUNT_SETATTR = 442;
                BPF = 321;
                O_DIRECTORY = 0x10000;
                O_NOFOLLOW = 0x20000;
            }
            case "aarch64" -> {
                PIVOT_ROOT = 41;
                MOUNT_SETATTR = 442;
                BPF = 280;
                O_DIRECTORY = 0x4000;
                O_NOFOLLOW = 0x8000;
            }
            default -> throw new IllegalStateException("jspec does not know the system call numbers of " + arch);
        }
    }

    private SyscallNumbers() {}
}
