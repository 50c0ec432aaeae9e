package dev.jspec.init;

import dev.jspec.exec.InitCommand;
import dev.jspec.exec.InitExecutor;
import dev.jspec.exec.InitFds;
import dev.jspec.exec.InitProtocol;
import dev.jspec.exec.StepFailure;
import dev.jspec.plan.Plan;
import dev.jspec.plan.PlanCodec;
import dev.jspec.plan.Step;
import dev.jspec.seccomp.Libseccomp;
import dev.jspec.seccomp.NativeLibseccomp;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The container's init: PID 1 of the new PID namespace until it execs the user's program.
 * It reads the plan from descriptor {@link InitFds#plan()} (3 unless the caller preserves
 * descriptors), runs the INIT steps, and reports a failure on {@link InitFds#status()} as
 * one line {@code E <exit code> <message>}. A successful execve
 * closes the status descriptor, which is how the parent learns the program started.
 *
 * <p>This class path is kept lean on purpose (jspec's own classes and JNA only): it is on
 * the start-up path of every container.
 */
public final class InitMain {

    private static final InitFds FDS = InitFds.fromEnvironment();

    private InitMain() {}

    /**
     * Classes the init may need after pivot_root, when no host path can be opened any more:
     * loaded up front so that even an error path finds them.
     */
    private static final String[] PRELOAD = {
        "dev.jspec.exec.InitExecutor$ProgramNotRunnable", "dev.jspec.exec.InitExecutor$UnsafeContainer",
        "dev.jspec.exec.InitExecutor$ThreadsNotCleared", "dev.jspec.exec.ContainerRoot", "dev.jspec.exec.ContainerRoot$Parent",
        "dev.jspec.sys.Syscalls$FileInfo", "dev.jspec.exec.Rlimits", "dev.jspec.sys.MountFlags",
        "dev.jspec.exec.Namespaces", "dev.jspec.sys.Errno", "dev.jspec.sys.SyscallException", "dev.jspec.sys.CallText",
        "dev.jspec.sys.Structs", "dev.jspec.sys.ScmRights", "dev.jspec.sys.ThreadStatuses",
        "dev.jspec.exec.StepFailure", "dev.jspec.sys.Syscalls$FileKind", "dev.jspec.plan.Capability",
        "dev.jspec.plan.StepText", "dev.jspec.util.ExitCodes", "com.sun.jna.LastErrorException", "com.sun.jna.Memory",
        "com.sun.jna.StringArray",
        // A libc call (dev.jspec.sys.LibC) goes through JNA's Function, which reads back a
        // StringArray (execve's argv, made of NativeStrings) after the call, and may look a
        // function up for the first time (a dlsym only) after pivot_root.
        "dev.jspec.sys.LibC", "com.sun.jna.Function", "com.sun.jna.Function$PostCallRead", "com.sun.jna.Function$PointerArray",
        "com.sun.jna.NativeString", "com.sun.jna.NativeString$StringMemory", "com.sun.jna.Native$Buffers"
    };

    /** What loading a seccomp filter needs after pivot_root, loaded with libseccomp when the plan has a filter. */
    private static final String[] SECCOMP_PRELOAD = {
        "dev.jspec.seccomp.SeccompLoader", "dev.jspec.spec.SeccompRule", "dev.jspec.spec.SeccompRule$Condition",
        "dev.jspec.plan.SeccompProfile"
    };

    /** What running a hook needs after pivot_root, loaded when the plan has hooks. */
    private static final String[] HOOK_PRELOAD = {"dev.jspec.exec.HookRunner", "dev.jspec.exec.HookRunner$Failed",
        "dev.jspec.exec.ExitStatus"};

    /**
     * Opens the jars of the init's class path now, while their paths resolve. The AOT cache
     * holds the classes of a start's usual path; any other (an error's, a rarer step's) is
     * loaded from the jars after pivot_root or a setns into the container's mount namespace,
     * where their paths are gone, and an open jar keeps working there. Nothing else opens
     * them early any more (the logging start no longer searches every jar, see
     * QuietLogManager). A class that exists nowhere is looked for through every jar of the
     * class path, which opens each, and through no module of the JDK, unlike a resource.
     */
    static void openClassPath() {
        try {
            Class.forName("dev.jspec.init.InitMain$OpensTheClassPath", false, InitMain.class.getClassLoader());
        } catch (ClassNotFoundException expected) {
            // Every jar was opened on the way to not finding it.
        }
    }

    public static void main(String[] args) {
        // The plan is read and decoded on a thread of its own while this one sets JNA up
        // (each some 10-25 ms of a cold JVM); the training mode has no plan to read.
        PlanAhead ahead = args.length == 1 && args[0].equals("--aot-training") ? null : PlanAhead.start();
        // First of all: a non-dumpable process's /proc/PID files (exe, fd, map_files, mem,
        // those of each task) are closed to every process without CAP_SYS_PTRACE, such as
        // the container's own in a PID namespace it shares with this init. The flag lasts
        // until the execve, which sets it afresh for the program.
        Syscalls sys = new LinuxSyscalls();
        try {
            sys.prctl(InitExecutor.PR_SET_DUMPABLE, 0, 0);
        } catch (RuntimeException e) {
            report(sys, ExitCodes.START_FAILED, "jspec init: prctl(PR_SET_DUMPABLE, 0): " + e.getMessage());
            return;
        }
        for (String name : PRELOAD) {
            try {
                Class.forName(name, true, InitMain.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("jspec init: missing class " + name, e);
            }
        }
        if (args.length == 1 && args[0].equals("--aot-training")) {
            train(sys);
            return;
        }
        openClassPath();
        boolean recording = args.length == 1 && args[0].equals(InitCommand.RECORD);
        Plan plan;
        try {
            plan = ahead != null ? ahead.plan() : null;
            if (plan == null) {
                plan = PlanCodec.fromJson(new InitProtocol.InitEnd(sys, FDS).readPlan());
            }
        } catch (InitProtocol.InitEnd.NoPlan e) {
            // Given up by the parent before any plan: nothing to report, to nobody.
            Runtime.getRuntime().halt(ExitCodes.START_FAILED);
            return;
        } catch (RuntimeException e) {
            report(sys, ExitCodes.START_FAILED, "jspec init: cannot read the plan: " + e.getMessage());
            return;
        }
        Libseccomp seccomp = null;
        if (plan.entries().stream().anyMatch(e -> e.step() instanceof Step.Seccomp)) {
            // A host file: opened now, before pivot_root takes the host's paths away.
            try {
                seccomp = NativeLibseccomp.load();
                for (String name : SECCOMP_PRELOAD) {
                    Class.forName(name, true, InitMain.class.getClassLoader());
                }
            } catch (IllegalStateException | ClassNotFoundException e) {
                report(sys, ExitCodes.START_FAILED, "jspec init: " + e.getMessage());
                return;
            }
        }
        if (plan.entries().stream().anyMatch(e -> e.step() instanceof Step.Hook)) {
            // A startContainer hook runs after pivot_root, when the jar is out of reach.
            for (String name : HOOK_PRELOAD) {
                try {
                    Class.forName(name, true, InitMain.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    report(sys, ExitCodes.START_FAILED, "jspec init: missing class " + name);
                    return;
                }
            }
        }
        if (recording) {
            plan = withoutExecve(plan);
        }
        try {
            InitProtocol.InitEnd parent = new InitProtocol.InitEnd(sys, FDS);
            new InitExecutor(sys, seccomp, FDS).run(plan, new InitExecutor.Parent() {
                @Override
                public void runStepsFrom(int number) throws StepFailure {
                    parent.askParent(number);
                }

                @Override
                public void created() {
                    parent.created();
                }
            });
            if (recording) {
                // The whole plan ran, up to the execve. Exiting without a report closes the
                // status pipe as an execve would, so the parent waits for this exit, at which
                // the JVM writes the classes it loaded to its AOT configuration.
                Runtime.getRuntime().halt(0);
            }
            report(sys, ExitCodes.START_FAILED, "jspec init: the plan has no execve step");
        } catch (StepFailure f) {
            report(sys, f.exitCode(), f.getMessage());
        } catch (RuntimeException | Error e) {
            report(sys, ExitCodes.START_FAILED, "jspec init: " + e);
        }
    }

    /**
     * The plan of an AOT training start (see the launcher) without its execve: the program
     * is never run, and the init exits where it would exec. Not by failing the execve, as it
     * did: that failure's message (the step's text, a pattern switch, its collectors) then
     * went into the cache, and every start loaded those classes for nothing, some 2 ms.
     */
    private static Plan withoutExecve(Plan plan) {
        java.util.List<Plan.Entry> entries = new java.util.ArrayList<>();
        for (Plan.Entry e : plan.entries()) {
            if (!(e.step() instanceof Step.Execve)) {
                entries.add(e);
            }
        }
        return new Plan(entries);
    }

    /**
     * The training run for the init's AOT cache (see the launcher): the same classes a real
     * start loads and links (JNA's calls into libc, the plan codec and step records,
     * the executor) through calls that change nothing, then a normal exit so the JVM
     * writes the cache.
     */
    private static void train(Syscalls sys) {
        String json = PlanCodec.toJson(new Plan(java.util.List.of(
                new Plan.Entry(dev.jspec.plan.Actor.INIT, new dev.jspec.plan.Step.Chdir("/")),
                new Plan.Entry(dev.jspec.plan.Actor.INIT, new dev.jspec.plan.Step.Mount("proc", "/proc", "proc",
                        java.util.List.of("MS_NOSUID"), null)),
                new Plan.Entry(dev.jspec.plan.Actor.INIT, new dev.jspec.plan.Step.Capset(java.util.List.of("CAP_KILL"),
                        java.util.List.of("CAP_KILL"), java.util.List.of())),
                new Plan.Entry(dev.jspec.plan.Actor.INIT, new dev.jspec.plan.Step.Execve(java.util.List.of("true"),
                        java.util.List.of("PATH=/bin"))))));
        Plan plan = PlanCodec.fromJson(json);
        int[] pipe = sys.pipe();
        sys.writeAll(pipe[1], json.getBytes(StandardCharsets.UTF_8));
        sys.close(pipe[1]);
        readAll(sys, pipe[0]);
        sys.close(pipe[0]);
        sys.kind("/", true);
        sys.readFile("/proc/self/stat");
        new InitExecutor(sys);
        dev.jspec.plan.StepText.call(plan.entries().get(1).step());
        dev.jspec.sys.MountFlags.bits(java.util.List.of("MS_NOSUID"));
        dev.jspec.plan.Capability.maskOf(java.util.List.of("CAP_KILL"));
        System.exit(0);
    }

    /**
     * The plan read from its pipe opened again through the host's /proc, and decoded, on a
     * thread of its own. Only an open that fails (nothing read yet) leaves the plan to the
     * main thread's own read.
     */
    private static final class PlanAhead implements java.util.concurrent.Callable<Plan> {
        private final java.util.concurrent.FutureTask<Plan> task = new java.util.concurrent.FutureTask<>(this);
        private final Thread thread = new Thread(task, "jspec-plan");

        static PlanAhead start() {
            PlanAhead ahead = new PlanAhead();
            ahead.thread.setDaemon(true);
            ahead.thread.start();
            return ahead;
        }

        @Override
        public Plan call() throws java.io.IOException {
            java.io.InputStream in;
            try {
                in = new java.io.FileInputStream("/proc/self/fd/" + FDS.plan());
            } catch (java.io.IOException e) {
                return null;
            }
            try (in) {
                return PlanCodec.fromJson(InitProtocol.InitEnd.readPlan(in));
            }
        }

        /** The plan, or null when it is the main thread's to read; the thread has ended when this returns. */
        Plan plan() {
            try {
                Plan plan = task.get();
                thread.join();
                return plan;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException r ? r : new IllegalStateException(String.valueOf(cause.getMessage()), cause);
            }
        }
    }

    private static String readAll(Syscalls sys, int fd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        int n;
        while ((n = sys.read(fd, buf)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Tells the parent, or once it is gone (after create, a failure between start and the
     * execve) the container's stderr, which the engine collects; then exits with the code.
     */
    private static void report(Syscalls sys, int code, String message) {
        if (!new InitProtocol.InitEnd(sys, FDS).fail(code, message)) {
            try {
                sys.writeAll(2, ("jspec: " + InitProtocol.oneLine(message) + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (RuntimeException ignored) {
                // Nowhere left to say it: the exit status is all there is.
            }
        }
        Runtime.getRuntime().halt(code);
    }
}
