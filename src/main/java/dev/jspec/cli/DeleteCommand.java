package dev.jspec.cli;

import dev.jspec.exec.CgroupCleanup;
import dev.jspec.exec.CgroupRemoval;
import dev.jspec.exec.LinuxSyscalls;
import dev.jspec.exec.SyscallException;
import dev.jspec.exec.Syscalls;
import dev.jspec.lifecycle.ContainerState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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

    @Override
    public Integer call() throws InterruptedException {
        if (!Main.stateStore().exists(id)) {
            System.err.println("jspec: container \"" + id + "\" does not exist");
            return ExitCodes.FAILURE;
        }
        ContainerState s = Containers.find(id);
        Syscalls sys = new LinuxSyscalls();
        if (s != null && Containers.alive(s.pid())) {
            if (!force) {
                System.err.println("jspec: container \"" + id + "\" is running; stop it first or use --force");
                return ExitCodes.FAILURE;
            }
            try {
                sys.kill(s.pid(), SIGKILL);
            } catch (SyscallException ignored) {
                // Gone meanwhile.
            }
            for (int i = 0; i < 200 && Containers.alive(s.pid()); i++) {
                Thread.sleep(5);
            }
        }
        if (s != null) {
            CgroupRemoval.remove(sys, new CgroupCleanup(s.cgroups(), s.parentCgroups()));
        }
        Main.stateStore().remove(id);
        return ExitCodes.OK;
    }
}
