package dev.jspec.cli;

import dev.jspec.cgroup.CgroupManager;
import dev.jspec.lifecycle.ContainerId;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.sys.LinuxSyscalls;
import java.io.IOException;
import java.io.PrintWriter;

/** Looking up a container by ID for the lifecycle commands, with its live status. */
final class Containers {

    private Containers() {}

    /** Whether {@code id} is a container ID; otherwise says why on {@code err}. Every command checks before it makes a path of the ID. */
    static boolean validId(String id, PrintWriter err) {
        String problem = ContainerId.problem(id);
        if (problem != null) {
            err.println("jspec: " + problem);
            return false;
        }
        return true;
    }

    /** The container's state, or null (after telling the user on {@code err}) when there is none or it cannot be read. */
    static ContainerState find(String id, PrintWriter err) {
        if (!validId(id, err)) {
            return null;
        }
        try {
            ContainerState state = Main.stateStore().read(id);
            if (state == null) {
                err.println("jspec: container \"" + id + "\" does not exist");
            }
            return state;
        } catch (IOException | RuntimeException e) {
            err.println("jspec: cannot read the state of \"" + id + "\": " + e.getMessage());
            return null;
        }
    }

    /**
     * The recorded status, corrected to "stopped" when the init is gone: exited, or its pid
     * now names another process (the start time differs), and to "paused" while the
     * container's cgroup is frozen (read from the freezer each time, as runc does: pausing
     * is not recorded, so nothing can leave a stale "paused" behind).
     */
    static String liveStatus(ContainerState state) {
        if (!alive(state)) {
            return "stopped";
        }
        return CgroupManager.paused(state.cgroups(), state.cgroupInodes()) ? "paused" : state.status();
    }

    /**
     * The container's cgroups as its state records them. Only the directories that are
     * provably still its own (the inode it recorded) are the manager's to list, signal,
     * freeze, limit or empty.
     */
    static CgroupManager cgroups(ContainerState state) {
        return CgroupManager.forContainer(new LinuxSyscalls(), state.cgroups(), state.parentCgroups(), state.cgroupInodes());
    }

    /** Read through Java's file API: looking needs no JNA (see {@link dev.jspec.lifecycle.InitProcess#alive()}). */
    static boolean alive(ContainerState state) {
        return state.init().alive();
    }
}
