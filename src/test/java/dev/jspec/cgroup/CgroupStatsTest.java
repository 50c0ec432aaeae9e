package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.cgroup.CgroupStats.BlkioEntry;
import dev.jspec.cgroup.CgroupStats.MemoryEntry;
import dev.jspec.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stats read from directory trees laid out as the kernel lays out cgroups: a v1 hierarchy
 * set as on these hybrid hosts (one mount per controller), and one cgroup2 directory. File
 * contents are copied from real cgroup files and the kernel's cgroup-v1/v2 documentation.
 */
class CgroupStatsTest {

    private static final String V1_MEMORY_STAT = """
            cache 26288128
            rss 1957888
            rss_huge 0
            shmem 0
            mapped_file 28672
            dirty 57344
            writeback 0
            swap 0
            pgpgin 244320
            pgpgout 237459
            pgfault 285038
            pgmajfault 42
            inactive_anon 1859584
            active_anon 16384
            inactive_file 20357120
            active_file 5931008
            unevictable 0
            hierarchical_memory_limit 67108864
            hierarchical_memsw_limit 9223372036854771712
            total_cache 26288128
            total_rss 1957888
            """;

    private static void write(Path dir, String file, String content) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(file), content);
    }

    /** The leaf directories of container c1 under a v1 hierarchy set, as the state file records them. */
    private static List<Path> v1Tree(Path root) throws IOException {
        Path memory = root.resolve("memory/jspec/c1");
        write(memory, "memory.stat", V1_MEMORY_STAT);
        write(memory, "memory.usage_in_bytes", "28246016\n");
        write(memory, "memory.max_usage_in_bytes", "31911936\n");
        write(memory, "memory.failcnt", "3\n");
        write(memory, "memory.limit_in_bytes", "67108864\n");
        write(memory, "memory.memsw.usage_in_bytes", "28246016\n");
        write(memory, "memory.memsw.max_usage_in_bytes", "31911936\n");
        write(memory, "memory.memsw.failcnt", "0\n");
        write(memory, "memory.memsw.limit_in_bytes", "9223372036854771712\n");
        write(memory, "memory.kmem.usage_in_bytes", "1179648\n");
        write(memory, "memory.kmem.max_usage_in_bytes", "1310720\n");
        write(memory, "memory.kmem.failcnt", "0\n");
        // No memory.kmem.limit_in_bytes: recent kernels dropped it. No kmem.tcp files at all.
        write(memory, "cgroup.procs", "4242\n");

        Path cpu = root.resolve("cpu/jspec/c1");
        write(cpu, "cpu.stat", "nr_periods 120\nnr_throttled 7\nthrottled_time 351000000\nnr_bursts 0\nburst_time 0\n");
        write(cpu, "cpu.shares", "1024\n");

        Path cpuacct = root.resolve("cpuacct/jspec/c1");
        write(cpuacct, "cpuacct.usage", "2345366076042\n");
        write(cpuacct, "cpuacct.usage_percpu", "1147340901812 1198025174230 \n");
        write(cpuacct, "cpuacct.usage_all", "cpu user system\n0 1034904081889 150064874393\n1 1069380003607 170599703615\n");
        write(cpuacct, "cpuacct.stat", "user 203050\nsystem 31486\n");

        Path pids = root.resolve("pids/jspec/c1");
        write(pids, "pids.current", "3\n");
        write(pids, "pids.max", "max\n");

        Path blkio = root.resolve("blkio/jspec/c1");
        // BFQ's files exist but are empty (no I/O went through BFQ), so the throttle layer's count.
        write(blkio, "blkio.bfq.io_service_bytes_recursive", "Total 0\n");
        write(blkio, "blkio.bfq.io_serviced_recursive", "Total 0\n");
        write(blkio, "blkio.throttle.io_service_bytes_recursive", """
                8:0 Read 1310720
                8:0 Write 4096
                8:0 Sync 1314816
                8:0 Async 0
                8:0 Discard 0
                8:0 Total 1314816
                Total 1314816
                """);
        write(blkio, "blkio.throttle.io_serviced_recursive", """
                8:0 Read 40
                8:0 Write 1
                8:0 Sync 41
                8:0 Async 0
                8:0 Discard 0
                8:0 Total 41
                Total 41
                """);

        Path devices = root.resolve("devices/jspec/c1");
        write(devices, "devices.list", "c 1:3 rwm\n");
        return List.of(root.resolve("blkio/jspec/c1"), cpu, cpuacct, devices, memory, pids);
    }

    @Test
    void v1TakesEachControllersNumbersFromItsHierarchy(@TempDir Path root) throws IOException {
        CgroupStats.Stats s = CgroupStats.read(v1Tree(root));

        assertEquals(2345366076042L, s.cpu().usage().total());
        assertEquals(List.of(1147340901812L, 1198025174230L), s.cpu().usage().percpu());
        assertEquals(List.of(150064874393L, 170599703615L), s.cpu().usage().percpuKernel());
        assertEquals(List.of(1034904081889L, 1069380003607L), s.cpu().usage().percpuUser());
        // cpuacct.stat counts USER_HZ ticks (1/100 s).
        assertEquals(2_030_500_000_000L, s.cpu().usage().user());
        assertEquals(314_860_000_000L, s.cpu().usage().kernel());
        assertEquals(new CgroupStats.Throttling(120, 7, 351000000), s.cpu().throttling());

        assertEquals(26288128L, s.memory().cache());
        assertEquals(new MemoryEntry(67108864, 28246016, 31911936, 3), s.memory().usage());
        assertEquals(new MemoryEntry(9223372036854771712L, 28246016, 31911936, 0), s.memory().swap());
        assertEquals(new MemoryEntry(0, 1179648, 1310720, 0), s.memory().kernel());
        assertEquals(MemoryEntry.NONE, s.memory().kernelTCP());
        assertEquals(21, s.memory().raw().size());
        assertEquals(1957888L, s.memory().raw().get("rss"));

        assertEquals(new CgroupStats.Pids(3, 0), s.pids(), "an unlimited pids.max is reported as 0, as runc does");

        assertEquals(List.of(
                new BlkioEntry(8, 0, "Read", 1310720), new BlkioEntry(8, 0, "Write", 4096),
                new BlkioEntry(8, 0, "Sync", 1314816), new BlkioEntry(8, 0, "Async", 0),
                new BlkioEntry(8, 0, "Discard", 0), new BlkioEntry(8, 0, "Total", 1314816)),
                s.blkio().ioServiceBytesRecursive());
        assertEquals(new BlkioEntry(8, 0, "Read", 40), s.blkio().ioServicedRecursive().get(0));
    }

    @Test
    void v1JsonHasRuncsFieldNames(@TempDir Path root) throws IOException {
        String json = CgroupStats.toJson(CgroupStats.read(v1Tree(root)));
        Map<?, ?> data = (Map<?, ?>) Json.parse(json);
        Map<?, ?> cpu = (Map<?, ?>) data.get("cpu");
        assertEquals(2345366076042L, ((Map<?, ?>) cpu.get("usage")).get("total"));
        assertEquals(7L, ((Map<?, ?>) cpu.get("throttling")).get("throttledPeriods"));
        Map<?, ?> memory = (Map<?, ?>) data.get("memory");
        assertEquals(Map.of("limit", 67108864L, "usage", 28246016L, "max", 31911936L, "failcnt", 3L), memory.get("usage"));
        assertEquals(57344L, ((Map<?, ?>) memory.get("raw")).get("dirty"));
        assertEquals(Map.of("current", 3L, "limit", 0L), data.get("pids"));
        List<?> bytes = (List<?>) ((Map<?, ?>) data.get("blkio")).get("ioServiceBytesRecursive");
        assertEquals(Map.of("major", 8L, "minor", 0L, "op", "Read", "value", 1310720L), bytes.get(0));
    }

    @Test
    void missingControllersAndFilesLeaveZeros(@TempDir Path root) throws IOException {
        Path pids = root.resolve("pids/jspec/c1");
        write(pids, "pids.current", "1\n");
        write(pids, "pids.max", "64\n");
        Path gone = root.resolve("memory/jspec/c1"); // never created: the directory itself is missing
        CgroupStats.Stats s = CgroupStats.read(List.of(gone, pids));
        assertEquals(new CgroupStats.Pids(1, 64), s.pids());
        assertEquals(CgroupStats.Memory.NONE, s.memory());
        assertEquals(0, s.cpu().usage().total());
        assertEquals(List.of(), s.blkio().ioServicedRecursive());
    }

    @Test
    void aMalformedFileIsAnErrorNamingIt(@TempDir Path root) throws IOException {
        Path cpu = root.resolve("cpu/jspec/c1");
        write(cpu, "cpu.stat", "nr_periods lots\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CgroupStats.read(List.of(cpu)));
        assertTrue(e.getMessage().contains(cpu.resolve("cpu.stat").toString()), e.getMessage());
    }

    /** A cgroup2 leaf with memory, pids, io and cpu enabled by its parent, as on Linux 6.x. */
    private static Path v2Dir(Path root) throws IOException {
        Path dir = root.resolve("jspec/c1");
        write(dir, "cgroup.controllers", "cpu io memory pids\n");
        write(dir, "cgroup.procs", "4242\n4250\n");
        write(dir, "memory.current", "10899456\n");
        write(dir, "memory.max", "67108864\n");
        write(dir, "memory.peak", "12496896\n");
        write(dir, "memory.swap.current", "4096\n");
        write(dir, "memory.swap.max", "max\n");
        write(dir, "memory.stat", """
                anon 1118208
                file 8790016
                kernel 843776
                kernel_stack 49152
                pagetables 122880
                sock 0
                shmem 0
                file_mapped 4960256
                file_dirty 0
                file_writeback 0
                swapcached 0
                inactive_anon 1105920
                active_anon 12288
                inactive_file 6340608
                active_file 2449408
                unevictable 0
                pgfault 4512
                pgmajfault 87
                """);
        write(dir, "cpu.stat", """
                usage_usec 61853
                user_usec 37112
                system_usec 24741
                core_sched.force_idle_usec 0
                nr_periods 40
                nr_throttled 2
                throttled_usec 15021
                nr_bursts 0
                burst_usec 0
                """);
        write(dir, "pids.current", "2\n");
        write(dir, "pids.max", "128\n");
        write(dir, "io.stat", """
                8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0
                253:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0
                """);
        return dir;
    }

    @Test
    void v2ConvertsToRuncsV1Meanings(@TempDir Path root) throws IOException {
        CgroupStats.Stats s = CgroupStats.read(List.of(v2Dir(root)));

        // cpu.stat's microseconds become nanoseconds.
        assertEquals(61_853_000L, s.cpu().usage().total());
        assertEquals(37_112_000L, s.cpu().usage().user());
        assertEquals(24_741_000L, s.cpu().usage().kernel());
        assertEquals(List.of(), s.cpu().usage().percpu());
        assertEquals(new CgroupStats.Throttling(40, 2, 15_021_000L), s.cpu().throttling());

        assertEquals(8790016L, s.memory().cache(), "v2's page cache is memory.stat's \"file\"");
        assertEquals(new MemoryEntry(67108864, 10899456, 12496896, 0), s.memory().usage());
        // swap is memory+swap as on v1; with memory.swap.max "max" the sum is unlimited too.
        assertEquals(new MemoryEntry(-1L, 10899456 + 4096, 0, 0), s.memory().swap());
        assertEquals(MemoryEntry.NONE, s.memory().kernel());
        assertEquals(87L, s.memory().raw().get("pgmajfault"));

        assertEquals(new CgroupStats.Pids(2, 128), s.pids());

        assertEquals(List.of(
                new BlkioEntry(8, 16, "Read", 1459200), new BlkioEntry(8, 16, "Write", 314773504),
                new BlkioEntry(253, 0, "Read", 4096), new BlkioEntry(253, 0, "Write", 0)),
                s.blkio().ioServiceBytesRecursive());
        assertEquals(List.of(
                new BlkioEntry(8, 16, "Read", 192), new BlkioEntry(8, 16, "Write", 353),
                new BlkioEntry(253, 0, "Read", 1), new BlkioEntry(253, 0, "Write", 0)),
                s.blkio().ioServicedRecursive());
    }

    @Test
    void v2SwapWithALimitAddsTheMemoryLimit(@TempDir Path root) throws IOException {
        Path dir = v2Dir(root);
        write(dir, "memory.swap.max", "33554432\n");
        assertEquals(67108864L + 33554432L, CgroupStats.read(List.of(dir)).memory().swap().limit());
    }

    @Test
    void v2WithoutThePidsControllerCountsCgroupProcs(@TempDir Path root) throws IOException {
        Path dir = v2Dir(root);
        Files.delete(dir.resolve("pids.current"));
        Files.delete(dir.resolve("pids.max"));
        assertEquals(new CgroupStats.Pids(2, 0), CgroupStats.read(List.of(dir)).pids());
    }

    @Test
    void v2UnlimitedIsPrintedAsTheUnsigned64BitMaximum(@TempDir Path root) throws IOException {
        String json = CgroupStats.toJson(CgroupStats.read(List.of(v2Dir(root))));
        assertTrue(json.contains("\"swap\":{\"limit\":18446744073709551615,\"usage\":10903552,\"max\":0,\"failcnt\":0}"), json);
        assertTrue(json.startsWith("{\"cpu\":{\"usage\":{\"total\":61853000,\"percpu\":[],\"percpu_kernel\":[],\"percpu_user\":[],"
                + "\"kernel\":24741000,\"user\":37112000},\"throttling\":{\"periods\":40,\"throttledPeriods\":2,\"throttledTime\":15021000}},"), json);
        assertTrue(json.endsWith("\"pids\":{\"current\":2,\"limit\":128},\"blkio\":{\"ioServiceBytesRecursive\":["
                + "{\"major\":8,\"minor\":16,\"op\":\"Read\",\"value\":1459200},{\"major\":8,\"minor\":16,\"op\":\"Write\",\"value\":314773504},"
                + "{\"major\":253,\"minor\":0,\"op\":\"Read\",\"value\":4096},{\"major\":253,\"minor\":0,\"op\":\"Write\",\"value\":0}],"
                + "\"ioServicedRecursive\":[{\"major\":8,\"minor\":16,\"op\":\"Read\",\"value\":192},{\"major\":8,\"minor\":16,\"op\":\"Write\",\"value\":353},"
                + "{\"major\":253,\"minor\":0,\"op\":\"Read\",\"value\":1},{\"major\":253,\"minor\":0,\"op\":\"Write\",\"value\":0}]}}"), json);
    }
}
