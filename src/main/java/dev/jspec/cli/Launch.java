package dev.jspec.cli;

import dev.jspec.cgroup.CgroupCleanup;
import dev.jspec.exec.ParentExecutor;
import dev.jspec.exec.StepFailure;
import dev.jspec.lifecycle.ContainerId;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.lifecycle.InitProcess;
import dev.jspec.lifecycle.StateStore;
import dev.jspec.plan.HostFacts;
import dev.jspec.plan.Plan;
import dev.jspec.plan.PlanContext;
import dev.jspec.plan.Planner;
import dev.jspec.spec.BundleLoader;
import dev.jspec.spec.ConfigException;
import dev.jspec.spec.Diagnostic;
import dev.jspec.spec.LoadedBundle;
import dev.jspec.sys.JnaSetup;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * What `run` and `create` share: the bundle loaded, checked and planned, the state
 * reserved, the parent's steps run and the init handed its plan. `create` stops where the
 * init waits on the exec FIFO; `run` goes on to the program in the same process.
 */
final class Launch {

    /**
     * Beside jspec's jar: the configs that passed the schema check (see ValidatedConfigs).
     * A cache of this build's work, like the AOT caches, so it lives with the build: the
     * state root holds containers' state only, and nothing of a container (its config's
     * bytes) stays on the host once the container is gone.
     */
    static final String VALIDATED_DIR = "validated-configs";

    private final String id;
    private final Path bundleDir;
    private final int preserveFds;
    private final Path pidFile;
    private final String consoleSocket;
    private final boolean awaitStart;
    private final PrintWriter err;

    private LoadedBundle loaded;
    private Plan plan;
    private ParentExecutor executor;
    private Syscalls sys;
    private int pid;
    /** The host's facts, found once: the early init's prelude and the plan must see the same. */
    private HostFacts host;
    /** The host's facts being found on a thread of their own (see {@link #ahead}). */
    private FutureTask<HostFacts> hostAhead;
    /** The init spawned before the config was read, until the executor takes it over; or null. */
    private ParentExecutor.Early early;
    /** The ID's state directory was reserved (and its exec FIFO made) for the early init. */
    private boolean reserved;
    /** The state root did not exist before the early init's reservation made it. */
    private boolean madeRoot;

    /**
     * @param awaitStart `create`: the init waits for `jspec start` on the exec FIFO
     * @param consoleSocket where the terminal's master goes (runc's --console-socket), or null
     */
    Launch(String id, Path bundleDir, int preserveFds, Path pidFile, String consoleSocket, boolean awaitStart, PrintWriter err) {
        this.id = id;
        this.bundleDir = bundleDir;
        this.preserveFds = preserveFds;
        this.pidFile = pidFile;
        this.consoleSocket = consoleSocket;
        this.awaitStart = awaitStart;
        this.err = err;
    }

    /**
     * Begins, on threads of their own, what the start needs first and a cold JVM takes tens
     * of milliseconds for: JNA's set-up (the early spawn's first call) and the host's facts
     * (the prelude's input; reading them opens the jar's manifest and parses /proc/self/maps).
     * A config seen before needs nothing else ahead (see BundleLoader.BigDecimalAhead). Called by the command as its first act, before
     * its own set-up (run's signal handlers), so that they are under way on the second core
     * meanwhile; {@link #prepare} calls it otherwise. Nothing here changes the host.
     */
    void ahead() {
        if (hostAhead != null) {
            return;
        }
        JnaSetup.inBackground();
        hostAhead = new FutureTask<>(Hosts::current);
        Thread t = new Thread(hostAhead, "jspec-host-facts");
        t.setDaemon(true);
        t.start();
    }

    /** The host's facts that {@link #ahead} began finding; found here again if that failed, so that the failure is this thread's. */
    private HostFacts hostFacts() {
        try {
            return hostAhead.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Thrown again below, where the caller sees it.
        }
        return Hosts.current();
    }

    /**
     * Loads, checks and plans the bundle. The init may already be starting meanwhile (see
     * {@link #startEarly}); when this fails, it is killed and its state removed again, so
     * nothing is left on the host.
     *
     * @return 0, or the exit status to end with after the problem was printed
     */
    int prepare(boolean detached) {
        ahead();
        int status;
        try {
            status = load(detached);
        } catch (RuntimeException | Error e) {
            // Not a problem load() reports (a bug, a host that surprises it): the early init
            // and the reservation must not outlive this process either.
            abandonEarly();
            throw e;
        }
        if (status != ExitCodes.OK) {
            abandonEarly();
        }
        return status;
    }

    /**
     * The start of the init, moved before the config is read (see Planner.prelude): the
     * host's facts awaited before anything is made, the state directory reserved, the
     * prelude's namespaces, read-only binds and spawn (after `create`'s exec FIFO) begun on
     * a thread of their own, the state recorded as "creating" meanwhile. The
     * init JVM boots while this JVM reads, checks and plans the config; the executor then
     * takes it over, or kills it if the plan does not start with those steps. Anything that
     * fails here is left to the ordinary start, which reports it at its own step.
     */
    private void startEarly() {
        if ("0".equals(System.getProperty("jspec.early"))) {
            return;
        }
        // Before anything is made: a failure to find them leaves nothing behind.
        host = hostFacts();
        StateStore store = Main.stateStore();
        madeRoot = !Files.isDirectory(Main.stateRoot);
        try {
            store.reserve(id);
        } catch (IOException e) {
            return;
        }
        reserved = true;
        String fifo = awaitStart ? store.execFifo(id).toString() : null;
        PlanContext ctx = new PlanContext(id, bundleDir.toAbsolutePath().normalize().toString(), host, preserveFds, fifo);
        List<Plan.Entry> prelude = Planner.prelude(ctx, terminalLikely());
        sys = new LinuxSyscalls();
        // The exec FIFO (create) is made on the spawner thread, whose first call waits for
        // JNA's set-up anyway, not here: this thread goes on to read the config meanwhile.
        early = ParentExecutor.early(sys, prelude, ParentExecutor.Stdio.INHERIT, fifo, () -> {
            if (awaitStart) {
                makeExecFifo(store);
            }
        });
        // Recorded while the init is spawned: a jspec killed from here on leaves a state
        // `delete` removes (the init itself ends when its plan pipe closes).
        try {
            store.write(new ContainerState(id, "creating", 0, 0, bundleDir.toAbsolutePath().normalize().toString(), List.of(),
                    List.of(), Map.of()));
        } catch (IOException e) {
            abandonEarly();
        }
    }

    /**
     * The prelude's guess at process.terminal: an engine passes --console-socket exactly
     * when the config asks for a terminal; a person running a terminal config does it from one.
     */
    private boolean terminalLikely() {
        if (consoleSocket != null) {
            return true;
        }
        try {
            String stdin = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return stdin.startsWith("/dev/pts/") || stdin.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** {@link #VALIDATED_DIR} beside the jar jspec runs from; null when it runs from classes (no cache). */
    static Path validatedDir() {
        try {
            Path jar = Path.of(Launch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(jar) ? jar.resolveSibling(VALIDATED_DIR) : null;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private void makeExecFifo(StateStore store) {
        try {
            store.makeExecFifo(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the early init and removes the state reserved for it: the start ends before anything else was made. */
    private void abandonEarly() {
        if (early != null) {
            early.abandon();
            early = null;
        }
        if (reserved) {
            Main.stateStore().remove(id);
            reserved = false;
            if (madeRoot) {
                // Made for this start alone: gone again, unless another start has used it meanwhile.
                try {
                    Files.deleteIfExists(Main.stateRoot);
                } catch (IOException stays) {
                    // Not empty any more: another container's now.
                }
            }
        }
    }

    private int load(boolean detached) {
        if (preserveFds < 0 || preserveFds > 1000) {
            err.println("jspec: --preserve-fds " + preserveFds + " is out of range (0 to 1000)");
            return ExitCodes.USAGE;
        }
        String badId = ContainerId.problem(id);
        if (badId != null) {
            err.println("jspec: " + badId);
            return ExitCodes.START_FAILED;
        }
        startEarly();
        try {
            // A config that passed the schema check before skips building the validator.
            loaded = BundleLoader.loadLenient(bundleDir, validatedDir());
        } catch (ConfigException e) {
            for (Diagnostic d : e.diagnostics()) {
                err.println(d);
            }
            return ExitCodes.CONFIG_ERROR;
        } catch (UncheckedIOException e) {
            // No bundle there, or no config in it: the container never started.
            err.println("jspec: " + e.getMessage());
            return ExitCodes.START_FAILED;
        }
        for (Diagnostic w : loaded.warnings()) {
            err.println(w);
        }
        if (host == null) {
            host = hostFacts();
        }
        String unsupported = Preflight.unsupported(loaded.spec());
        if (unsupported == null) {
            unsupported = Preflight.unsupportedOnThisHost(loaded.spec(), host);
        }
        boolean terminal = loaded.spec().process() != null && loaded.spec().process().terminal();
        if (unsupported == null && detached && terminal && consoleSocket == null) {
            // The terminal's master would live in this process, which is about to go.
            unsupported = "process.terminal is true: a detached container needs --console-socket to hand its terminal to";
        }
        if (unsupported == null && consoleSocket != null && !terminal) {
            unsupported = "--console-socket was given but process.terminal is false";
        }
        if (unsupported != null) {
            err.println("jspec: " + unsupported);
            return ExitCodes.START_FAILED;
        }
        String fifo = awaitStart ? Main.stateStore().execFifo(id).toString() : null;
        plan = Planner.plan(loaded.spec(), new PlanContext(id, loaded.bundleDir().toString(), host, preserveFds, fifo));
        return ExitCodes.OK;
    }

    /**
     * Makes the container: the state reserved and recorded before anything else, the
     * parent's steps, the init; then the program runs (`run`) or the init waits (`create`).
     * On failure everything made is undone and the problem printed.
     *
     * @return 0, or the exit status to end with
     */
    @SuppressWarnings("try") // the lock is held by the try, not used in it
    int start() {
        StateStore store = Main.stateStore();
        if (!reserved) {
            try {
                store.reserve(id);
            } catch (IOException e) {
                err.println("jspec: " + e.getMessage());
                return ExitCodes.START_FAILED;
            }
        }
        // Recorded before any cgroup is made, so that `jspec delete` can clean up even after
        // jspec itself was killed halfway through the start.
        try {
            store.write(state("creating", new InitProcess(0, 0), ParentExecutor.plannedCgroups(plan), Map.of()));
            if (early != null) {
                early.settle(); // its thread may be making the FIFO yet
            }
            if (awaitStart && !Files.exists(store.execFifo(id), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // Not made for an early init (none, or making it failed there: this reports why).
                store.makeExecFifo(id);
            }
        } catch (IOException | SyscallException e) {
            if (early != null) {
                early.abandon();
                early = null;
            }
            reserved = false;
            store.remove(id);
            err.println("jspec: cannot record the container's state: " + e.getMessage());
            return ExitCodes.START_FAILED;
        }
        if (sys == null) {
            sys = new LinuxSyscalls();
        }
        boolean hadEarly = early != null;
        executor = new ParentExecutor(sys, plan, ParentExecutor.Stdio.INHERIT, err::println, early);
        executor.warmCgroupAttach(host);
        early = null;
        if (hadEarly && Main.debug()) {
            int n = executor.stepsRunEarly();
            err.println(n > 0 ? "jspec: debug: steps 1-" + n + " ran before the config was read (the init started early)"
                    : "jspec: debug: the plan does not start with the early init's steps: that init was killed, the plan runs from step 1");
        }
        reserved = false;
        // Held until the start is recorded: a delete or start meanwhile waits for it.
        try (StateStore.Lock lock = store.lock(id)) {
            pid = executor.spawn();
            // The init is this process's unreaped child, so its pid cannot have been reused yet:
            // its start time read now is the one that tells it apart later.
            InitProcess init = InitProcess.of(sys, pid);
            CgroupCleanup owned = executor.cgroups().cleanup();
            Map<String, Long> inodes = executor.cgroups().inodes();
            // The pid file and state exist before the program runs, as runc's create makes them.
            store.write(state("created", init, owned, inodes));
            if (pidFile != null) {
                writePidFile(pidFile, pid);
            }
            ParentExecutor.Outcome outcome = executor.release();
            if (consoleSocket != null) {
                sendTerminal();
            }
            if (outcome == ParentExecutor.Outcome.RUNNING) {
                store.write(state("running", init, owned, inodes));
                LifecycleHooks.run(sys, LifecycleHooks.POSTSTART, loaded.spec(), id, pid, loaded.bundleDir().toString(), err);
            }
            return ExitCodes.OK;
        } catch (StepFailure f) {
            cleanUpFailedStart(store);
            err.println("jspec: " + f.getMessage());
            return f.exitCode();
        } catch (IOException e) {
            executor.rollback();
            cleanUpFailedStart(store);
            err.println("jspec: cannot record the container's state: " + e.getMessage());
            return ExitCodes.START_FAILED;
        } catch (SyscallException e) {
            executor.rollback();
            cleanUpFailedStart(store);
            err.println("jspec: " + e.getMessage());
            return ExitCodes.START_FAILED;
        } catch (RuntimeException e) {
            executor.rollback();
            cleanUpFailedStart(store);
            throw e;
        }
    }

    /** The terminal's master to the caller's socket, as runc hands it to conmon or the containerd shim. */
    private void sendTerminal() {
        int master = executor.ptyMaster();
        int socket = sys.connectUnix(consoleSocket);
        try {
            sys.sendFd(socket, master, "/dev/ptmx".getBytes(StandardCharsets.US_ASCII));
        } finally {
            sys.close(socket);
            sys.close(master);
        }
    }

    /** The poststop hooks, once the container is gone (the end of `run`). */
    void poststop() {
        LifecycleHooks.run(sys, LifecycleHooks.POSTSTOP, loaded.spec(), id, 0, loaded.bundleDir().toString(), err);
    }

    ParentExecutor executor() {
        return executor;
    }

    Syscalls sys() {
        return sys;
    }

    int pid() {
        return pid;
    }

    /** Written whole or not at all: a reader (conmon, the shim) never sees half a pid. */
    static void writePidFile(Path file, int pid) throws IOException {
        Path abs = file.toAbsolutePath();
        // The temporary name is created exclusively (O_EXCL, which follows no link): whoever
        // can write in the pid file's directory could have planted a link at that name to
        // make jspec write through it. What is there already (a leftover, a planted link) is
        // removed, not followed; rename(2) then replaces the pid file itself, never a target.
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + dev.jspec.util.TempFiles.pid() + ".jspec-tmp");
        Files.deleteIfExists(tmp);
        try (var out = Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(java.nio.ByteBuffer.wrap(Integer.toString(pid).getBytes(StandardCharsets.US_ASCII)));
        }
        try {
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private ContainerState state(String status, InitProcess init, CgroupCleanup cgroups, Map<String, Long> inodes) {
        return new ContainerState(id, status, init.pid(), init.startTime(), loaded.bundleDir().toString(),
                cgroups.containerDirs(), cgroups.parentDirs(), inodes);
    }

    /** After the rollback of what the start made: its state, its pid file, then the poststop hooks (runtime.md, lifecycle step 13). */
    private void cleanUpFailedStart(StateStore store) {
        store.remove(id);
        poststop();
        if (pidFile != null) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // Nothing more to do about it.
            }
        }
    }
}
