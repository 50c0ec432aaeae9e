package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** linux.resources enforced by the kernel, on this host's cgroup layout. Root only. */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class CgroupsIT {

    @TempDir
    static Path work;

    private static Path bundle(String name, String script, String resources, String caps) throws IOException {
        String process = "args: [sh, -c, '" + script.replace("'", "''") + "']\ncwd: /\nenv: [PATH=/bin]" + caps;
        return TestBundles.write(work, name, TestBundles.config(name, process,
                "- {destination: /tmp, type: tmpfs, source: tmpfs}", "resources: " + resources));
    }

    @Test
    void aMemoryHogIsOomKilledAtItsLimitAndJspecSaysSo() {
        Jspec.Result r = Jspec.run("run", TestBundles.projectBundle("memory-limit").toString());
        assertEquals(137, r.exit(), r.toString());
        assertTrue(r.out().contains("holding 8 MiB"), r.toString());
        assertTrue(!r.out().contains("holding 48 MiB"), "never past its 48 MiB limit: " + r);
        assertTrue(r.err().contains("OOM killer stopped the container at its memory limit (50331648 bytes"), r.toString());
    }

    @Test
    void aForkLoopCannotExceedPidsMax() {
        Jspec.Result r = Jspec.run("run", TestBundles.projectBundle("pids-limit").toString());
        assertEquals(0, r.exit(), r.toString());
        Matcher m = Pattern.compile("held the container at (\\d+) processes").matcher(r.out());
        assertTrue(m.find(), r.toString());
        int held = Integer.parseInt(m.group(1));
        assertTrue(held > 1 && held <= 16, "pids.max is 16, the container had " + held);
    }

    @Test
    void cpusetPinsTheProcess() throws IOException {
        Path b = bundle("cpuset", "grep Cpus_allowed_list /proc/self/status", "{cpu: {cpus: \"0\"}}", "");
        Jspec.Result r = Jspec.run("run", "--bundle", b.toString(), "cpuset");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("Cpus_allowed_list:\t0\n", r.out(), r.toString());
    }

    /**
     * 10:237 is /dev/loop-control, in no allow rule: without the devices cgroup its open
     * succeeds and the read fails with EINVAL, so EPERM can only come from the rules.
     */
    @Test
    void deviceRulesAllowDevNullAndDenyANodeNotListed() throws IOException {
        Path b = bundle("devices",
                "echo ok > /dev/null && echo null-writable; mknod /tmp/loop-control c 10 237 && head -c 1 /tmp/loop-control 2>&1 | grep -o \"Operation not permitted\"",
                "{}", "\ncapabilities: {bounding: [CAP_MKNOD, CAP_DAC_OVERRIDE], effective: [CAP_MKNOD, CAP_DAC_OVERRIDE],"
                        + " permitted: [CAP_MKNOD, CAP_DAC_OVERRIDE]}");
        Jspec.Result r = Jspec.run("run", "--bundle", b.toString(), "devices");
        assertEquals("null-writable\nOperation not permitted\n", r.out(), r.toString());
    }

    /**
     * A busy loop under a 20% quota, measured from the host over more than a second: well
     * under the whole core it would take unlimited. A wide margin; not a timing assertion.
     */
    @Test
    void aCpuQuotaHoldsABusyLoopNearItsShare() throws Exception {
        Path b = bundle("cpuquota", "while :; do :; done", "{cpu: {quota: 20000, period: 100000}}", "");
        assertEquals(0, Jspec.run("run", "-d", "--bundle", b.toString(), "cpuquota").exit());
        try {
            long u0 = cpuUsageNanos("cpuquota");
            long t0 = System.nanoTime();
            Thread.sleep(1500);
            long used = cpuUsageNanos("cpuquota") - u0;
            double share = (double) used / (System.nanoTime() - t0);
            assertTrue(share > 0.05 && share < 0.45, "a 20% quota let the loop use " + Math.round(share * 100) + "% of a core");
            Jspec.Result stats = Jspec.run("events", "--stats", "cpuquota");
            assertEquals(0, stats.exit(), stats.toString());
            assertTrue(stats.out().startsWith("{\"type\":\"stats\",\"id\":\"cpuquota\""), stats.toString());
            Matcher throttled = Pattern.compile("\"throttledPeriods\":(\\d+)").matcher(stats.out());
            assertTrue(throttled.find() && Long.parseLong(throttled.group(1)) > 0, "the quota throttled the loop: " + stats.out());
        } finally {
            assertEquals(0, Jspec.run("delete", "--force", "cpuquota").exit());
        }
    }

    private static long cpuUsageNanos(String id) throws IOException {
        Path v1 = Path.of("/sys/fs/cgroup/cpuacct/jspec", id, "cpuacct.usage");
        if (Files.exists(v1)) {
            return Long.parseLong(Files.readString(v1).strip());
        }
        for (String line : Files.readAllLines(Path.of("/sys/fs/cgroup/jspec", id, "cpu.stat"))) {
            if (line.startsWith("usage_usec ")) {
                return Long.parseLong(line.substring(11).strip()) * 1000;
            }
        }
        throw new IllegalStateException("no cpu usage for " + id);
    }
}
