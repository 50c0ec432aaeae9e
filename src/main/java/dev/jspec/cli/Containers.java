package dev.jspec.cli;

import dev.jspec.exec.LinuxSyscalls;
import dev.jspec.exec.SyscallException;
import dev.jspec.exec.Syscalls;
import dev.jspec.lifecycle.ContainerState;
import java.io.IOException;

/** Looking up a container by ID for the lifecycle commands, with its live status. */
final class Containers {

    private Containers() {}

    /** The container's state, or null (after telling the user) when there is none. */
    static ContainerState find(String id) {
        try {
            ContainerState state = Main.stateStore().read(id);
            if (state == null) {
                System.err.println("jspec: container \"" + id + "\" does not exist");
            }
            return state;
        } catch (IOException | RuntimeException e) {
            System.err.println("jspec: cannot read the state of \"" + id + "\": " + e.getMessage());
            return null;
        }
    }

    /** The recorded status, corrected to "stopped" when the init process is gone. */
    static String liveStatus(ContainerState state) {
        return alive(state.pid()) ? state.status() : "stopped";
    }

    static boolean alive(int pid) {
        if (pid <= 0) {
            return false;
        }
        try {
            Syscalls sys = new LinuxSyscalls();
            sys.kill(pid, 0);
            // A zombie still answers kill(0); it is stopped all the same.
            String stat = sys.readFile("/proc/" + pid + "/stat");
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (SyscallException e) {
            return false;
        }
    }
}
