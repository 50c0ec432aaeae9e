package dev.jspec.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * A cgroup device program, through bpf(2): loaded, attached to a cgroup2 directory in place
 * of the device programs already there, and the descriptors closed (the attachment keeps
 * the program). A program the verifier rejects fails with the verifier's last words.
 */
final class Bpf {

    // bpf(2): commands, program and attach types, flags (include/uapi/linux/bpf.h).
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_ATTACH = 8;
    private static final int BPF_PROG_DETACH = 9;
    private static final int BPF_PROG_GET_FD_BY_ID = 13;
    private static final int BPF_PROG_QUERY = 16;
    /** More device programs on one cgroup than this is not a state jspec made; it fails the query with ENOSPC. */
    private static final int BPF_QUERY_MAX_PROGS = 64;
    private static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    private static final int BPF_CGROUP_DEVICE = 6;
    /** Other programs (systemd's, a parent runtime's) stay attached next to ours; all must allow. */
    private static final int BPF_F_ALLOW_MULTI = 2;
    /** Larger than the union bpf_attr fields we set; the kernel accepts a longer one if the tail is zero. */
    private static final int BPF_ATTR_SIZE = 128;
    /** runc's choice; a cgroup device program calls no GPL-only helpers, so any licence string loads. */
    private static final String BPF_LICENSE = "Apache";
    /** Room for the verifier's log when a load fails; level 1 logs the failing path only. */
    private static final int BPF_LOG_SIZE = 1 << 20;
    /** How much of the verifier's log an error carries: its last lines say what it refused and where. */
    private static final int VERIFIER_LINES = 3;
    private static final int BPF_INSN_SIZE = 8;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    private Bpf() {}

    /** See {@link Syscalls#attachDeviceFilter}. */
    static void attachDeviceFilter(String cgroupDir, long[] insns) {
        int prog = loadDeviceProgram(insns);
        try {
            // O_RDONLY without O_DIRECTORY (whose value differs by architecture): the kernel
            // checks that the descriptor is a cgroup directory itself, with EBADF.
            int dir;
            try {
                dir = LibC.open(cgroupDir, O_RDONLY | O_CLOEXEC, 0);
            } catch (LastErrorException e) {
                throw new SyscallException("open(" + CallText.q(cgroupDir) + ", O_RDONLY)", e.getErrorCode());
            }
            try {
                // A reused cgroup directory still carries its previous container's program, and with
                // BPF_F_ALLOW_MULTI every program must allow an access: replace it, as runc does. The
                // new one goes on first, so that the cgroup is never without a filter.
                int[] previous = deviceProgramIds(dir, cgroupDir);
                progAttach(BPF_PROG_ATTACH, dir, prog, BPF_F_ALLOW_MULTI, cgroupDir);
                for (int id : previous) {
                    int old = progFdById(id, cgroupDir);
                    if (old < 0) {
                        continue;
                    }
                    try {
                        progAttach(BPF_PROG_DETACH, dir, old, 0, cgroupDir);
                    } finally {
                        LibC.close(old);
                    }
                }
            } finally {
                LibC.close(dir);
            }
        } finally {
            LibC.close(prog);
        }
    }

    /** bpf(BPF_PROG_ATTACH or BPF_PROG_DETACH): target_fd, attach_bpf_fd, attach_type, attach_flags. */
    private static void progAttach(int cmd, int dir, int prog, int flags, String cgroupDir) {
        try (Memory attr = new Memory(BPF_ATTR_SIZE)) {
            attr.clear();
            attr.setInt(0, dir);
            attr.setInt(4, prog);
            attr.setInt(8, BPF_CGROUP_DEVICE);
            attr.setInt(12, flags);
            LibC.syscall(SyscallNumbers.BPF, cmd, attr, BPF_ATTR_SIZE);
        } catch (LastErrorException e) {
            throw new SyscallException("bpf(" + (cmd == BPF_PROG_ATTACH ? "BPF_PROG_ATTACH" : "BPF_PROG_DETACH") + ", "
                    + CallText.q(cgroupDir) + ", BPF_CGROUP_DEVICE" + (flags == BPF_F_ALLOW_MULTI ? ", BPF_F_ALLOW_MULTI" : "")
                    + ")", e.getErrorCode());
        }
    }

    /** The ids of the device programs attached to the directory itself (not inherited ones). */
    private static int[] deviceProgramIds(int dir, String cgroupDir) {
        try (Memory attr = new Memory(BPF_ATTR_SIZE); Memory ids = new Memory(4L * BPF_QUERY_MAX_PROGS)) {
            attr.clear();
            // query: target_fd, attach_type, query_flags, attach_flags (out), prog_ids, prog_cnt (in: room, out: count).
            attr.setInt(0, dir);
            attr.setInt(4, BPF_CGROUP_DEVICE);
            attr.setLong(16, Pointer.nativeValue(ids));
            attr.setInt(24, BPF_QUERY_MAX_PROGS);
            LibC.syscall(SyscallNumbers.BPF, BPF_PROG_QUERY, attr, BPF_ATTR_SIZE);
            return ids.getIntArray(0, attr.getInt(24));
        } catch (LastErrorException e) {
            throw new SyscallException("bpf(BPF_PROG_QUERY, " + CallText.q(cgroupDir) + ", BPF_CGROUP_DEVICE)", e.getErrorCode());
        }
    }

    /** A descriptor for the program with this id, or -1 when it no longer exists. */
    private static int progFdById(int id, String cgroupDir) {
        try (Memory attr = new Memory(BPF_ATTR_SIZE)) {
            attr.clear();
            attr.setInt(0, id);
            return (int) LibC.syscall(SyscallNumbers.BPF, BPF_PROG_GET_FD_BY_ID, attr, BPF_ATTR_SIZE);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOENT) {
                return -1; // detached and freed since the query: nothing left to replace
            }
            throw new SyscallException("bpf(BPF_PROG_GET_FD_BY_ID, " + id + ") of a program on " + CallText.q(cgroupDir),
                    e.getErrorCode());
        }
    }

    /** The program's descriptor. A rejected program is loaded again with the verifier's log, for the error. */
    static int loadDeviceProgram(long[] insns) {
        try (Memory code = new Memory(Math.max(1L, (long) insns.length * BPF_INSN_SIZE));
                Memory license = new Memory(BPF_LICENSE.length() + 1)) {
            for (int i = 0; i < insns.length; i++) {
                // struct bpf_insn in the machine's byte order, which is the long's on x86_64 and aarch64.
                code.setLong((long) i * BPF_INSN_SIZE, insns[i]);
            }
            license.setString(0, BPF_LICENSE, StandardCharsets.US_ASCII.name());
            try {
                return progLoad(code, insns.length, license, null);
            } catch (LastErrorException first) {
                String call = "bpf(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE, " + insns.length + " insns)";
                try (Memory log = new Memory(BPF_LOG_SIZE)) {
                    log.clear();
                    try {
                        // Loaded as it was, so the answer should be the same; now with the verifier's reasons.
                        return progLoad(code, insns.length, license, log);
                    } catch (LastErrorException e) {
                        String verifier = log.getString(0, StandardCharsets.UTF_8.name()).strip();
                        throw new SyscallException(call, e.getErrorCode(),
                                verifier.isEmpty() ? null : "verifier: " + lastLines(verifier, VERIFIER_LINES));
                    }
                }
            }
        }
    }

    private static int progLoad(Memory code, int count, Memory license, Memory log) {
        try (Memory attr = new Memory(BPF_ATTR_SIZE)) {
            attr.clear();
            // union bpf_attr for BPF_PROG_LOAD: prog_type, insn_cnt, insns, license, log_level, log_size, log_buf.
            attr.setInt(0, BPF_PROG_TYPE_CGROUP_DEVICE);
            attr.setInt(4, count);
            attr.setLong(8, Pointer.nativeValue(code));
            attr.setLong(16, Pointer.nativeValue(license));
            if (log != null) {
                attr.setInt(24, 1);
                attr.setInt(28, (int) log.size());
                attr.setLong(32, Pointer.nativeValue(log));
            }
            return (int) LibC.syscall(SyscallNumbers.BPF, BPF_PROG_LOAD, attr, BPF_ATTR_SIZE);
        }
    }

    /** The last {@code n} lines of the verifier's log, joined with " | ". */
    static String lastLines(String text, int n) {
        String[] lines = text.split("\n");
        return String.join(" | ", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - n), lines.length));
    }
}
