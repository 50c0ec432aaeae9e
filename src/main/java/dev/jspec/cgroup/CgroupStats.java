package dev.jspec.cgroup;

import dev.jspec.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A container's resource usage, read from its cgroup directories the way runc's drivers
 * read it ({@code GetStats} in opencontainers/cgroups {@code fs/} and {@code fs2/}), in the
 * shape of runc's {@code types.Stats} ({@code runc events --stats}). Pure functions of the
 * directories' files: a file that is missing (a controller not mounted or not enabled, a
 * kernel without swap accounting) leaves its numbers at 0, and is not an error.
 *
 * <p>Numbers are the kernel's unsigned 64-bit counters, held in a {@code long} and printed
 * unsigned: a limit of "max" is 18446744073709551615, as in runc.
 */
public final class CgroupStats {

    /** USER_HZ: cpuacct.stat counts clock ticks of 1/100 s on every architecture Linux exports to user space. */
    private static final long CLOCK_TICKS = 100;
    private static final long NS_PER_SEC = 1_000_000_000L;
    private static final long NS_PER_USEC = 1_000L;
    /** "max" in a v2 limit file; runc's GetCgroupParamUint reads it as MaxUint64. */
    private static final long MAX = -1L;

    public record Stats(Cpu cpu, Memory memory, Pids pids, Blkio blkio) {}

    public record Cpu(CpuUsage usage, Throttling throttling) {}

    /** Nanoseconds; the per-CPU mode lists come from v1's cpuacct.usage_all and are empty elsewhere. */
    public record CpuUsage(long total, List<Long> percpu, List<Long> percpuKernel, List<Long> percpuUser,
            long kernel, long user) {
        static final CpuUsage NONE = new CpuUsage(0, List.of(), List.of(), List.of(), 0, 0);
    }

    /** Periods and throttled periods are counts; throttledTime is nanoseconds. */
    public record Throttling(long periods, long throttledPeriods, long throttledTime) {
        static final Throttling NONE = new Throttling(0, 0, 0);
    }

    /**
     * @param cache page cache bytes (v1 "cache", v2 "file" of memory.stat)
     * @param swap memory plus swap, as v1's memsw counts it, on v2 too
     * @param raw memory.stat as it is
     */
    public record Memory(long cache, MemoryEntry usage, MemoryEntry swap, MemoryEntry kernel, MemoryEntry kernelTCP,
            Map<String, Long> raw) {
        static final Memory NONE = new Memory(0, MemoryEntry.NONE, MemoryEntry.NONE, MemoryEntry.NONE, MemoryEntry.NONE, Map.of());
    }

    /** One v1 memory counter family ({@code memory.}, {@code memory.memsw.}, {@code memory.kmem.}, ...) or its v2 counterpart; max is the peak. */
    public record MemoryEntry(long limit, long usage, long max, long failcnt) {
        static final MemoryEntry NONE = new MemoryEntry(0, 0, 0, 0);
    }

    /** A limit of 0 means none, as runc reports an unlimited pids.max. */
    public record Pids(long current, long limit) {
        static final Pids NONE = new Pids(0, 0);
    }

    public record Blkio(List<BlkioEntry> ioServiceBytesRecursive, List<BlkioEntry> ioServicedRecursive) {
        static final Blkio NONE = new Blkio(List.of(), List.of());
    }

    /** {@code op} is the v1 name: Read, Write, Sync, Async, Discard, Total. */
    public record BlkioEntry(long major, long minor, String op, long value) {}

    private CgroupStats() {}

    /**
     * Reads the stats of a container from its cgroup directories: one cgroup2 directory, or
     * one directory per v1 hierarchy (each controller's numbers come from the first
     * directory that has that controller's files).
     */
    public static Stats read(List<Path> dirs) {
        for (Path dir : dirs) {
            // Only the cgroup2 filesystem has cgroup.controllers, in every directory.
            if (Files.exists(dir.resolve("cgroup.controllers"))) {
                return readV2(dir);
            }
        }
        return readV1(dirs);
    }

    // ---- cgroup v1 ----

    static Stats readV1(List<Path> dirs) {
        Path memory = withFile(dirs, "memory.usage_in_bytes");
        Path cpuacct = withFile(dirs, "cpuacct.usage");
        Path cpu = withFile(dirs, "cpu.stat");
        Path pids = withFile(dirs, "pids.current");
        Path blkio = withFile(dirs, "blkio.throttle.io_service_bytes_recursive");
        return new Stats(
                new Cpu(cpuacct == null ? CpuUsage.NONE : cpuUsageV1(cpuacct), cpu == null ? Throttling.NONE : throttlingV1(cpu)),
                memory == null ? Memory.NONE : memoryV1(memory),
                pids == null ? Pids.NONE : pids(pids),
                blkio == null ? Blkio.NONE : blkioV1(blkio));
    }

    private static Path withFile(List<Path> dirs, String file) {
        return dirs.stream().filter(d -> Files.exists(d.resolve(file))).findFirst().orElse(null);
    }

    private static CpuUsage cpuUsageV1(Path dir) {
        Map<String, Long> stat = keyValues(dir, "cpuacct.stat");
        List<Long> kernel = new ArrayList<>();
        List<Long> user = new ArrayList<>();
        // cpuacct.usage_all: a header "cpu user system", then one line per CPU, in nanoseconds.
        List<String> all = lines(dir, "cpuacct.usage_all");
        for (String line : all.isEmpty() ? all : all.subList(1, all.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3) {
                user.add(number(dir, "cpuacct.usage_all", f[1]));
                kernel.add(number(dir, "cpuacct.usage_all", f[2]));
            }
        }
        return new CpuUsage(
                single(dir, "cpuacct.usage"),
                numbers(dir, "cpuacct.usage_percpu"),
                kernel,
                user,
                stat.getOrDefault("system", 0L) * NS_PER_SEC / CLOCK_TICKS,
                stat.getOrDefault("user", 0L) * NS_PER_SEC / CLOCK_TICKS);
    }

    private static Throttling throttlingV1(Path dir) {
        Map<String, Long> stat = keyValues(dir, "cpu.stat");
        return new Throttling(stat.getOrDefault("nr_periods", 0L), stat.getOrDefault("nr_throttled", 0L),
                stat.getOrDefault("throttled_time", 0L));
    }

    private static Memory memoryV1(Path dir) {
        Map<String, Long> raw = keyValues(dir, "memory.stat");
        return new Memory(raw.getOrDefault("cache", 0L), memoryEntryV1(dir, "memory."), memoryEntryV1(dir, "memory.memsw."),
                memoryEntryV1(dir, "memory.kmem."), memoryEntryV1(dir, "memory.kmem.tcp."), raw);
    }

    /** {@code prefix} usage_in_bytes, max_usage_in_bytes, failcnt and limit_in_bytes (kmem's limit is gone from recent kernels). */
    private static MemoryEntry memoryEntryV1(Path dir, String prefix) {
        if (!Files.exists(dir.resolve(prefix + "usage_in_bytes"))) {
            return MemoryEntry.NONE;
        }
        return new MemoryEntry(single(dir, prefix + "limit_in_bytes"), single(dir, prefix + "usage_in_bytes"),
                single(dir, prefix + "max_usage_in_bytes"), single(dir, prefix + "failcnt"));
    }

    /**
     * As runc: the first pair of files that has entries wins, BFQ's, then CFQ's, then the
     * throttle layer's (which counts every I/O, whatever the scheduler).
     */
    private static Blkio blkioV1(Path dir) {
        String[][] sources = {
            {"blkio.bfq.io_service_bytes_recursive", "blkio.bfq.io_serviced_recursive"},
            {"blkio.io_service_bytes_recursive", "blkio.io_serviced_recursive"},
            {"blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_serviced_recursive"},
        };
        for (String[] files : sources) {
            List<BlkioEntry> bytes = blkioEntriesV1(dir, files[0]);
            if (!bytes.isEmpty()) {
                return new Blkio(bytes, blkioEntriesV1(dir, files[1]));
            }
        }
        return Blkio.NONE;
    }

    /** Lines "MAJ:MIN Op value"; the closing "Total N" line sums all devices and is left out. */
    private static List<BlkioEntry> blkioEntriesV1(Path dir, String file) {
        List<BlkioEntry> out = new ArrayList<>();
        for (String line : lines(dir, file)) {
            String[] f = line.trim().split("[\\s:]+");
            if (f.length == 2 && f[0].equals("Total")) {
                continue;
            }
            if (f.length != 3 && f.length != 4) {
                throw malformed(dir, file, line);
            }
            out.add(new BlkioEntry(number(dir, file, f[0]), number(dir, file, f[1]), f.length == 4 ? f[2] : "",
                    number(dir, file, f[f.length - 1])));
        }
        return out;
    }

    // ---- cgroup v2 ----

    static Stats readV2(Path dir) {
        return new Stats(cpuV2(dir), memoryV2(dir), pidsV2(dir), ioV2(dir));
    }

    /** cpu.stat exists even where the cpu controller is not enabled; its times are microseconds. */
    private static Cpu cpuV2(Path dir) {
        Map<String, Long> stat = keyValues(dir, "cpu.stat");
        return new Cpu(
                new CpuUsage(stat.getOrDefault("usage_usec", 0L) * NS_PER_USEC, List.of(), List.of(), List.of(),
                        stat.getOrDefault("system_usec", 0L) * NS_PER_USEC, stat.getOrDefault("user_usec", 0L) * NS_PER_USEC),
                new Throttling(stat.getOrDefault("nr_periods", 0L), stat.getOrDefault("nr_throttled", 0L),
                        stat.getOrDefault("throttled_usec", 0L) * NS_PER_USEC));
    }

    private static Memory memoryV2(Path dir) {
        Map<String, Long> raw = keyValues(dir, "memory.stat");
        MemoryEntry usage = memoryEntryV2(dir, "memory.");
        MemoryEntry swapOnly = memoryEntryV2(dir, "memory.swap.");
        // v2 counts swap alone; report memory+swap as v1's memsw does, so that consumers read one meaning.
        // Its peak cannot be summed from two peaks, so it stays 0 as in runc.
        MemoryEntry swap = new MemoryEntry(swapOnly.limit() == MAX ? MAX : swapOnly.limit() + usage.limit(),
                swapOnly.usage() + usage.usage(), 0, 0);
        return new Memory(raw.getOrDefault("file", 0L), usage, swap, MemoryEntry.NONE, MemoryEntry.NONE, raw);
    }

    /** {@code prefix} current, max and peak (peak since Linux 5.19, swap.peak since 6.5). */
    private static MemoryEntry memoryEntryV2(Path dir, String prefix) {
        if (!Files.exists(dir.resolve(prefix + "current"))) {
            return MemoryEntry.NONE;
        }
        return new MemoryEntry(single(dir, prefix + "max"), single(dir, prefix + "current"), single(dir, prefix + "peak"), 0);
    }

    /** Without the pids controller enabled, the processes are counted from cgroup.procs and there is no limit. */
    private static Pids pidsV2(Path dir) {
        if (Files.exists(dir.resolve("pids.current"))) {
            return pids(dir);
        }
        return new Pids(lines(dir, "cgroup.procs").stream().filter(l -> !l.isBlank()).count(), 0);
    }

    /** io.stat: one line per device, "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N", named as v1 names them. */
    private static Blkio ioV2(Path dir) {
        List<BlkioEntry> bytes = new ArrayList<>();
        List<BlkioEntry> serviced = new ArrayList<>();
        for (String line : lines(dir, "io.stat")) {
            String[] f = line.trim().split("\\s+");
            String[] dev = f[0].split(":");
            if (f.length < 2 || dev.length != 2) {
                continue;
            }
            long major = number(dir, "io.stat", dev[0]);
            long minor = number(dir, "io.stat", dev[1]);
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq < 0) {
                    continue;
                }
                long value = number(dir, "io.stat", f[i].substring(eq + 1));
                switch (f[i].substring(0, eq)) {
                    case "rbytes" -> bytes.add(new BlkioEntry(major, minor, "Read", value));
                    case "wbytes" -> bytes.add(new BlkioEntry(major, minor, "Write", value));
                    case "rios" -> serviced.add(new BlkioEntry(major, minor, "Read", value));
                    case "wios" -> serviced.add(new BlkioEntry(major, minor, "Write", value));
                    default -> { } // dbytes, dios, cost.*: no v1 table holds them
                }
            }
        }
        return new Blkio(bytes, serviced);
    }

    // ---- both ----

    /** pids.current and pids.max; an unlimited ("max") limit is reported as 0, as runc does. */
    private static Pids pids(Path dir) {
        long limit = single(dir, "pids.max");
        return new Pids(single(dir, "pids.current"), limit == MAX ? 0 : limit);
    }

    // ---- reading the files ----

    /** The file's lines, or none when it does not exist. */
    private static List<String> lines(Path dir, String file) {
        String text = readOrNull(dir.resolve(file));
        return text == null ? List.of() : text.lines().filter(l -> !l.isBlank()).toList();
    }

    /** A file holding one number; 0 when it does not exist. */
    private static long single(Path dir, String file) {
        String text = readOrNull(dir.resolve(file));
        return text == null ? 0 : number(dir, file, text.strip());
    }

    /** A file of space-separated numbers on one line (cpuacct.usage_percpu). */
    private static List<Long> numbers(Path dir, String file) {
        String text = readOrNull(dir.resolve(file));
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (String n : text.strip().split("\\s+")) {
            out.add(number(dir, file, n));
        }
        return out;
    }

    /** "key value" lines (memory.stat, cpu.stat, cpuacct.stat), sorted by key as runc's JSON prints its map. */
    private static Map<String, Long> keyValues(Path dir, String file) {
        Map<String, Long> out = new TreeMap<>();
        for (String line : lines(dir, file)) {
            String[] f = line.trim().split(" ");
            if (f.length != 2 || f[0].isEmpty()) {
                throw malformed(dir, file, line);
            }
            out.put(f[0], number(dir, file, f[1]));
        }
        return out;
    }

    /**
     * An unsigned 64-bit number as runc parses it: "max" is all ones, and a negative number
     * (v1 limits read -1 on some kernels) is 0.
     */
    private static long number(Path dir, String file, String s) {
        if (s.equals("max")) {
            return MAX;
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            if (s.matches("-[0-9]+")) {
                return 0;
            }
            throw malformed(dir, file, s);
        }
    }

    private static IllegalArgumentException malformed(Path dir, String file, String text) {
        return new IllegalArgumentException(dir.resolve(file) + ": cannot parse \"" + text.strip() + "\"");
    }

    private static String readOrNull(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    // ---- JSON, in runc's field names (types/events.go) ----

    /** The {@code data} of a runc stats event. Every field is present, 0 or empty where the cgroup has no file. */
    public static String toJson(Stats s) {
        CpuUsage u = s.cpu().usage();
        Throttling t = s.cpu().throttling();
        Memory m = s.memory();
        return object(
                "cpu", object(
                        "usage", object("total", unsigned(u.total()), "percpu", array(u.percpu()),
                                "percpu_kernel", array(u.percpuKernel()), "percpu_user", array(u.percpuUser()),
                                "kernel", unsigned(u.kernel()), "user", unsigned(u.user())),
                        "throttling", object("periods", unsigned(t.periods()), "throttledPeriods", unsigned(t.throttledPeriods()),
                                "throttledTime", unsigned(t.throttledTime()))),
                "memory", object(
                        "cache", unsigned(m.cache()),
                        "usage", json(m.usage()),
                        "swap", json(m.swap()),
                        "kernel", json(m.kernel()),
                        "kernelTCP", json(m.kernelTCP()),
                        "raw", raw(m.raw())),
                "pids", object("current", unsigned(s.pids().current()), "limit", unsigned(s.pids().limit())),
                "blkio", object(
                        "ioServiceBytesRecursive", json(s.blkio().ioServiceBytesRecursive()),
                        "ioServicedRecursive", json(s.blkio().ioServicedRecursive())));
    }

    private static String json(MemoryEntry e) {
        return object("limit", unsigned(e.limit()), "usage", unsigned(e.usage()), "max", unsigned(e.max()),
                "failcnt", unsigned(e.failcnt()));
    }

    private static String json(List<BlkioEntry> entries) {
        List<String> items = entries.stream().map(e -> object("major", unsigned(e.major()), "minor", unsigned(e.minor()),
                "op", Json.quote(e.op()), "value", unsigned(e.value()))).toList();
        return "[" + String.join(",", items) + "]";
    }

    private static String raw(Map<String, Long> raw) {
        List<String> members = raw.entrySet().stream()
                .map(e -> Json.quote(e.getKey()) + ":" + unsigned(e.getValue())).toList();
        return "{" + String.join(",", members) + "}";
    }

    private static String array(List<Long> numbers) {
        return "[" + String.join(",", numbers.stream().map(CgroupStats::unsigned).toList()) + "]";
    }

    /** An object from alternating names and already-rendered values. */
    private static String object(String... namesAndValues) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.append(i == 0 ? "" : ",").append(Json.quote(namesAndValues[i])).append(':').append(namesAndValues[i + 1]);
        }
        return b.append('}').toString();
    }

    private static String unsigned(long n) {
        return Long.toUnsignedString(n);
    }
}
