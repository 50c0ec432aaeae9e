package dev.jspec.exec;

import dev.jspec.cli.ExitCodes;
import dev.jspec.plan.Actor;
import dev.jspec.plan.Capability;
import dev.jspec.plan.Plan;
import dev.jspec.plan.Step;
import dev.jspec.plan.StepText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the INIT steps of a plan, in order, on the calling thread: the thread that ends in
 * execve. Capabilities, keep-caps and no_new_privs are per thread in Linux, which is why
 * everything happens on one thread. Steps after pivot_root may not open host paths: what
 * they need was loaded before it.
 */
public final class InitExecutor {

    /** prctl(2) option; public for the init's first call. */
    public static final int PR_SET_DUMPABLE = 4;
    private static final int PR_SET_KEEPCAPS = 8;
    private static final int PR_CAPBSET_DROP = 24;
    private static final int PR_SET_NO_NEW_PRIVS = 38;
    private static final int PR_CAP_AMBIENT = 47;
    private static final int PR_CAP_AMBIENT_RAISE = 2;
    private static final int MNT_DETACH = 2;
    private static final int S_IFCHR = 0x2000;
    private static final int S_IFBLK = 0x6000;
    private static final int S_IFIFO = 0x1000;
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Syscalls sys;

    public InitExecutor(Syscalls sys) {
        this.sys = sys;
    }

    /**
     * The parent's part in the middle of the init's steps: asks the parent to run its steps
     * from step {@code number} on, and returns once it has.
     */
    public interface Parent {
        void runStepsFrom(int number) throws StepFailure;
    }

    /** Runs every INIT entry; returns only if the plan has no Execve (tests), else execs or throws. */
    public void run(Plan plan) throws StepFailure {
        run(plan, number -> { });
    }

    /**
     * As {@link #run(Plan)}; PARENT entries after the first INIT entry are handed to
     * {@code parent}, which returns once they are done (the ones before it ran before the
     * init was spawned).
     */
    public void run(Plan plan, Parent parent) throws StepFailure {
        List<Plan.Entry> entries = plan.entries();
        boolean started = false;
        for (int i = 0; i < entries.size(); i++) {
            Plan.Entry e = entries.get(i);
            if (e.actor() != Actor.INIT) {
                if (started && (i == 0 || entries.get(i - 1).actor() == Actor.INIT)) {
                    parent.runStepsFrom(i + 1);
                }
                continue;
            }
            started = true;
            try {
                execute(e.step());
            } catch (SyscallException ex) {
                throw new StepFailure(i + 1, StepText.call(e.step()), Errno.describe(ex.errno()) + hint(e.step(), ex.errno()),
                        ExitCodes.START_FAILED, ex);
            } catch (ThreadsNotCleared ex) {
                throw new StepFailure(i + 1, StepText.call(e.step()), ex.getMessage(), ExitCodes.START_FAILED, ex);
            } catch (ProgramNotRunnable ex) {
                throw new StepFailure(i + 1, StepText.call(e.step()), ex.getMessage(), ex.exitCode, ex);
            }
        }
    }

    private void execute(Step step) {
        switch (step) {
            case Step.Unshare s -> sys.unshare(Namespaces.flags(s.types()));
            case Step.Setns s -> {
                if (s.type().equals("mount")) {
                    sys.unshare(Namespaces.CLONE_FS);
                }
                sys.setns(s.path(), Namespaces.flag(s.type()));
            }
            case Step.Mount s -> sys.mount(s.source(), s.target(), s.fstype(), MountFlags.bits(s.flags()), s.data());
            case Step.MountSetattr s -> sys.mountSetattr(s.target(), s.recursive(), MountFlags.bits(s.attrSet()),
                    MountFlags.bits(s.attrClr()));
            case Step.CreateMountPoint s -> createMountPoint(s);
            case Step.Mkdir s -> {
                if (sys.kind(s.path(), false) != Syscalls.FileKind.DIRECTORY) {
                    sys.mkdir(s.path(), s.mode());
                }
            }
            case Step.Mknod s -> mknod(s);
            case Step.Symlink s -> {
                if (sys.kind(s.linkPath(), false) != Syscalls.FileKind.MISSING) {
                    sys.unlink(s.linkPath());
                }
                sys.symlink(s.target(), s.linkPath());
            }
            case Step.PivotRoot s -> sys.pivotRoot(s.newRoot(), s.putOld());
            case Step.Chdir s -> sys.chdir(s.path());
            case Step.Umount s -> sys.umount2(s.target(), (int) MountFlags.bits(s.flags()));
            case Step.Rmdir s -> sys.rmdir(s.path());
            case Step.MaskPath s -> maskPath(s.path());
            case Step.ReadonlyPath s -> readonlyPath(s.path());
            case Step.WriteSysctl s -> sys.writeFile("/proc/sys/" + s.key().replace('.', '/'), s.value());
            case Step.Sethostname s -> sys.sethostname(s.name());
            case Step.Setdomainname s -> sys.setdomainname(s.name());
            case Step.LinkUp s -> sys.linkUp(s.name());
            case Step.OpenConsole s -> openConsole();
            case Step.Setrlimit s -> sys.setrlimit(Rlimits.number(s.resource()), s.soft(), s.hard());
            case Step.WriteOomScoreAdj s -> sys.writeFile("/proc/self/oom_score_adj", Integer.toString(s.value()));
            case Step.CapbsetDrop s -> {
                for (String cap : s.caps()) {
                    sys.prctl(PR_CAPBSET_DROP, Capability.numberOf(cap), 0);
                }
            }
            case Step.SetKeepCaps s -> sys.prctl(PR_SET_KEEPCAPS, s.keep() ? 1 : 0, 0);
            case Step.ClearThreadCapabilities s -> clearThreadCapabilities(s);
            case Step.CheckThreadCapabilities s -> checkThreadCapabilities();
            case Step.Setgroups s -> sys.setgroups(s.gids());
            case Step.Setresgid s -> {
                sys.setresgid(s.gid());
                stayNonDumpable();
            }
            case Step.Setresuid s -> {
                sys.setresuid(s.uid());
                stayNonDumpable();
            }
            case Step.Umask s -> sys.umask(s.mask());
            case Step.Capset s -> sys.capset(Capability.maskOf(s.effective()), Capability.maskOf(s.permitted()),
                    Capability.maskOf(s.inheritable()));
            case Step.AmbientRaise s -> {
                for (String cap : s.caps()) {
                    sys.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, Capability.numberOf(cap));
                }
            }
            case Step.SetNoNewPrivs s -> sys.prctl(PR_SET_NO_NEW_PRIVS, 1, 0);
            case Step.CloseFrom s -> sys.closeRangeCloexec(s.first());
            case Step.Execve s -> execve(s);
            case Step.CgroupMkdir s -> throw wrongActor(step);
            case Step.CgroupCopyFromParent s -> throw wrongActor(step);
            case Step.CgroupWrite s -> throw wrongActor(step);
            case Step.AttachDeviceFilter s -> throw wrongActor(step);
            case Step.CgroupJoin s -> throw wrongActor(step);
            case Step.Spawn s -> throw wrongActor(step);
            case Step.ReadonlyBind s -> throw wrongActor(step);
        }
    }

    /**
     * A change of euid or egid sets the process's dumpable flag to fs.suid_dumpable, which an
     * administrator may have set to 1: the init stays non-dumpable until its execve.
     */
    private void stayNonDumpable() {
        sys.prctl(PR_SET_DUMPABLE, 0, 0);
    }

    /** See {@link Step.ClearThreadCapabilities}. The init runs as root; this thread goes back to uid and gid 0. */
    private void clearThreadCapabilities(Step.ClearThreadCapabilities s) {
        long[] caps = sys.capget();
        sys.prctl(PR_SET_KEEPCAPS, 1, 0);
        sys.setxidAllThreads(s.uid(), s.gid());
        // Leaving uid 0 emptied this thread's effective set; keep-caps kept the permitted one.
        sys.capset(caps[0], caps[1], caps[2]);
        sys.setresgid(0);
        sys.setresuid(0);
        sys.capset(caps[0], caps[1], caps[2]);
        sys.prctl(PR_SET_KEEPCAPS, 0, 0);
        stayNonDumpable();
    }

    /** Fails closed when a thread other than this one holds a capability. See {@link Step.CheckThreadCapabilities}. */
    private void checkThreadCapabilities() {
        int self = sys.gettid();
        Map<Integer, String> threads = sys.threadStatuses();
        if (!threads.containsKey(self)) {
            throw new ThreadsNotCleared("this thread (" + self + ") is not among the threads listed: " + threads.keySet());
        }
        // Plain loops and no regular expressions: this runs in every start, in a cold JVM.
        List<String> holding = new ArrayList<>();
        for (Map.Entry<Integer, String> t : threads.entrySet()) {
            if (t.getKey() == self) {
                continue;
            }
            for (String set : CAPABILITY_SETS) {
                String value = statusField(t.getValue(), set);
                if (!allZeros(value)) {
                    holding.add("thread " + t.getKey() + " (" + statusField(t.getValue(), "Name") + ") " + set + "=" + value);
                }
            }
        }
        if (!holding.isEmpty()) {
            throw new ThreadsNotCleared("threads of the init still hold capabilities: " + String.join(", ", holding));
        }
    }

    private static final String[] CAPABILITY_SETS = {"CapPrm", "CapEff", "CapAmb"};

    /** The value of a "Name:\tvalue" line of a proc(5) status file, or null. */
    static String statusField(String status, String name) {
        for (int line = 0; line >= 0 && line < status.length(); ) {
            int end = status.indexOf('\n', line);
            if (status.startsWith(name, line) && status.startsWith(":", line + name.length())) {
                return status.substring(line + name.length() + 1, end < 0 ? status.length() : end).strip();
            }
            line = end < 0 ? -1 : end + 1;
        }
        return null;
    }

    private static boolean allZeros(String hex) {
        if (hex == null || hex.isEmpty()) {
            return false;
        }
        for (int i = 0; i < hex.length(); i++) {
            if (hex.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static IllegalStateException wrongActor(Step step) {
        return new IllegalStateException(step.getClass().getSimpleName() + " is a parent step");
    }

    /** The descriptor the parent passes the console socket on, when the process has a terminal. */
    public static final int CONSOLE_FD = 5;

    private void openConsole() {
        int[] pty = sys.openPty();
        for (int fd = 0; fd <= 2; fd++) {
            sys.dup2(pty[1], fd);
        }
        if (pty[1] > 2) {
            sys.close(pty[1]);
        }
        sys.setsid();
        sys.setControllingTerminal(0);
        sys.sendFd(CONSOLE_FD, pty[0]);
        sys.close(pty[0]);
    }

    private void createMountPoint(Step.CreateMountPoint s) {
        Syscalls.FileKind target = sys.kind(s.target(), true);
        boolean wantFile = s.bindSource() != null
                && sys.kind(s.bindSource(), true) != Syscalls.FileKind.DIRECTORY
                && sys.kind(s.bindSource(), true) != Syscalls.FileKind.MISSING;
        if (target != Syscalls.FileKind.MISSING) {
            return;
        }
        if (wantFile) {
            int slash = s.target().lastIndexOf('/');
            if (slash > 0) {
                sys.mkdirs(s.target().substring(0, slash), 0755);
            }
            sys.touch(s.target());
        } else {
            sys.mkdirs(s.target(), 0755);
        }
    }

    private void mknod(Step.Mknod s) {
        int type = switch (s.type()) {
            case "b" -> S_IFBLK;
            case "p" -> S_IFIFO;
            default -> S_IFCHR;
        };
        int slash = s.path().lastIndexOf('/');
        if (slash > 0) {
            sys.mkdirs(s.path().substring(0, slash), 0755);
        }
        if (sys.kind(s.path(), false) != Syscalls.FileKind.MISSING) {
            sys.unlink(s.path());
        }
        sys.mknod(s.path(), type | (s.mode() & 07777), s.major(), s.minor());
        // mknod(2) applies the umask; the config's mode is meant exactly.
        sys.chmod(s.path(), s.mode() & 07777);
        sys.chown(s.path(), s.uid(), s.gid());
    }

    private void maskPath(String path) {
        switch (sys.kind(path, true)) {
            case MISSING -> { }
            case DIRECTORY -> sys.mount("tmpfs", path, "tmpfs", MountFlags.bits(List.of("MS_RDONLY")), null);
            default -> sys.mount("/dev/null", path, null, MountFlags.bits(List.of("MS_BIND")), null);
        }
    }

    private void readonlyPath(String path) {
        if (sys.kind(path, true) == Syscalls.FileKind.MISSING) {
            return;
        }
        sys.mount(path, path, null, MountFlags.bits(List.of("MS_BIND", "MS_REC")), null);
        sys.mount(path, path, null, MountFlags.bits(List.of("MS_BIND", "MS_REMOUNT", "MS_RDONLY", "MS_REC")), null);
    }

    private void execve(Step.Execve s) {
        if (s.argv().isEmpty()) {
            throw new ProgramNotRunnable("no program to run: process.args is empty", ExitCodes.NOT_FOUND);
        }
        String program = s.argv().get(0);
        String path = program.contains("/") ? program : lookPath(program, s.env());
        switch (sys.kind(path, true)) {
            case MISSING -> throw new ProgramNotRunnable("\"" + program + "\" not found in the container"
                    + (program.contains("/") ? "" : " (PATH=" + pathVar(s.env()) + ")"), ExitCodes.NOT_FOUND);
            case DIRECTORY -> throw new ProgramNotRunnable("\"" + path + "\" is a directory", ExitCodes.NOT_EXECUTABLE);
            default -> { }
        }
        try {
            sys.execve(path, s.argv(), s.env());
        } catch (SyscallException e) {
            int code = e.errno() == Errno.ENOENT ? ExitCodes.NOT_FOUND : ExitCodes.NOT_EXECUTABLE;
            throw new ProgramNotRunnable("execve(\"" + path + "\"): " + Errno.describe(e.errno())
                    + (e.errno() == Errno.ENOENT ? " (its interpreter or a library is missing?)" : ""), code);
        }
    }

    private String lookPath(String program, List<String> env) {
        String firstFound = null;
        for (String dir : pathVar(env).split(":")) {
            String candidate = (dir.isEmpty() ? "." : dir) + "/" + program;
            Syscalls.FileKind kind = sys.kind(candidate, true);
            if (kind == Syscalls.FileKind.MISSING || kind == Syscalls.FileKind.DIRECTORY) {
                continue;
            }
            if (sys.isExecutable(candidate)) {
                return candidate;
            }
            if (firstFound == null) {
                firstFound = candidate;
            }
        }
        if (firstFound != null) {
            throw new ProgramNotRunnable("\"" + firstFound + "\" is not executable", ExitCodes.NOT_EXECUTABLE);
        }
        throw new ProgramNotRunnable("\"" + program + "\" not found in the container (PATH=" + pathVar(env) + ")",
                ExitCodes.NOT_FOUND);
    }

    private static String pathVar(List<String> env) {
        for (String kv : env) {
            if (kv.startsWith("PATH=")) {
                return kv.substring(5);
            }
        }
        return DEFAULT_PATH;
    }

    /** Why a step's errno happened, where the kernel's word alone does not say. */
    private static String hint(Step step, int errno) {
        return switch (step) {
            case Step.PivotRoot s when errno == Errno.EINVAL -> " (new_root is not a mount point, or put_old is not under it)";
            case Step.Mount s when errno == Errno.ENOENT && s.source() != null && s.source().startsWith("/.oldroot/") ->
                    " (the source " + s.source().substring("/.oldroot".length()) + " does not exist on the host)";
            case Step.Mount s when errno == Errno.ENODEV -> " (the kernel does not know filesystem type " + s.fstype() + ")";
            case Step.Sethostname s when errno == Errno.EINVAL -> " (a hostname is at most 64 bytes)";
            case Step.WriteSysctl s when errno == Errno.ENOENT -> " (no such sysctl in this kernel)";
            default -> "";
        };
    }

    /** A thread other than the init's own holds capabilities it should not (125). */
    static final class ThreadsNotCleared extends RuntimeException {
        ThreadsNotCleared(String message) {
            super(message);
        }
    }

    /** The user's program cannot start: not found (127) or not executable (126). */
    static final class ProgramNotRunnable extends RuntimeException {
        final int exitCode;

        ProgramNotRunnable(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }
}
