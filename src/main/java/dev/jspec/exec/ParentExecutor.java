package dev.jspec.exec;

import dev.jspec.cgroup.AttachWarmer;
import dev.jspec.cgroup.CgroupCleanup;
import dev.jspec.cgroup.CgroupManager;
import dev.jspec.plan.Actor;
import dev.jspec.plan.HostFacts;
import dev.jspec.plan.Plan;
import dev.jspec.plan.PlanCodec;
import dev.jspec.plan.Step;
import dev.jspec.plan.StepText;
import dev.jspec.seccomp.ContainerProcessState;
import dev.jspec.sys.Errno;
import dev.jspec.sys.MountFlags;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs the PARENT steps of a plan and hands the rest to the container's init.
 *
 * <p>The parent steps run on a short-lived spawner thread: unshare(2) changes only the
 * calling thread's namespaces, so the child spawned from that thread starts inside the new
 * ones while the JVM's other threads stay where they were. Everything this executor
 * creates on the host (cgroup directories, through its {@link CgroupManager}, and the init
 * process) is recorded so that a failure at any step can be rolled back.
 */
public final class ParentExecutor {

    private static final int SIGKILL = 9;

    private final Syscalls sys;
    private final Plan plan;
    private final Stdio stdio;
    /** The container's cgroups: what this run made of them, and their removal on failure or teardown. */
    private final CgroupManager cgroups;
    private volatile int initPid = -1;
    private int planWriteFd = -1;
    private int statusReadFd = -1;
    private int ptyMaster = -1;
    private int consoleSocket = -1;
    /** The parent's end of the socket the init sends its seccomp listener on, when the plan forwards one. */
    private int seccompSocket = -1;

    /** The descriptors the init gets as 0, 1 and 2. */
    public record Stdio(int in, int out, int err) {
        public static final Stdio INHERIT = new Stdio(0, 1, 2);
    }

    private final java.util.function.Consumer<String> problems;
    /** The exec FIFO the init waits on (`create`), or null. */
    private final String fifoPath;
    /** The index of the first plan entry this executor runs: past the prelude an early init ran. */
    private int firstStep;
    /** The host whose cgroup attach path is kept warm until the init asks to join (see {@link #warmCgroupAttach}), or null. */
    private HostFacts warmHost;

    /**
     * @param problems where a rollback says, one line each, what it could not undo (a
     *     cgroup that stays); the CLI passes its error writer
     */
    public ParentExecutor(Syscalls sys, Plan plan, Stdio stdio, java.util.function.Consumer<String> problems) {
        this(sys, plan, stdio, problems, plan.entries().stream().map(Plan.Entry::step).filter(Step.AwaitStart.class::isInstance)
                .map(st -> ((Step.AwaitStart) st).fifo()).findFirst().orElse(null));
    }

    private ParentExecutor(Syscalls sys, Plan plan, Stdio stdio, java.util.function.Consumer<String> problems, String fifoPath) {
        this.sys = sys;
        this.plan = plan;
        this.stdio = stdio;
        this.problems = problems;
        this.fifoPath = fifoPath;
        this.cgroups = CgroupManager.forStart(sys, plannedCgroups(plan));
    }

    /**
     * As the four-argument constructor, taking over the init {@code early} spawned when the
     * plan starts with exactly the steps it ran; otherwise the early init is killed and this
     * executor runs the plan from its first step, as if there had been none.
     */
    public ParentExecutor(Syscalls sys, Plan plan, Stdio stdio, java.util.function.Consumer<String> problems, Early early) {
        this(sys, plan, stdio, problems);
        if (early == null) {
            return;
        }
        List<Plan.Entry> entries = plan.entries();
        int n = early.steps.size();
        boolean forwardsListener = entries.stream().anyMatch(e -> e.step() instanceof Step.SeccompListener);
        if (early.spawned() && entries.size() > n && sameSteps(entries.subList(0, n), early.steps) && !forwardsListener
                && java.util.Objects.equals(fifoPath, early.runner.fifoPath) && sameStdio(stdio, early.runner.stdio)) {
            ParentExecutor e = early.runner;
            initPid = e.initPid;
            planWriteFd = e.planWriteFd;
            statusReadFd = e.statusReadFd;
            consoleSocket = e.consoleSocket;
            seccompSocket = e.seccompSocket;
            firstStep = n;
        } else {
            early.abandon();
        }
    }

    /**
     * Whether two lists of plan entries are the same steps, compared in the plan's wire form
     * (every field of every step): not List.equals, whose records' equals links
     * ObjectMethods' method handles at its first use, 17 ms of a cold JVM's CPU here, beside
     * the init's boot.
     */
    static boolean sameSteps(List<Plan.Entry> a, List<Plan.Entry> b) {
        return a.size() == b.size() && PlanCodec.toJson(new Plan(a)).equals(PlanCodec.toJson(new Plan(b)));
    }

    /** {@link Stdio}'s fields compared one by one, for the reason {@link #sameSteps} gives. */
    private static boolean sameStdio(Stdio a, Stdio b) {
        return a.in() == b.in() && a.out() == b.out() && a.err() == b.err();
    }

    /**
     * An init spawned before its plan was made: the steps of {@code Planner.prelude} running
     * on a spawner thread of their own while the caller reads, checks and plans the config.
     * Its init boots meanwhile and waits for the plan. Either a {@link ParentExecutor} takes
     * it over, or {@link #abandon} kills it.
     */
    public static final class Early {
        private final ParentExecutor runner;
        private final FutureTask<Void> task;
        private final List<Plan.Entry> steps;
        private boolean done;
        private boolean spawned;

        private Early(ParentExecutor runner, FutureTask<Void> task, List<Plan.Entry> steps) {
            this.runner = runner;
            this.task = task;
            this.steps = steps;
        }

        /** Waits for the prelude's steps; whether they all ran (a failed one was undone and is reported again by the plan's own run). */
        private boolean spawned() {
            if (!done) {
                done = true;
                try {
                    task.get();
                    spawned = runner.initPid > 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException e) {
                    spawned = false;
                }
            }
            return spawned;
        }

        /** Waits until the spawner thread is done, whether or not its init was spawned. */
        public void settle() {
            spawned();
        }

        /** Kills and reaps the early init, closes its descriptors: the config was not started after all. */
        public void abandon() {
            spawned();
            runner.rollback();
        }
    }

    /**
     * Runs {@code prelude} (the first steps of every plan of a config with the usual
     * namespaces, see {@code Planner.prelude}) on a thread of its own and returns at once.
     *
     * @param fifoPath the exec FIFO the init will wait on (`create`), or null
     * @param first run on the spawner thread before the steps (making that FIFO): a
     *     failure there fails the early spawn, and the plan's own run meets it again
     */
    public static Early early(Syscalls sys, List<Plan.Entry> prelude, Stdio stdio, String fifoPath, Runnable first) {
        ParentExecutor runner = new ParentExecutor(sys, new Plan(prelude), stdio, line -> { }, fifoPath);
        FutureTask<Void> task = new FutureTask<>(() -> {
            try {
                first.run();
                runner.runParentStepsFrom(0);
            } catch (StepFailure | RuntimeException e) {
                runner.rollback();
                throw e;
            }
            return null;
        });
        Thread spawner = new Thread(task, "jspec-early-spawner");
        spawner.start();
        return new Early(runner, task, List.copyOf(prelude));
    }

    /** For tests: what a rollback cannot undo is not reported. */
    public ParentExecutor(Syscalls sys, Plan plan, Stdio stdio) {
        this(sys, plan, stdio, line -> { });
    }

    /**
     * The cgroups the plan will leave, known before any step runs so they can be recorded
     * first: the directories its CgroupMkdir steps make.
     */
    public static CgroupCleanup plannedCgroups(Plan plan) {
        Map<String, Boolean> dirs = new LinkedHashMap<>();
        for (Plan.Entry e : plan.entries()) {
            if (e.step() instanceof Step.CgroupMkdir m) {
                dirs.putIfAbsent(m.dir(), m.shared());
            }
        }
        return CgroupCleanup.planned(dirs);
    }

    /**
     * Runs every parent step, sends the plan to the init and waits until the init has exec'd
     * the user's program. On failure everything made so far is undone before this throws.
     *
     * @return the init's pid, as seen from the host
     */
    public int start() throws StepFailure {
        spawn();
        release();
        return initPid;
    }

    /**
     * The first half of {@link #start}: every parent step, up to the init joining its
     * cgroups. The init then waits for its plan; the caller may record the pid first.
     */
    public int spawn() throws StepFailure {
        refuseExistingLeaves();
        try {
            runParentSteps();
            return initPid;
        } catch (StepFailure f) {
            rollback();
            throw f;
        }
    }

    /**
     * Before anything is made: a container directory that already exists fails its step now,
     * rather than after the directories in other hierarchies were made and must be undone.
     */
    private void refuseExistingLeaves() throws StepFailure {
        List<Plan.Entry> entries = plan.entries();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).step() instanceof Step.CgroupMkdir s && cgroups.leafExists(s.dir())) {
                SyscallException exists = new SyscallException("mkdir(\"" + s.dir() + "\")", Errno.EEXIST);
                throw StepFailure.ofCall(i + 1, StepText.call(s), exists, hint(s, exists));
            }
        }
    }

    /** Where {@link #release} left the container. */
    public enum Outcome {
        /** The program runs: the init exec'd it. */
        RUNNING,
        /** Everything but the program is ready; the init waits on the exec FIFO for `jspec start`. */
        CREATED
    }

    /**
     * The second half of {@link #start}: the init gets its plan; returns once the program
     * runs, or once the container is created when the plan awaits `jspec start`.
     */
    public Outcome release() throws StepFailure {
        try {
            return handOver();
        } catch (StepFailure f) {
            rollback();
            throw f;
        }
    }

    /** What teardown removes: the container's directories this run owns, and the parents to remove when empty. */
    public CgroupCleanup cleanup() {
        return cgroups.cleanup();
    }

    /**
     * Lets a thread keep the kernel's cgroup attach path warm from the moment the init has
     * its plan until it first asks for the parent's steps, when the plan has the init join
     * its cgroups then: see {@link AttachWarmer}.
     */
    public void warmCgroupAttach(HostFacts host) {
        this.warmHost = host;
    }

    /** The master side of the container's terminal, or -1 when it has none. */
    public int ptyMaster() {
        return ptyMaster;
    }

    public int initPid() {
        return initPid;
    }

    /** How many of the plan's first steps an early init had run before this executor took it over (0: none). */
    public int stepsRunEarly() {
        return firstStep;
    }

    /** The container's cgroups (one directory per v1 hierarchy, or one on v2), as this run made them. */
    public CgroupManager cgroups() {
        return cgroups;
    }

    private void runParentSteps() throws StepFailure {
        FutureTask<Void> task = new FutureTask<>(() -> {
            // The parent steps before the first init step; later ones run when the init asks.
            runParentStepsFrom(firstStep);
            return null;
        });
        Thread spawner = new Thread(task, "jspec-spawner");
        spawner.start();
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while starting the container", ExitCodes.START_FAILED);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StepFailure f) {
                throw f;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Runs the PARENT entries from index {@code first} up to the next INIT entry. */
    private void runParentStepsFrom(int first) throws StepFailure {
        List<Plan.Entry> entries = plan.entries();
        for (int i = first; i < entries.size() && entries.get(i).actor() == Actor.PARENT; i++) {
            Plan.Entry e = entries.get(i);
            try {
                execute(e.step());
            } catch (SyscallException ex) {
                throw StepFailure.ofCall(i + 1, StepText.call(e.step()), ex, hint(e.step(), ex));
            } catch (HookRunner.Failed ex) {
                throw new StepFailure(i + 1, StepText.call(e.step()), ex.getMessage(), ExitCodes.START_FAILED, ex);
            }
        }
    }

    /** One step; instanceof tests rather than a pattern switch for the reason InitExecutor.execute gives. */
    @SuppressWarnings("IfChainToSwitch") // a pattern switch costs a cold JVM a generated class
    private void execute(Step step) {
        if (step instanceof Step.CgroupMkdir s) {
            // The container's own directory is made or refused with EEXIST: mkdir is the check no other start can race.
            cgroups.mkdir(s.dir(), s.shared());
        } else if (step instanceof Step.CgroupCopyFromParent s) {
            cgroups.copyFromParent(s.dir(), s.file());
        } else if (step instanceof Step.CgroupWrite s) {
            cgroups.write(s.dir(), s.file(), s.value());
        } else if (step instanceof Step.AttachDeviceFilter s) {
            cgroups.attachDeviceFilter(s.dir(), s.rules());
        } else if (step instanceof Step.CgroupJoin s) {
            cgroups.addProcess(initPid, s.dirs());
        } else if (step instanceof Step.Setns s) {
            sys.setns(s.path(), Namespaces.flag(s.type()));
        } else if (step instanceof Step.Unshare s) {
            sys.unshare(Namespaces.flags(s.types()));
        } else if (step instanceof Step.Mount s) {
            // On the spawner thread, after unshare: its new mount namespace, which the init inherits.
            sys.mount(s.source(), s.target(), s.fstype(), MountFlags.bits(s.flags()), s.data());
        } else if (step instanceof Step.ReadonlyBind s) {
            sys.mount(s.path(), s.path(), null, MountFlags.bits(List.of("MS_BIND", "MS_REC")), null);
            sys.mountSetattr(s.path(), true, MountFlags.bits(List.of("MOUNT_ATTR_RDONLY")), 0);
        } else if (step instanceof Step.Spawn s) {
            spawn(s);
        } else if (step instanceof Step.SeccompListener s) {
            forwardSeccompListener(s);
        } else if (step instanceof Step.Hook s) {
            // On the thread serving the init, which never unshared: the runtime's namespaces.
            HookRunner.run(sys, s.path(), s.args(), s.env(), s.timeout(),
                    HookRunner.state(s.containerId(), HookRunner.status(s.kind()), initPid, s.bundle(), s.annotations()));
        } else {
            throw new IllegalStateException(step.getClass().getSimpleName() + " is not a parent step");
        }
    }

    private void spawn(Step.Spawn s) {
        int[] planPipe = sys.pipe();
        int[] statusPipe = sys.pipe();
        planWriteFd = planPipe[1];
        statusReadFd = statusPipe[0];
        // With a terminal, the init opens it inside the container (so that it lives in the
        // container's devpts) and sends the master back over this socket.
        int[] console = s.terminal() ? sys.socketpair() : null;
        // A seccomp filter's listener is made by the init after pivot_root, where the agent's
        // socket on the host is out of its reach: it comes back here to be forwarded.
        // (Plain loops on this path, no streams or lambdas: each first use of one costs a cold
        // JVM milliseconds, and the early init's spawn waits for them.)
        boolean forwardsListener = false;
        for (Plan.Entry e : plan.entries()) {
            forwardsListener |= e.step() instanceof Step.SeccompListener;
        }
        int[] seccomp = forwardsListener ? sys.socketpair() : null;
        // create: the exec FIFO the init waits on, as an O_PATH descriptor (see Step.AwaitStart).
        int fifo = fifoPath != null ? sys.openPath(fifoPath) : -1;
        // The caller's preserved descriptors keep their numbers; the init's own follow them.
        InitFds fds = InitFds.after(s.preservedFds());
        int[] dup2s = new int[2 * (fds.base() + 5)];
        int n = 0;
        int[] stdioMoves = {stdio.in(), 0, stdio.out(), 1, stdio.err(), 2};
        for (int v : stdioMoves) {
            dup2s[n++] = v;
        }
        for (int fd = 3; fd < fds.base(); fd++) {
            dup2s[n++] = fd;
            dup2s[n++] = fd;
        }
        int[] own = {planPipe[0], fds.plan(), statusPipe[1], fds.status(),
            console != null ? console[1] : -1, fds.console(), seccomp != null ? seccomp[1] : -1, fds.seccomp(), fifo, fds.execFifo()};
        for (int i = 0; i < own.length; i += 2) {
            if (own[i] >= 0) {
                dup2s[n++] = own[i];
                dup2s[n++] = own[i + 1];
            }
        }
        dup2s = java.util.Arrays.copyOf(dup2s, n);
        // Not InitFds.equals: a record's equals is an invokedynamic linked at first use (~10 ms cold).
        List<String> env = fds.base() == InitFds.DEFAULT.base() ? List.of() : List.of(InitFds.ENV + "=" + fds.base());
        try {
            initPid = sys.spawn(s.argv().get(0), s.argv(), env, dup2s);
            if (console != null) {
                consoleSocket = console[0];
            }
            if (seccomp != null) {
                seccompSocket = seccomp[0];
            }
        } finally {
            if (seccomp != null) {
                sys.close(seccomp[1]);
                if (seccompSocket < 0) {
                    sys.close(seccomp[0]);
                }
            }
            sys.close(planPipe[0]);
            sys.close(statusPipe[1]);
            if (fifo >= 0) {
                sys.close(fifo);
            }
            if (console != null) {
                sys.close(console[1]);
                if (consoleSocket < 0) {
                    sys.close(console[0]);
                }
            }
        }
    }

    /**
     * Sends the plan and serves the init (see {@link InitProtocol}) until it has exec'd the
     * program or, in a plan that awaits `jspec start`, until it says it is created.
     */
    @SuppressWarnings("IfChainToSwitch") // a pattern switch costs a cold JVM a generated class (see execute)
    private Outcome handOver() throws StepFailure {
        InitProtocol.ParentEnd init = new InitProtocol.ParentEnd(sys, planWriteFd, statusReadFd);
        init.sendPlan(PlanCodec.toJson(plan));
        AttachWarmer warmer = warmHost != null && joinsCgroupsLater()
                ? AttachWarmer.start(sys, warmHost.cgroupLayout(), warmHost.cgroupV1Mounts(), warmHost.cgroupV2Mount())
                : null;
        Outcome outcome = null;
        while (outcome == null) {
            // instanceof tests, not a pattern switch (see execute).
            InitProtocol.Message message;
            try {
                message = init.next();
            } finally {
                if (warmer != null) {
                    warmer.stop();
                    warmer = null;
                }
            }
            if (message instanceof InitProtocol.RunParentSteps m) {
                runParentStepsFrom(m.from() - 1);
                init.go();
            } else if (message instanceof InitProtocol.Failed m) {
                throw new StepFailure(m.message(), m.exitCode());
            } else if (message instanceof InitProtocol.Created) {
                outcome = Outcome.CREATED;
            } else if (message instanceof InitProtocol.Executed) {
                if (plan.entries().stream().anyMatch(e -> e.step() instanceof Step.AwaitStart)) {
                    // A plan that awaits start never execs before saying "created".
                    throw new StepFailure("the container's init exited before the container was created",
                            ExitCodes.START_FAILED);
                }
                outcome = Outcome.RUNNING;
            } else {
                throw new IllegalStateException("unexpected message from the init: " + message);
            }
        }
        sys.close(statusReadFd);
        statusReadFd = -1;
        sys.close(planWriteFd);
        planWriteFd = -1;
        if (seccompSocket >= 0) {
            sys.close(seccompSocket);
            seccompSocket = -1;
        }
        if (consoleSocket >= 0) {
            ptyMaster = sys.receiveFd(consoleSocket);
            sys.close(consoleSocket);
            consoleSocket = -1;
            if (ptyMaster < 0) {
                throw new StepFailure("the container's init started without sending its terminal", ExitCodes.START_FAILED);
            }
        }
        return outcome;
    }

    /** Whether a step this executor runs at the init's request puts the init in its cgroups. */
    private boolean joinsCgroupsLater() {
        List<Plan.Entry> entries = plan.entries();
        for (int i = firstStep; i < entries.size(); i++) {
            if (entries.get(i).step() instanceof Step.CgroupJoin) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes the seccomp listener the init just sent and hands it to the agent on the host,
     * with the container process state, in one sendmsg on a connection of its own.
     */
    private void forwardSeccompListener(Step.SeccompListener s) {
        int listener = sys.receiveFd(seccompSocket);
        if (listener < 0) {
            throw new SyscallException("recvmsg(SCM_RIGHTS) of the init's seccomp listener", Errno.EPIPE);
        }
        try {
            int agent = sys.connectUnix(s.listenerPath());
            try {
                sys.sendFd(agent, listener, ContainerProcessState.json(s, initPid).getBytes(StandardCharsets.UTF_8));
            } finally {
                closeQuietly(agent);
            }
        } finally {
            closeQuietly(listener);
        }
    }

    /** Kills the init if it runs, reaps it, and removes the cgroup directories this run created. */
    public void rollback() {
        // Each descriptor forgotten once closed: a second rollback must not close a number reused since.
        if (planWriteFd >= 0) {
            closeQuietly(planWriteFd);
            planWriteFd = -1;
        }
        if (statusReadFd >= 0) {
            closeQuietly(statusReadFd);
            statusReadFd = -1;
        }
        if (consoleSocket >= 0) {
            closeQuietly(consoleSocket);
            consoleSocket = -1;
        }
        if (seccompSocket >= 0) {
            closeQuietly(seccompSocket);
            seccompSocket = -1;
        }
        if (initPid > 0) {
            try {
                sys.kill(initPid, SIGKILL);
            } catch (SyscallException ignored) {
                // Already gone.
            }
            try {
                sys.waitpid(initPid);
            } catch (SyscallException ignored) {
                // Reaped elsewhere.
            }
            // Reaped: the number may be another process's from now on.
            initPid = -1;
        }
        removeCgroups();
    }

    /**
     * Removes the container's cgroup directories (processes still inside, which a container
     * without its own PID namespace can leave, are killed first) and the parents left empty.
     */
    public void removeCgroups() {
        removeCgroups(problems);
    }

    /** As {@link #removeCgroups()}, telling {@code problems} (one line each) what stays. */
    public void removeCgroups(java.util.function.Consumer<String> problems) {
        cgroups.remove(problems);
    }

    private void closeQuietly(int fd) {
        try {
            sys.close(fd);
        } catch (SyscallException ignored) {
            // Nothing to do.
        }
    }

    private String hint(Step step, SyscallException ex) {
        return switch (step) {
            case Step.CgroupWrite s -> " (the kernel refused " + s.value() + " for " + s.file() + ")";
            case Step.CgroupMkdir s when ex.errno() == Errno.EEXIST && !cgroups.isContainerDir(s.dir()) ->
                    " (a parent of the container's cgroup: something other than a directory is there,"
                    + " or other commands kept making and removing it)";
            case Step.CgroupMkdir s when ex.errno() == Errno.EEXIST ->
                    " (the container's cgroup exists already: another container's, perhaps with this ID under another --root,"
                    + " or left over; jspec does not take over a cgroup it did not make)";
            case Step.AttachDeviceFilter s when ex.errno() == Errno.EPERM ->
                    " (loading a BPF program needs CAP_SYS_ADMIN, or CAP_BPF on Linux 5.8 and later, in the host's user namespace)";
            case Step.SeccompListener s when ex.errno() == Errno.ENOENT || ex.errno() == Errno.ECONNREFUSED ->
                    " (no seccomp agent listens on " + s.listenerPath() + ")";
            case Step.Unshare s when ex.errno() == Errno.EINVAL && s.types().contains("user") ->
                    " (user namespaces cannot be made from a multithreaded JVM; not supported yet)";
            default -> "";
        };
    }
}
