package dev.jspec.cli;

import dev.jspec.cgroup.CgroupManager;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.util.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code pause} and {@code resume}: every process of the container stopped or let go at
 * once through its freezer cgroup. The status "paused" is not recorded but read from the
 * freezer ({@link Containers#liveStatus}), so {@code state} and {@code list} show it.
 */
final class PauseCommand {

    private PauseCommand() {}

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Suspend every process of a running (or created) container: its cgroup is frozen.")
    static final class Pause implements Callable<Integer> {
        @Mixin
        GlobalOptions global;

        @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
        String id;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            return change(spec.commandLine().getErr(), id, true);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Let the processes of a paused container run again.")
    static final class Resume implements Callable<Integer> {
        @Mixin
        GlobalOptions global;

        @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
        String id;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            return change(spec.commandLine().getErr(), id, false);
        }
    }

    @SuppressWarnings("try") // the lock is held by the try, not used in it
    static int change(PrintWriter err, String id, boolean pause) throws InterruptedException {
        if (!Containers.validId(id, err)) {
            return ExitCodes.FAILURE;
        }
        try (dev.jspec.lifecycle.StateStore.Lock lock = Main.stateStore().lock(id)) {
            return changeLocked(err, id, pause);
        }
    }

    private static int changeLocked(PrintWriter err, String id, boolean pause) throws InterruptedException {
        ContainerState s = Containers.find(id, err);
        if (s == null) {
            return ExitCodes.FAILURE;
        }
        String status = Containers.liveStatus(s);
        if (pause && !status.equals("running") && !status.equals("created")) {
            err.println("jspec: container \"" + id + "\" is " + (status.equals("paused") ? "already paused" : "not running (" + status + ")"));
            return ExitCodes.FAILURE;
        }
        if (!pause && !status.equals("paused")) {
            err.println("jspec: container \"" + id + "\" is not paused (" + status + ")");
            return ExitCodes.FAILURE;
        }
        CgroupManager cgroups = Containers.cgroups(s);
        if (!cgroups.canFreeze()) {
            err.println("jspec: container \"" + id + "\" has no freezer: no v1 freezer hierarchy and no cgroup v2 directory of its own");
            return ExitCodes.FAILURE;
        }
        try {
            if (pause) {
                cgroups.freeze();
            } else {
                cgroups.thaw();
            }
            return ExitCodes.OK;
        } catch (IOException e) {
            err.println("jspec: " + (pause ? "pause" : "resume") + " \"" + id + "\": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }
}
