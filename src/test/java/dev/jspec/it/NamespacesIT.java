package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Joining namespaces by path, sharing the host's, and the ones jspec refuses. */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class NamespacesIT {

    @TempDir
    static Path work;

    private static String config(String hostname, String script, String namespaces) {
        return """
                ociVersion: 1.2.0
                root: {path: ROOTFS, readonly: true}
                %s
                process: {args: [sh, -c, '%s'], cwd: /, env: [PATH=/bin]}
                mounts:
                  - {destination: /proc, type: proc, source: proc}
                linux:
                  namespaces: %s
                """.formatted(hostname == null ? "" : "hostname: " + hostname, script, namespaces);
    }

    @Test
    void aNamespaceGivenByPathIsJoined() throws Exception {
        Path first = TestBundles.write(work, "ns-first",
                config("first", "sleep 30", "[{type: pid}, {type: mount}, {type: uts}, {type: network}]"));
        Path pidFile = work.resolve("first.pid");
        assertEquals(0, Jspec.run("run", "-d", "--pid-file", pidFile.toString(), "--bundle", first.toString(), "ns-first").exit());
        try {
            String pid = Files.readString(pidFile).strip();
            Path second = TestBundles.write(work, "ns-second", config(null, "hostname; ls /sys/class/net 2>/dev/null; cat /proc/net/dev | wc -l",
                    "[{type: pid}, {type: mount}, {type: uts, path: /proc/" + pid + "/ns/uts}, {type: network, path: /proc/"
                            + pid + "/ns/net}]"));
            Jspec.Result r = Jspec.run("run", "--bundle", second.toString(), "ns-second");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().startsWith("first\n"), "the uts namespace of the first container: " + r);
            // A fresh network namespace has only lo: two header lines and one interface.
            assertTrue(r.out().endsWith("3\n"), "the first container's network namespace: " + r);
        } finally {
            assertEquals(0, Jspec.run("delete", "--force", "ns-first").exit());
        }
    }

    @Test
    void anAbsentNamespaceTypeIsTheHosts() throws Exception {
        String hostNet = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        Path bundle = TestBundles.write(work, "ns-host", config(null, "readlink /proc/self/ns/net", "[{type: pid}, {type: mount}]"));
        Jspec.Result r = Jspec.run("run", "--bundle", bundle.toString(), "ns-host");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(hostNet + "\n", r.out());
    }

    @Test
    void userAndTimeNamespacesAreRefusedBeforeAnythingIsMade() throws Exception {
        Path user = TestBundles.write(work, "ns-user", config(null, "true", "[{type: pid}, {type: mount}, {type: user}]")
                + "  uidMappings: [{containerID: 0, hostID: 100000, size: 65536}]\n"
                + "  gidMappings: [{containerID: 0, hostID: 100000, size: 65536}]\n");
        Jspec.Result r = Jspec.run("run", "--bundle", user.toString(), "ns-user");
        assertEquals(125, r.exit(), r.toString());
        assertTrue(r.err().contains("user namespaces are not supported yet"), r.toString());

        Path time = TestBundles.write(work, "ns-time", config(null, "true", "[{type: pid}, {type: mount}, {type: time}]"));
        Jspec.Result t = Jspec.run("run", "--bundle", time.toString(), "ns-time");
        assertEquals(125, t.exit(), t.toString());
        assertTrue(t.err().contains("time namespaces are not supported yet"), t.toString());
    }
}
