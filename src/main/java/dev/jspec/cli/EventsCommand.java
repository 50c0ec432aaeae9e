package dev.jspec.cli;

import dev.jspec.cgroup.CgroupManager;
import dev.jspec.cgroup.CgroupStats;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.util.ExitCodes;
import dev.jspec.util.Json;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * runc's {@code events}: JSON events, one per line, in runc's shape ({@code types/events.go}).
 * With {@code --stats}, one stats event read from the container's cgroups. Without it, a
 * stream: a stats event every {@code --interval} (5s by default) and an
 * {@code {"type":"oom","id":...}} event each time the OOM killer acts in the container's
 * memory cgroup (its {@code oom_kill} counter grows; it is looked at every 100 ms), until the
 * container stops.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Print a container's statistics (every --interval) and OOM events as JSON lines until it stops; --stats prints them once.")
final class EventsCommand implements Callable<Integer> {

    /** How often the OOM counter and the container's liveness are looked at. */
    private static final long POLL_MS = 100;

    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--stats", description = "Print the statistics once and exit.")
    boolean stats;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "5s",
            description = "Time between stats events, as Go writes durations: 5s, 500ms, 1m30s (default: ${DEFAULT-VALUE}).")
    String interval;

    @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
    String id;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration every;
        try {
            every = goDuration(interval);
        } catch (IllegalArgumentException e) {
            throw GlobalOptions.Invalid.usage(spec.commandLine(), "invalid --interval: " + e.getMessage());
        }
        if (every.isZero() || every.isNegative()) {
            throw GlobalOptions.Invalid.usage(spec.commandLine(), "--interval must be greater than 0");
        }
        ContainerState s = Containers.find(id, err);
        if (s == null) {
            return ExitCodes.FAILURE;
        }
        if (Containers.liveStatus(s).equals("stopped")) {
            // Its cgroups may be gone or reused; runc refuses the same way.
            err.println("jspec: container \"" + id + "\" is not running");
            return ExitCodes.FAILURE;
        }
        CgroupManager cgroups = Containers.cgroups(s);
        if (stats) {
            printStats(out, s, cgroups);
            return ExitCodes.OK;
        }
        long ooms = Math.max(0, cgroups.oomKills());
        long nextStats = System.nanoTime() + every.toNanos();
        while (Containers.alive(s)) {
            long now = cgroups.oomKills();
            if (now > ooms) {
                // One event per kill, as runc sends one per notification.
                for (long i = ooms; i < now; i++) {
                    out.println("{\"type\":\"oom\",\"id\":" + Json.quote(s.id()) + "}");
                }
                out.flush();
                ooms = now;
            }
            if (System.nanoTime() - nextStats >= 0) {
                printStats(out, s, cgroups);
                nextStats += every.toNanos();
            }
            Thread.sleep(Math.min(POLL_MS, Math.max(1, (nextStats - System.nanoTime()) / 1_000_000)));
        }
        // The last kill may have been what stopped it.
        long last = cgroups.oomKills();
        for (long i = ooms; i < last; i++) {
            out.println("{\"type\":\"oom\",\"id\":" + Json.quote(s.id()) + "}");
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void printStats(PrintWriter out, ContainerState s, CgroupManager cgroups) {
        CgroupStats.Stats data = cgroups.stats();
        out.println("{\"type\":\"stats\",\"id\":" + Json.quote(s.id()) + ",\"data\":" + CgroupStats.toJson(data) + "}");
        out.flush();
    }

    private static final Pattern PART = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    /** A duration as Go's time.ParseDuration reads it: a sequence of decimal numbers with units, such as 1h2m0.5s; "0" alone is zero. */
    static Duration goDuration(String text) {
        String s = text;
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration");
        }
        Matcher m = PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("\"" + text + "\" is not a duration (a number with a unit: ns, us, ms, s, m, h)");
            }
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
            at = m.end();
        }
        Duration d = Duration.ofNanos(nanos.longValue());
        return negative ? d.negated() : d;
    }
}
