package dev.jspec.cli;

import dev.jspec.lifecycle.ContainerState;
import dev.jspec.sys.Errno;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.SyscallException;
import dev.jspec.util.ExitCodes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * runc's {@code kill}: a signal to the container's init, or with {@code --all} to every
 * process in the container's cgroups. A created container (its init waiting for
 * {@code start}) is signalled like a running one.
 */
@Command(name = "kill", mixinStandardHelpOptions = true,
        description = "Send a signal (default TERM) to a container's init process, or with --all to every process in its cgroups.")
final class KillCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    GlobalOptions global;

    @Option(names = {"-a", "--all"}, description = "Signal every process in the container's cgroups, not only its init.")
    boolean all;

    @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
    String id;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SIGNAL", defaultValue = "TERM",
            description = "A signal name (TERM, SIGKILL) or number (default: ${DEFAULT-VALUE}).")
    String signal;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = Main.err();
        int number = Signals.number(signal);
        if (number < 0) {
            err.println("jspec: unknown signal \"" + signal + "\"");
            return ExitCodes.USAGE;
        }
        ContainerState s = Containers.find(id, err);
        if (s == null) {
            return ExitCodes.FAILURE;
        }
        if (all) {
            return KillAll.signal(s, number, err);
        }
        try {
            // Through a pidfd, after the start time is checked: never a process that merely reuses the pid.
            if (!s.init().signal(new LinuxSyscalls(), number)) {
                err.println("jspec: container \"" + id + "\" is not running");
                return ExitCodes.FAILURE;
            }
            return ExitCodes.OK;
        } catch (SyscallException e) {
            err.println("jspec: " + e.call() + ": " + Errno.describe(e.errno()));
            return ExitCodes.FAILURE;
        }
    }
}
