package dev.jspec.cli;

import dev.jspec.util.ExitCodes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = {
            "Create a container: everything up to, not including, its program, which `jspec start ID` runs.",
            "",
            "The container's init waits on the exec FIFO in the state directory; create returns once the",
            "container is `created`. The init is this process's child: when create exits it goes to the",
            "caller's subreaper (conmon, the containerd shim), as runc's does."
        })
final class CreateCommand implements Callable<Integer> {

    @CommandLine.Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
    String id;

    @Option(names = {"-b", "--bundle"}, paramLabel = "DIR", description = "The bundle directory (default: the current directory).")
    Path bundle;

    @Option(names = "--pid-file", paramLabel = "FILE", description = "Write the init's process ID to FILE (atomically).")
    Path pidFile;

    @Option(names = "--console-socket", paramLabel = "SOCKET",
            description = "With process.terminal: send the terminal's master to this unix socket (SCM_RIGHTS).")
    String consoleSocket;

    @Option(names = "--preserve-fds", paramLabel = "N",
            description = "Pass N more descriptors to the program: jspec's own 3 to 3+N-1, as they are (default 0).")
    int preserveFds;

    @Option(names = "--no-pivot", description = "Accepted for runc's callers; jspec always uses pivot_root.")
    boolean noPivot;

    @Option(names = "--no-new-keyring", description = "Accepted for runc's callers; jspec makes no session keyring.")
    boolean noNewKeyring;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = Main.err();
        Launch launch = new Launch(id, bundle != null ? bundle : Path.of("."), preserveFds, pidFile, consoleSocket, true, err);
        int prepared = launch.prepare(true);
        if (prepared != ExitCodes.OK) {
            return prepared;
        }
        return launch.start();
    }
}
