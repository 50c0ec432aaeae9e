package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The container's process as configured: identity, capabilities, limits. Read back from inside. */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class ProcessSetupIT {

    @TempDir
    static Path work;

    private static Jspec.Result run(String name, String process) throws IOException {
        Path bundle = TestBundles.write(work, name, TestBundles.config(name, process, "", ""));
        return Jspec.run("run", "--bundle", bundle.toString(), name);
    }

    /** The Cap* and NoNewPrivs lines of /proc/self/status as a map. */
    private static Map<String, String> status(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.split(":\\s*", 2);
            if (kv.length == 2) {
                m.put(kv[0], kv[1].strip());
            }
        }
        return m;
    }

    @Test
    void userGroupsAndUmaskAreTheConfigured() throws IOException {
        Jspec.Result r = run("user", """
                args: [sh, -c, 'id -u; id -g; id -G; umask']
                cwd: /
                env: [PATH=/bin]
                user: {uid: 1000, gid: 1001, additionalGids: [10, 20], umask: 63}
                """);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("1000\n1001\n1001 10 20\n0077\n", r.out(), r.toString());
    }

    @Test
    void capabilitiesOfANonRootUserAreTheConfiguredSets() throws IOException {
        Jspec.Result r = run("caps", """
                args: [sh, -c, 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status']
                cwd: /
                env: [PATH=/bin]
                user: {uid: 1000, gid: 1000}
                capabilities:
                  bounding: [CAP_CHOWN, CAP_KILL, CAP_NET_BIND_SERVICE]
                  effective: [CAP_NET_BIND_SERVICE]
                  permitted: [CAP_KILL, CAP_NET_BIND_SERVICE]
                  inheritable: [CAP_NET_BIND_SERVICE]
                  ambient: [CAP_NET_BIND_SERVICE]
                """);
        assertEquals(0, r.exit(), r.toString());
        Map<String, String> s = status(r.out());
        // After execve a non-root process keeps exactly its ambient set as permitted and effective.
        assertEquals("0000000000000400", s.get("CapInh"), r.toString());
        assertEquals("0000000000000400", s.get("CapPrm"), r.toString());
        assertEquals("0000000000000400", s.get("CapEff"), r.toString());
        assertEquals("0000000000000421", s.get("CapBnd"), r.toString());
        assertEquals("0000000000000400", s.get("CapAmb"), r.toString());
        assertEquals("0", s.get("NoNewPrivs"), r.toString());
    }

    @Test
    void rootIsBoundedByTheBoundingSet() throws IOException {
        Jspec.Result r = run("rootcaps", """
                args: [sh, -c, 'grep -E "^Cap" /proc/self/status']
                cwd: /
                env: [PATH=/bin]
                capabilities:
                  bounding: [CAP_KILL, CAP_NET_BIND_SERVICE]
                  effective: [CAP_KILL, CAP_NET_BIND_SERVICE]
                  permitted: [CAP_KILL, CAP_NET_BIND_SERVICE]
                """);
        assertEquals(0, r.exit(), r.toString());
        Map<String, String> s = status(r.out());
        assertEquals("0000000000000420", s.get("CapBnd"), r.toString());
        assertEquals("0000000000000420", s.get("CapEff"), r.toString());
        assertEquals("0000000000000420", s.get("CapPrm"), r.toString());
    }

    @Test
    void noNewPrivilegesIsSet() throws IOException {
        Jspec.Result r = run("nnp", """
                args: [sh, -c, 'grep NoNewPrivs /proc/self/status']
                cwd: /
                env: [PATH=/bin]
                noNewPrivileges: true
                """);
        assertEquals("NoNewPrivs:\t1\n", r.out(), r.toString());
    }

    @Test
    void rlimitsAreTheConfigured() throws IOException {
        Jspec.Result r = run("rlimits", """
                args: [sh, -c, 'ulimit -Sn; ulimit -Hn; ulimit -c']
                cwd: /
                env: [PATH=/bin]
                rlimits:
                  - {type: RLIMIT_NOFILE, soft: 321, hard: 654}
                  - {type: RLIMIT_CORE, soft: 0, hard: 0}
                """);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("321\n654\n0\n", r.out(), r.toString());
    }

    @Test
    void envCwdAndOomScoreAdjAreTheConfigured() throws IOException {
        Jspec.Result r = run("env", """
                args: [sh, -c, 'echo "$GREETING"; pwd; cat /proc/self/oom_score_adj']
                cwd: /tmp
                env: [PATH=/bin, 'GREETING=hello there']
                oomScoreAdj: 500
                """);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("hello there\n/tmp\n500\n", r.out(), r.toString());
    }
}
