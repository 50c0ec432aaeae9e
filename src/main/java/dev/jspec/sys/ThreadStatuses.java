package dev.jspec.sys;

import com.sun.jna.LastErrorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * See {@link Syscalls#threadStatuses()}: every thread's status file, read through a procfs
 * made for the purpose (fsopen, fsconfig, fsmount; the new mount API of
 * include/uapi/linux/mount.h), attached nowhere.
 *
 * <p>Plain calls without lambdas, streams, regular expressions or string concatenation of
 * values: this runs in every start, in the init's cold JVM, where each new call site costs.
 */
final class ThreadStatuses {

    private static final int FSOPEN_CLOEXEC = 1;
    private static final int FSCONFIG_CMD_CREATE = 6;
    private static final int FSMOUNT_CLOEXEC = 1;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    private ThreadStatuses() {}

    static Map<Integer, String> read() {
        String call = "fsopen(\"proc\", FSOPEN_CLOEXEC)";
        int fs = -1;
        int mnt = -1;
        int task = -1;
        try {
            fs = (int) LibC.syscall(SyscallNumbers.FSOPEN, "proc", FSOPEN_CLOEXEC);
            call = "fsconfig(FSCONFIG_CMD_CREATE) of proc";
            LibC.syscall(SyscallNumbers.FSCONFIG, fs, FSCONFIG_CMD_CREATE, null, null, 0);
            call = "fsmount(FSMOUNT_CLOEXEC) of proc";
            mnt = (int) LibC.syscall(SyscallNumbers.FSMOUNT, fs, FSMOUNT_CLOEXEC, 0);
            call = "openat(proc, \"self/task\", O_RDONLY)";
            task = LibC.openat(mnt, "self/task", O_RDONLY | O_CLOEXEC, 0);
            call = "getdents64(proc/self/task)";
            Map<Integer, String> out = new TreeMap<>();
            for (String name : directoryEntries(task)) {
                if (!isNumber(name)) {
                    continue;
                }
                String status = readStatus(task, name);
                if (status != null) {
                    out.put(Integer.valueOf(name), status);
                }
            }
            return out;
        } catch (LastErrorException e) {
            throw new SyscallException(call, e.getErrorCode());
        } finally {
            for (int fd : new int[] {task, mnt, fs}) {
                if (fd >= 0) {
                    LibC.close(fd);
                }
            }
        }
    }

    private static boolean isNumber(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** The text of {@code tid/status} under an open task directory, or null when the thread has ended. */
    private static String readStatus(int taskDir, String tid) {
        int fd;
        try {
            fd = LibC.openat(taskDir, tid.concat("/status"), O_RDONLY | O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOENT || e.getErrorCode() == Errno.ESRCH) {
                return null;
            }
            throw new SyscallException("openat(proc, \"self/task/".concat(tid).concat("/status\")"), e.getErrorCode());
        }
        try {
            return LinuxSyscalls.readToEnd(fd);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ESRCH) {
                return null;
            }
            throw new SyscallException("read(proc/self/task/".concat(tid).concat("/status)"), e.getErrorCode());
        } finally {
            LibC.close(fd);
        }
    }

    /** The names in a directory, by getdents64(2). */
    private static List<String> directoryEntries(int dir) {
        List<String> names = new ArrayList<>();
        byte[] buf = new byte[8192];
        long n;
        while ((n = LibC.getdents64(dir, buf, buf.length)) > 0) {
            Structs.direntNames(buf, n, names);
        }
        return names;
    }
}
