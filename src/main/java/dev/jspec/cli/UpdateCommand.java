package dev.jspec.cli;

import dev.jspec.cgroup.CgroupLayoutProbe;
import dev.jspec.cgroup.CgroupManager;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.spec.ConfigException;
import dev.jspec.spec.Diagnostic;
import dev.jspec.spec.ResourcesReader;
import dev.jspec.spec.Spec;
import dev.jspec.util.ExitCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * runc's {@code update}: new cgroup limits for a running (or created, or paused) container,
 * from flags or from an OCI {@code linux.resources} object ({@code --resources FILE}, or
 * {@code -} for standard input, as podman sends it). Only the values given change; jspec
 * records no resources in the state, so nothing else is rewritten.
 */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Change a container's cgroup limits (memory, cpu, cpuset, pids, blkio weight).")
final class UpdateCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
    String id;

    @Option(names = {"-r", "--resources"}, paramLabel = "FILE",
            description = "An OCI linux.resources JSON object (- for standard input); no other limit flag with it.")
    String resources;

    @Option(names = "--memory", paramLabel = "BYTES", description = "Memory limit (bytes, or 512m, 1g; -1 for none).")
    String memory;

    @Option(names = "--memory-swap", paramLabel = "BYTES", description = "Memory plus swap limit (-1 for unlimited swap).")
    String memorySwap;

    @Option(names = "--memory-reservation", paramLabel = "BYTES", description = "Memory soft limit.")
    String memoryReservation;

    @Option(names = "--kernel-memory", paramLabel = "BYTES", hidden = true)
    String kernelMemory;

    @Option(names = "--kernel-memory-tcp", paramLabel = "BYTES", hidden = true)
    String kernelMemoryTcp;

    @Option(names = {"--cpu-shares", "--cpu-share"}, paramLabel = "N", description = "CPU shares (relative weight).")
    Long cpuShares;

    @Option(names = "--cpu-quota", paramLabel = "USECS", description = "CFS quota per period (-1 for none).")
    Long cpuQuota;

    @Option(names = "--cpu-period", paramLabel = "USECS", description = "CFS period.")
    Long cpuPeriod;

    @Option(names = "--cpu-burst", paramLabel = "USECS", description = "CFS burst.")
    Long cpuBurst;

    @Option(names = "--cpu-rt-period", paramLabel = "USECS", description = "Realtime period (v1 only).")
    Long cpuRtPeriod;

    @Option(names = "--cpu-rt-runtime", paramLabel = "USECS", description = "Realtime runtime (v1 only).")
    Long cpuRtRuntime;

    @Option(names = "--cpu-idle", paramLabel = "0|1", description = "SCHED_IDLE for the cgroup.")
    Long cpuIdle;

    @Option(names = "--cpuset-cpus", paramLabel = "LIST", description = "CPUs to run on (0-3,5).")
    String cpusetCpus;

    @Option(names = "--cpuset-mems", paramLabel = "LIST", description = "Memory nodes to use.")
    String cpusetMems;

    @Option(names = "--pids-limit", paramLabel = "N", description = "Maximum number of processes (0 or -1 for none).")
    Long pidsLimit;

    @Option(names = "--blkio-weight", paramLabel = "N", description = "Block I/O weight, 10 to 1000.")
    Integer blkioWeight;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (kernelMemory != null || kernelMemoryTcp != null) {
            err.println("jspec: --kernel-memory and --kernel-memory-tcp are refused: kernel memory limits are gone from "
                    + "recent kernels (runc ignores them too); leave them out");
            return ExitCodes.USAGE;
        }
        Spec.Resources r;
        if (resources != null) {
            if (anyFlag()) {
                throw GlobalOptions.Invalid.usage(spec.commandLine(),
                        "--resources takes every value from its JSON; give no other limit flag with it");
            }
            try {
                r = ResourcesReader.read(readAll(resources), resources);
            } catch (ConfigException e) {
                for (Diagnostic d : e.diagnostics()) {
                    err.println(d);
                }
                return ExitCodes.CONFIG_ERROR;
            } catch (IOException e) {
                err.println("jspec: --resources " + resources + ": " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        } else {
            try {
                r = fromFlags();
            } catch (IllegalArgumentException e) {
                throw GlobalOptions.Invalid.usage(spec.commandLine(), e.getMessage());
            }
        }
        ContainerState s = Containers.find(id, err);
        if (s == null) {
            return ExitCodes.FAILURE;
        }
        if (Containers.liveStatus(s).equals("stopped")) {
            err.println("jspec: container \"" + id + "\" is not running");
            return ExitCodes.FAILURE;
        }
        try {
            Containers.cgroups(s).update(r, CgroupLayoutProbe.detect(), note -> err.println("jspec: warning: " + note));
        } catch (CgroupManager.WriteFailed e) {
            err.println("jspec: update \"" + id + "\": write(" + e.path() + ", \"" + e.value() + "\"): " + reason(e.getCause()));
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    private boolean anyFlag() {
        return memory != null || memorySwap != null || memoryReservation != null || cpuShares != null || cpuQuota != null
                || cpuPeriod != null || cpuBurst != null || cpuRtPeriod != null || cpuRtRuntime != null || cpuIdle != null
                || cpusetCpus != null || cpusetMems != null || pidsLimit != null || blkioWeight != null;
    }

    /** The flags as a linux.resources; a group none of whose flags was given stays null, so it is not written. */
    Spec.Resources fromFlags() {
        Spec.Memory m = null;
        if (memory != null || memorySwap != null || memoryReservation != null) {
            m = new Spec.Memory(bytes("--memory", memory), bytes("--memory-reservation", memoryReservation),
                    bytes("--memory-swap", memorySwap), null, null, null, null, null, null);
        }
        Spec.Cpu c = null;
        if (cpuShares != null || cpuQuota != null || cpuPeriod != null || cpuBurst != null || cpuRtPeriod != null
                || cpuRtRuntime != null || cpuIdle != null || cpusetCpus != null || cpusetMems != null) {
            c = new Spec.Cpu(cpuShares, cpuQuota, cpuBurst, cpuPeriod, cpuRtRuntime, cpuRtPeriod, cpusetCpus, cpusetMems, cpuIdle);
        }
        Spec.BlockIO b = blkioWeight == null ? null
                : new Spec.BlockIO(blkioWeight, null, List.of(), List.of(), List.of(), List.of(), List.of());
        return new Spec.Resources(List.of(), m, c, pidsLimit == null ? null : new Spec.Pids(pidsLimit), b, List.of(), null, Map.of());
    }

    private static final Pattern RAM = Pattern.compile("(\\d+(?:\\.\\d+)?) ?([kmgtp])?i?b?");

    /**
     * A byte count as runc's flags take it (docker's RAMInBytes): a number with an optional
     * k, m, g, t or p (any case, powers of 1024, an optional trailing b or ib); -1 for none.
     */
    static Long bytes(String flag, String value) {
        if (value == null) {
            return null;
        }
        if (value.equals("-1")) {
            return -1L;
        }
        Matcher m = RAM.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid value for " + flag + ": \"" + value + "\" (bytes, or a size such as 512m or 1g)");
        }
        int shift = m.group(2) == null ? 0 : 10 * ("kmgtp".indexOf(m.group(2)) + 1);
        BigDecimal n = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(2).pow(shift));
        try {
            return n.setScale(0, java.math.RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("invalid value for " + flag + ": \"" + value + "\" is too large");
        }
    }

    private byte[] readAll(String source) throws IOException {
        if (source.equals("-")) {
            InputStream in = System.in;
            return in.readNBytes(dev.jspec.spec.ConfigReader.MAX_BYTES + 1);
        }
        return Files.readAllBytes(Path.of(source));
    }

    /** The errno text of a failed cgroup write (the kernel says EINVAL or EBUSY for a value it will not take). */
    private static String reason(Throwable e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
