package dev.jspec.exec;

import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake kernel for unit tests: records every call as a line of text, answers file kinds
 * from a map, and fails the calls a test tells it to fail with the errno it names.
 */
class RecordingSyscalls implements Syscalls {

    final List<String> calls = new ArrayList<>();
    final Map<String, FileKind> files = new HashMap<>();
    final Map<String, Integer> failures = new HashMap<>();
    int nextPid = 4242;
    /** Descriptors the fake hands out, and the path each one names. */
    final Map<Integer, String> fds = new HashMap<>();
    private int nextFd = 100;
    /** What capget answers: {effective, permitted, inheritable}. */
    long[] capabilities = {0x1ffL, 0x1ffL, 0};
    /** What threadStatuses answers; the calling thread is 7. */
    Map<Integer, String> threads = Map.of(7, "Name:\tjava\nCapPrm:\t00000000000001ff\nCapEff:\t00000000000001ff\nCapAmb:\t0000000000000000\n");

    /** Fail every call whose recorded text starts with {@code prefix}, with {@code errno}. */
    RecordingSyscalls failOn(String prefix, int errno) {
        failures.put(prefix, errno);
        return this;
    }

    /** What else the kernel says when a call failed by {@link #failOn} (a verifier's log), by the same prefix. */
    final Map<String, String> failureDetails = new HashMap<>();

    /** As {@link #failOn(String, int)}, the failure carrying {@code detail} as the kernel's word beyond the errno. */
    RecordingSyscalls failOn(String prefix, int errno, String detail) {
        failureDetails.put(prefix, detail);
        return failOn(prefix, errno);
    }

    RecordingSyscalls file(String path, FileKind kind) {
        files.put(path, kind);
        return this;
    }

    private void record(String call) {
        calls.add(call);
        for (var f : failures.entrySet()) {
            if (call.startsWith(f.getKey())) {
                throw new SyscallException(call, f.getValue(), failureDetails.get(f.getKey()));
            }
        }
    }

    /** Throws like {@link #record} would, without recording: lookups are not part of the transcript. */
    private void lookup(String call) {
        for (var f : failures.entrySet()) {
            if (call.startsWith(f.getKey())) {
                throw new SyscallException(call, f.getValue());
            }
        }
    }

    private int newFd(String path) {
        fds.put(nextFd, path);
        return nextFd++;
    }

    /** The path a descriptor names, or a /proc/self/fd/N path turned back into it. */
    String named(String path) {
        if (path != null && path.startsWith("/proc/self/fd/")) {
            return fds.getOrDefault(Integer.parseInt(path.substring("/proc/self/fd/".length())), path);
        }
        return path;
    }

    private static String join(String dir, String path) {
        String rel = path.startsWith("/") ? path.substring(1) : path;
        if (rel.isEmpty()) {
            return dir;
        }
        return dir.endsWith("/") ? dir + rel : dir + "/" + rel;
    }

    @Override public int openPath(String path) {
        lookup("open " + path);
        if (!path.equals("/proc") && !path.equals("/") && files.getOrDefault(path, FileKind.MISSING) == FileKind.MISSING) {
            throw new SyscallException("open " + path, Errno.ENOENT);
        }
        return newFd(path);
    }
    @Override public int openInRoot(int rootFd, String path, boolean followLinks) {
        String full = join(fds.get(rootFd), path);
        lookup("open " + full);
        if (!full.equals(fds.get(rootFd)) && files.getOrDefault(full, FileKind.MISSING) == FileKind.MISSING) {
            throw new SyscallException("open " + full, Errno.ENOENT);
        }
        return newFd(full);
    }
    @Override public int openBeneathForWrite(int dirFd, String path) {
        String full = join(fds.get(dirFd), path);
        lookup("open " + full);
        return newFd(full);
    }
    @Override public FileInfo fstat(int fd) {
        String path = fds.get(fd);
        FileKind kind = files.getOrDefault(path, path != null && !files.containsKey(path) ? FileKind.DIRECTORY : FileKind.MISSING);
        boolean devNull = path != null && path.endsWith("/dev/null") && kind == FileKind.OTHER;
        return new FileInfo(kind, devNull, devNull ? 1 : 0, devNull ? 3 : 0);
    }
    @Override public long fsType(int fd) { return 0x9fa0; }
    @Override public void mkdirAt(int dirFd, String name, int mode) {
        String path = join(fds.get(dirFd), name);
        record("mkdir " + path);
        files.put(path, FileKind.DIRECTORY);
    }
    @Override public void mknodAt(int dirFd, String name, int modeAndType, long major, long minor) {
        String path = join(fds.get(dirFd), name);
        record("mknod " + path + " " + Integer.toOctalString(modeAndType) + " " + major + ":" + minor);
        files.put(path, FileKind.OTHER);
    }
    @Override public void symlinkAt(String target, int dirFd, String name) {
        String path = join(fds.get(dirFd), name);
        record("symlink " + target + " " + path);
        files.put(path, FileKind.SYMLINK);
    }
    @Override public void unlinkAt(int dirFd, String name) {
        String path = join(fds.get(dirFd), name);
        if (files.getOrDefault(path, FileKind.MISSING) == FileKind.MISSING) {
            throw new SyscallException("unlinkat " + path, Errno.ENOENT);
        }
        record("unlink " + path);
        files.remove(path);
    }
    @Override public int createAt(int dirFd, String name) {
        String path = join(fds.get(dirFd), name);
        record("touch " + path);
        files.put(path, FileKind.REGULAR);
        return newFd(path);
    }
    @Override public void fchown(int fd, long uid, long gid) { record("chown " + fds.get(fd) + " " + uid + ":" + gid); }
    @Override public void fchdir(int fd) { record("chdir " + fds.get(fd)); }
    @Override public String readlinkAt(int dirFd, String name) { return name.equals("thread-self") ? "4242/task/4242" : "4242"; }

    @Override public FileKind kind(String path, boolean followLinks) {
        return files.getOrDefault(path, FileKind.MISSING);
    }
    @Override public boolean isExecutable(String path) {
        return files.get(path) == FileKind.REGULAR;
    }
    @Override public void mkdir(String path, int mode) { record("mkdir " + path); files.put(path, FileKind.DIRECTORY); }
    @Override public void mkdirs(String path, int mode) { record("mkdirs " + path); files.put(path, FileKind.DIRECTORY); }
    @Override public void rmdir(String path) { record("rmdir " + path); files.remove(path); }
    @Override public void touch(String path) { record("touch " + path); files.put(path, FileKind.REGULAR); }
    @Override public void mknod(String path, int modeAndType, long major, long minor) {
        record("mknod " + path + " " + Integer.toOctalString(modeAndType) + " " + major + ":" + minor);
    }
    @Override public void chown(String path, long uid, long gid) { record("chown " + path + " " + uid + ":" + gid); }
    @Override public void chmod(String path, int mode) { record("chmod " + named(path) + " " + Integer.toOctalString(mode)); }
    @Override public void dup2(int from, int to) { record("dup2 " + from + " " + to); }
    @Override public int[] socketpair() { record("socketpair"); return new int[] {12, 13}; }
    @Override public void sendFd(int socket, int fd) { record("sendfd " + socket + " " + fd); }
    @Override public int receiveFd(int socket) { record("receivefd " + socket); return 30; }
    @Override public void sendFd(int socket, int fd, byte[] data) {
        record("sendfd " + socket + " " + fd + " " + new String(data, java.nio.charset.StandardCharsets.UTF_8));
    }
    @Override public int connectUnix(String path) { record("connect " + path); return 31; }
    @Override public void symlink(String target, String linkPath) { record("symlink " + target + " " + linkPath); }
    @Override public void unlink(String path) { record("unlink " + path); }
    @Override public void writeFile(String path, String value) { record("write " + path + " " + value); }
    @Override public String readFile(String path) { record("read " + path); return ""; }
    @Override public void chdir(String path) { record("chdir " + path); }
    @Override public void attachDeviceFilter(String cgroupDir, long[] insns) {
        record("bpf_attach_device " + cgroupDir + " " + insns.length + " insns");
    }
    @Override public void mount(String source, String target, String fstype, long flags, String data) {
        record("mount " + named(source) + " " + named(target) + " " + fstype + " 0x" + Long.toHexString(flags) + " " + data);
    }
    @Override public void umount2(String target, int flags) { record("umount2 " + target + " " + flags); }
    @Override public void mountSetattr(String target, boolean recursive, long attrSet, long attrClr) {
        record("mount_setattr " + named(target) + " " + recursive + " set=0x" + Long.toHexString(attrSet) + " clr=0x" + Long.toHexString(attrClr));
    }
    @Override public void pivotRoot(String newRoot, String putOld) { record("pivot_root " + newRoot + " " + putOld); }
    @Override public void unshare(int flags) { record("unshare 0x" + Integer.toHexString(flags)); }
    @Override public void setns(String path, int nstype) { record("setns " + path + " 0x" + Integer.toHexString(nstype)); }
    @Override public void sethostname(String name) { record("sethostname " + name); }
    @Override public void setdomainname(String name) { record("setdomainname " + name); }
    @Override public void setrlimit(int resource, long soft, long hard) { record("prlimit " + resource + " " + soft + " " + hard); }
    @Override public void prctl(int option, long arg2, long arg3) { record("prctl " + option + " " + arg2 + " " + arg3); }
    @Override public void setgroups(List<Long> gids) { record("setgroups " + gids); }
    @Override public void setresgid(long gid) { record("setresgid " + gid); }
    @Override public void setresuid(long uid) { record("setresuid " + uid); }
    @Override public void setxidAllThreads(long uid, long gid) { record("setxid_all_threads " + uid + " " + gid); }
    @Override public long[] capget() { record("capget"); return capabilities.clone(); }
    @Override public int gettid() { return 7; }
    @Override public Map<Integer, String> threadStatuses() { record("thread_statuses"); return threads; }
    @Override public void umask(int mask) { record("umask " + Integer.toOctalString(mask)); }
    @Override public void capset(long effective, long permitted, long inheritable) {
        record("capset 0x" + Long.toHexString(effective) + " 0x" + Long.toHexString(permitted) + " 0x" + Long.toHexString(inheritable));
    }
    @Override public void closeRangeCloexec(int first) { record("close_range " + first); }
    @Override public void setsid() { record("setsid"); }
    @Override public void setControllingTerminal(int fd) { record("TIOCSCTTY " + fd); }
    @Override public void linkUp(String name) { record("linkup " + name); }
    @Override public void execve(String path, List<String> argv, List<String> env) {
        record("execve " + path + " " + argv);
        throw new ExecvedForTest();
    }
    /** The last spawn's descriptor moves and environment. */
    int[] spawnedDup2s;
    List<String> spawnedEnv;
    List<String> spawnedArgv;
    /** The pid a spawn of this path returns (else {@link #nextPid}), and the raw wait status of a pid (else 0). */
    final Map<String, Integer> spawnPids = new HashMap<>();
    final Map<Integer, Integer> waitStatuses = new HashMap<>();
    /** What pollIn answers: 1 (POLLIN) unless a test makes it time out (0). */
    int pollAnswer = 1;

    @Override public int spawn(String path, List<String> argv, List<String> env, int[] dup2s) {
        spawnedDup2s = dup2s;
        spawnedEnv = env;
        spawnedArgv = argv;
        record("spawn " + path);
        return spawnPids.getOrDefault(path, nextPid);
    }
    @Override public int[] pipe() { record("pipe"); return new int[] {10, 11}; }
    @Override public int read(int fd, byte[] buf) { return 0; }
    @Override public void writeAll(int fd, byte[] data) {
        if (fds.containsKey(fd)) {
            record("write " + fds.get(fd) + " " + new String(data, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
    @Override public void close(int fd) { }
    @Override public int waitpid(int pid) { record("waitpid " + pid); return waitStatuses.getOrDefault(pid, 0); }
    @Override public void kill(int pid, int signal) { record("kill " + pid + " " + signal); }
    @Override public int pidfdOpen(int pid) { record("pidfd_open " + pid); return 40; }
    @Override public void pidfdSendSignal(int pidfd, int signal) { record("pidfd_send_signal " + pidfd + " " + signal); }
    @Override public int openNonBlocking(String path) { record("open_nonblock " + path); return 41; }
    @Override public int reopenForWrite(int procFd, int fd) { record("reopen_write fd " + fd); return newFd("fd " + fd); }
    @Override public int pollIn(int fd, int timeoutMillis) { record("poll " + fd + " " + timeoutMillis); return pollAnswer; }
    @Override public void mkfifo(String path, int mode) { record("mkfifo " + path); }
    @Override public void copyTree(String from, String to) { record("copy_tree " + named(from) + " " + named(to)); }
    @Override public void setnsFd(int fd, int nstype) { record("setns " + fds.get(fd) + " 0x" + Integer.toHexString(nstype)); }
    @Override public int[] openPty() { record("openpty"); return new int[] {20, 21}; }
    @Override public int[] windowSize(int fd) { return null; }
    @Override public void setWindowSize(int fd, int rows, int columns) { }
    @Override public byte[] makeRaw(int fd) { return null; }
    @Override public void restoreTerminal(int fd, byte[] saved) { }

    /** Thrown by the fake execve: in a real kernel the call does not return. */
    static final class ExecvedForTest extends RuntimeException {
        ExecvedForTest() {
            super("execve", null, false, false);
        }
    }
}
