package dev.jspec.cli;

import dev.jspec.util.ExitCodes;
import dev.jspec.cgroup.CgroupProcesses;
import dev.jspec.cgroup.Freezer;
import dev.jspec.sys.Errno;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import dev.jspec.lifecycle.ContainerState;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * {@code kill --all}: the signal to every process in the container's own cgroups. While it
 * is sent the cgroup is frozen where a freezer exists, as runc does, so that no process forks
 * a child that the list read a moment earlier misses; a paused container stays paused.
 */
final class KillAll {

    private KillAll() {}

    static int signal(ContainerState s, int signal, PrintWriter err) throws InterruptedException {
        List<String> dirs = Containers.ownCgroups(s);
        String freezer = Freezer.dir(dirs);
        boolean wasFrozen = freezer != null && Freezer.frozen(freezer);
        boolean froze = false;
        if (freezer != null && !wasFrozen) {
            try {
                Freezer.freeze(freezer);
                froze = true;
            } catch (IOException e) {
                // Signal without the freeze: a child forked meanwhile may be missed, nothing worse.
                err.println("jspec: warning: cannot freeze \"" + s.id() + "\" while signalling: " + e.getMessage());
            }
        }
        try {
            Syscalls sys = new LinuxSyscalls();
            for (int pid : CgroupProcesses.pids(dirs)) {
                send(sys, pid, signal);
            }
        } catch (SyscallException e) {
            err.println("jspec: " + e.call() + ": " + Errno.describe(e.errno()));
            return ExitCodes.FAILURE;
        } finally {
            if (froze) {
                try {
                    Freezer.thaw(freezer);
                } catch (IOException e) {
                    err.println("jspec: cannot thaw \"" + s.id() + "\" after signalling: " + e.getMessage()
                            + "; `jspec resume " + s.id() + "` retries");
                }
            }
        }
        // As runc: with --all, a container with nothing left to signal is no error.
        return ExitCodes.OK;
    }

    /** Through a pidfd, so that a pid that has exited and been reused meanwhile is not reached by a later send. */
    private static void send(Syscalls sys, int pid, int signal) {
        int pidfd;
        try {
            pidfd = sys.pidfdOpen(pid);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ESRCH) {
                return;
            }
            throw e;
        }
        try {
            sys.pidfdSendSignal(pidfd, signal);
        } catch (SyscallException e) {
            if (e.errno() != Errno.ESRCH) {
                throw e;
            }
        } finally {
            sys.close(pidfd);
        }
    }
}
