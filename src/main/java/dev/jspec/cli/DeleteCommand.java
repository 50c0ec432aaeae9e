package dev.jspec.cli;

import dev.jspec.cgroup.CgroupManager;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.lifecycle.StateStore;
import dev.jspec.sys.Errno;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Removes a container: its init (with --force), the cgroup directories it made, its state.
 * It kills only what it can prove is the container's: the init by its pid and start time,
 * and the processes in a cgroup directory only when that is the directory this container
 * made (its recorded inode).
 */
@Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true,
        description = "Remove a stopped container's cgroups and state (--force: kill it first).")
final class DeleteCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    GlobalOptions global;

    private static final int SIGKILL = 9;

    @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
    String id;

    @Option(names = {"-f", "--force"}, description = "Kill the container if it still runs.")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @SuppressWarnings("try") // the lock is held by the try, not used in it
    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = Main.err();
        if (!Containers.validId(id, err)) {
            return ExitCodes.FAILURE;
        }
        StateStore store = Main.stateStore();
        try (StateStore.Lock lock = store.lock(id)) {
            return delete(store, err);
        }
    }

    private int delete(StateStore store, PrintWriter err) throws InterruptedException {
        if (!store.exists(id)) {
            err.println("jspec: container \"" + id + "\" does not exist");
            return ExitCodes.FAILURE;
        }
        ContainerState s;
        try {
            s = store.read(id);
        } catch (IOException e) {
            if (!force) {
                err.println("jspec: cannot read the state of \"" + id + "\": " + e.getMessage()
                        + "; `jspec delete --force " + id + "` removes the state (its cgroups, if any, stay)");
                return ExitCodes.FAILURE;
            }
            err.println("jspec: the state of \"" + id + "\" is unreadable (" + e.getMessage()
                    + "); removing it, nothing else (its cgroups, if any, stay)");
            store.remove(id);
            return ExitCodes.OK;
        }
        if (s == null) {
            // Reserved by a start that stopped before it recorded anything: nothing was made.
            store.remove(id);
            return ExitCodes.OK;
        }
        // The system-call seam (JNA) is set up only for what needs it: a signal, a cgroup
        // that stays busy, or one the kernel refuses to remove; a stopped container's
        // directories and its empty parents go by rmdir through Java's file API.
        Seam seam = new Seam();
        if (s.init().alive()) {
            // A created container's init only waits for start: delete ends it, as runc's does.
            if (!force && !s.status().equals("created")) {
                err.println("jspec: container \"" + id + "\" is running; stop it first or use --force");
                return ExitCodes.FAILURE;
            }
            Syscalls sys = seam.get();
            try {
                s.init().signal(sys, SIGKILL);
            } catch (SyscallException e) {
                err.println("jspec: " + e.call() + ": " + Errno.describe(e.errno()));
                return ExitCodes.FAILURE;
            }
            for (int i = 0; i < 200 && s.init().alive(sys); i++) {
                Thread.sleep(5);
            }
        }
        CgroupManager cgroups = CgroupManager.forContainer(seam, s.cgroups(), s.parentCgroups(), s.cgroupInodes());
        if (!cgroups.foreign().isEmpty()) {
            err.println("jspec: left alone, no longer the cgroups \"" + id + "\" made (another container's now): "
                    + String.join(", ", cgroups.foreign()));
        }
        List<String> busy = cgroups.unprovenHoldingProcesses();
        if (!busy.isEmpty()) {
            err.println("jspec: left alone, holding processes but not provably the cgroups \"" + id
                    + "\" made (its start stopped before recording them): " + String.join(", ", busy));
        }
        // Directories not proven the container's go with its parents: removed only when nothing is in them.
        cgroups.remove(err::println);
        store.remove(id);
        LifecycleHooks.runFromBundle(seam, LifecycleHooks.POSTSTOP, id, 0, s.bundle(), err);
        return ExitCodes.OK;
    }

    /** One {@link LinuxSyscalls} for the command, made at its first use. */
    private static final class Seam implements java.util.function.Supplier<Syscalls> {
        private Syscalls sys;

        @Override
        public Syscalls get() {
            if (sys == null) {
                sys = new LinuxSyscalls();
            }
            return sys;
        }
    }
}
