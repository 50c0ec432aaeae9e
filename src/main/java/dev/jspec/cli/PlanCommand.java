package dev.jspec.cli;

import dev.jspec.lifecycle.ContainerId;
import dev.jspec.plan.HostFacts;
import dev.jspec.plan.PlanCodec;
import dev.jspec.plan.PlanContext;
import dev.jspec.plan.PlanText;
import dev.jspec.plan.Planner;
import dev.jspec.spec.BundleLoader;
import dev.jspec.spec.ConfigException;
import dev.jspec.spec.Diagnostic;
import dev.jspec.spec.LoadedBundle;
import dev.jspec.util.ExitCodes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jspec plan BUNDLE}: every step a start would take, printed and not run. */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = "Print the system calls jspec would make to start the bundle's container, in order, without running any.")
final class PlanCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    GlobalOptions global;

    enum Format { text, json }

    @Parameters(index = "0", paramLabel = "BUNDLE", defaultValue = ".", description = "The bundle directory (default: the current one).")
    Path bundle;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (numbered steps, the default) or json (the plan as the init receives it).")
    Format format;

    @Option(names = "--id", paramLabel = "ID", description = "The container ID (default: the bundle directory's name).")
    String id;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        LoadedBundle loaded;
        try {
            loaded = BundleLoader.loadLenient(bundle);
        } catch (ConfigException e) {
            if (e.diagnostics().isEmpty()) {
                err.println("jspec: " + e.getMessage());
            }
            for (Diagnostic d : e.diagnostics()) {
                err.println(d);
            }
            return ExitCodes.CONFIG_ERROR;
        }
        for (Diagnostic w : loaded.warnings()) {
            err.println(w);
        }
        Path dir = loaded.bundleDir().toAbsolutePath().normalize();
        String containerId = id != null ? id : dir.getFileName() == null ? "jspec" : dir.getFileName().toString();
        String badId = ContainerId.problem(containerId);
        if (badId != null) {
            // The ID names the cgroup in the plan, as in a run, which refuses it the same way.
            err.println("jspec: " + badId);
            return ExitCodes.FAILURE;
        }
        HostFacts host = Hosts.current();
        Planner.Planned planned = Planner.planWithNotes(loaded.spec(), new PlanContext(containerId, dir.toString(), host));
        if (format == Format.json) {
            out.print(PlanCodec.toJson(planned.plan()));
        } else {
            out.println("jspec plan for bundle " + bundle + " (id " + containerId + "), cgroups: " + PlanText.cgroupLayout(host));
            out.print(PlanText.render(planned.plan(), planned.notes()));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
