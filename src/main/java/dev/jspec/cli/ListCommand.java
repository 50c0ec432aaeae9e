package dev.jspec.cli;

import dev.jspec.lifecycle.ContainerState;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List containers.")
final class ListCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    GlobalOptions global;

    @Option(names = {"-q", "--quiet"}, description = "Print only the IDs.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!quiet) {
            out.printf("%-24s %-8s %-10s %s%n", "ID", "PID", "STATUS", "BUNDLE");
        }
        for (String id : Main.stateStore().ids()) {
            ContainerState s;
            try {
                s = Main.stateStore().read(id);
            } catch (IOException e) {
                // As runc does: one container's bad state does not hide the others.
                err.println("jspec: skipping container \"" + id + "\": " + e.getMessage());
                continue;
            }
            if (quiet) {
                out.println(id);
            } else if (s == null) {
                out.printf("%-24s %-8s %-10s %s%n", id, "-", "creating", "-");
            } else {
                String status = Containers.liveStatus(s);
                out.printf("%-24s %-8d %-10s %s%n", id, status.equals("stopped") ? 0 : s.pid(), status, s.bundle());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
