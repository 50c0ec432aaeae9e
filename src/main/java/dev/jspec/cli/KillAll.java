package dev.jspec.cli;

import dev.jspec.lifecycle.ContainerState;
import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import dev.jspec.util.ExitCodes;
import java.io.PrintWriter;

/**
 * {@code kill --all}: the signal to every process in the container's own cgroups, frozen
 * meanwhile (see {@link dev.jspec.cgroup.CgroupManager#signalAll}).
 */
final class KillAll {

    private KillAll() {}

    static int signal(ContainerState s, int signal, PrintWriter err) throws InterruptedException {
        try {
            Containers.cgroups(s).signalAll(signal,
                    e -> err.println("jspec: warning: cannot freeze \"" + s.id() + "\" while signalling: " + e.getMessage()),
                    e -> err.println("jspec: cannot thaw \"" + s.id() + "\" after signalling: " + e.getMessage()
                            + "; `jspec resume " + s.id() + "` retries"));
        } catch (SyscallException e) {
            err.println("jspec: " + e.call() + ": " + Errno.describe(e.errno()));
            return ExitCodes.FAILURE;
        }
        // As runc: with --all, a container with nothing left to signal is no error.
        return ExitCodes.OK;
    }
}
