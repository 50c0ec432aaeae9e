package dev.jspec.cli;

import dev.jspec.lifecycle.ContainerState;
import dev.jspec.util.ExitCodes;
import dev.jspec.util.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Print a container's state as the OCI runtime-spec defines it (JSON).")
final class StateCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
    String id;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ContainerState s = Containers.find(id, Main.err());
        if (s == null) {
            return ExitCodes.FAILURE;
        }
        String status = Containers.liveStatus(s);
        Main.out().println("{\n  \"ociVersion\": " + Json.quote(ContainerState.OCI_VERSION)
                + ",\n  \"id\": " + Json.quote(s.id())
                + ",\n  \"status\": " + Json.quote(status)
                + ",\n  \"pid\": " + (status.equals("stopped") ? 0 : s.pid())
                + ",\n  \"bundle\": " + Json.quote(s.bundle())
                + ",\n  \"annotations\": {}\n}");
        return ExitCodes.OK;
    }
}
