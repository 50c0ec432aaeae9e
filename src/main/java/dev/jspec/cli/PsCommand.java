package dev.jspec.cli;

import dev.jspec.cgroup.CgroupManager;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.util.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * runc's {@code ps}: the processes in the container's cgroups. {@code --format json} prints
 * their host pids as a JSON array; the table is the host's {@code ps} (with the arguments
 * after the ID, {@code -ef} when there are none) cut down to its header and the lines whose
 * PID column is one of them.
 */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = "List the processes running in a container (the host's ps, or --format json for their pids).")
final class PsCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    String format;

    @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
    String id;

    @Parameters(index = "1..*", paramLabel = "PS-ARGS", description = "Arguments for ps (default: -ef).")
    List<String> psArgs = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!format.equals("table") && !format.equals("json")) {
            throw GlobalOptions.Invalid.usage(spec.commandLine(), "invalid --format \"" + format + "\": use table or json");
        }
        ContainerState s = Containers.find(id, err);
        if (s == null) {
            return ExitCodes.FAILURE;
        }
        CgroupManager cgroups = Containers.cgroups(s);
        if (cgroups.dirs().isEmpty()) {
            err.println("jspec: container \"" + id + "\" has no cgroup of its own to list (" + Containers.liveStatus(s) + ")");
            return ExitCodes.FAILURE;
        }
        List<Integer> pids = cgroups.pids();
        if (format.equals("json")) {
            out.println(jsonArray(pids));
            out.flush();
            return ExitCodes.OK;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("ps");
        cmd.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
        Process ps;
        try {
            ps = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            err.println("jspec: cannot run ps: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        String output = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = ps.waitFor();
        if (status != 0) {
            err.println("jspec: " + String.join(" ", cmd) + " exited with status " + status + ": " + output.strip().replace('\n', ' '));
            return ExitCodes.FAILURE;
        }
        String filtered = filter(output, pids);
        if (filtered == null) {
            err.println("jspec: " + String.join(" ", cmd) + " printed no PID column");
            return ExitCodes.FAILURE;
        }
        out.print(filtered);
        out.flush();
        return ExitCodes.OK;
    }

    /** The header line and the lines whose PID column is one of {@code pids}; null when the header has no PID column. */
    static String filter(String psOutput, List<Integer> pids) {
        String[] lines = psOutput.split("\n");
        if (lines.length == 0) {
            return null;
        }
        int column = List.of(lines[0].trim().split("\\s+")).indexOf("PID");
        if (column < 0) {
            return null;
        }
        Set<String> wanted = new HashSet<>();
        for (int pid : pids) {
            wanted.add(Integer.toString(pid));
        }
        StringBuilder b = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].trim().split("\\s+");
            if (fields.length > column && wanted.contains(fields[column])) {
                b.append(lines[i]).append('\n');
            }
        }
        return b.toString();
    }

    static String jsonArray(List<Integer> pids) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < pids.size(); i++) {
            b.append(i == 0 ? "" : ",").append(pids.get(i));
        }
        return b.append(']').toString();
    }
}
