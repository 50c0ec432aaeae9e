package dev.jspec.cli;

import dev.jspec.cgroup.CgroupStats;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.plan.PlanCodec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * runc's {@code events --stats}: one stats event, read from the container's cgroups, in
 * runc's JSON shape ({@code types/events.go}) so that tools written for runc read it.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Print a container's cpu, memory, pids and block I/O statistics from its cgroups, as `runc events --stats` does (JSON).")
final class EventsCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--stats", description = "Print the statistics once and exit.")
    boolean stats;

    @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
    String id;

    @Override
    public Integer call() {
        if (!stats) {
            // runc's default streams an event every --interval and on OOM; jspec has no event loop yet.
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "only --stats is supported: jspec does not stream events (runc's --interval, OOM notices) yet");
        }
        ContainerState s = Containers.find(id, spec.commandLine().getErr());
        if (s == null) {
            return ExitCodes.FAILURE;
        }
        if (Containers.liveStatus(s).equals("stopped")) {
            // Its cgroups may be gone or reused; runc refuses the same way.
            spec.commandLine().getErr().println("jspec: container \"" + id + "\" is not running");
            return ExitCodes.FAILURE;
        }
        CgroupStats.Stats data = CgroupStats.read(s.cgroups().stream().map(Path::of).toList());
        spec.commandLine().getOut().println("{\"type\":\"stats\",\"id\":" + PlanCodec.quote(s.id())
                + ",\"data\":" + CgroupStats.toJson(data) + "}");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
