package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A new process in a running container: its namespaces, cgroups, user, capabilities and exit status. */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class ExecIT {

    private static final String ID = "exec-target";

    @TempDir
    static Path work;

    @BeforeAll
    static void startTarget() throws Exception {
        Path bundle = TestBundles.write(work, ID, TestBundles.config(ID,
                "args: [sh, -c, 'echo $$ > /dev/shm/init-pid 2>/dev/null; trap \"exit 0\" TERM; while true; do sleep 0.05; done']\n"
                        + "cwd: /\nenv: [PATH=/bin, FROM_CONFIG=yes]\n"
                        + "capabilities: {bounding: [CAP_KILL, CAP_CHOWN], effective: [CAP_KILL], permitted: [CAP_KILL]}",
                "", "resources: {pids: {limit: 50}}"));
        Jspec.Result run = Jspec.run("run", "-d", "--bundle", bundle.toString(), ID);
        assertEquals(0, run.exit(), run.toString());
    }

    @AfterAll
    static void deleteTarget() {
        assertEquals(0, Jspec.run("delete", "--force", ID).exit());
    }

    @Test
    void theProcessIsInTheContainersNamespacesAndCgroupAndKeepsItsExitStatus() throws Exception {
        Jspec.Result r = Jspec.run("exec", ID, "sh", "-c",
                "hostname; echo pid $$; cat /proc/self/cgroup | grep pids; ls /proc/1/cmdline >/dev/null && echo sees-init; exit 7");
        assertEquals(7, r.exit(), r.toString());
        assertTrue(r.out().contains(ID + "\n"), "the container's hostname: " + r);
        assertFalse(r.out().contains("pid 1\n"), "a new pid in the container's pid namespace, not its init: " + r);
        assertTrue(r.out().contains("sees-init"), "the container's /proc: " + r);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\d+:pids:/")), "the root of the container's cgroup namespace: " + r);
        String procs = Files.readString(pidsCgroup().resolve("pids.max")).strip();
        assertEquals("50", procs);
    }

    @Test
    void userEnvCwdAndCapabilitiesFollowTheOptions() {
        Jspec.Result r = Jspec.run("exec", "--user", "1000:1001", "--env", "EXTRA=1", "--cwd", "/tmp", ID, "sh", "-c",
                "id -u; id -g; pwd; echo $FROM_CONFIG $EXTRA; grep CapEff /proc/self/status");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("1000\n1001\n/tmp\nyes 1\n"), r.toString());
        assertTrue(r.out().contains("CapEff:\t0000000000000000"), "uid 1000 without ambient caps has none: " + r);
        Jspec.Result root = Jspec.run("exec", "--cap", "CAP_CHOWN", ID, "grep", "CapEff", "/proc/self/status");
        assertTrue(root.out().contains("CapEff:\t0000000000000021"), "CAP_KILL from the config plus CAP_CHOWN: " + root);
    }

    @Test
    void aProcessSpecFileIsAcceptedAndItsErrorsAreLocated() throws Exception {
        Path ok = work.resolve("process.json");
        Files.writeString(ok, "{\"args\": [\"sh\", \"-c\", \"echo from-spec $A\"], \"env\": [\"PATH=/bin\", \"A=b\"], \"cwd\": \"/\","
                + " \"user\": {\"uid\": 0, \"gid\": 0}}");
        Jspec.Result r = Jspec.run("exec", "--process", ok.toString(), ID);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("from-spec b\n", r.out());

        Path bad = work.resolve("bad-process.json");
        Files.writeString(bad, "{\"args\": [\"sh\"],\n \"cwd\": 7}");
        Jspec.Result refused = Jspec.run("exec", "--process", bad.toString(), ID);
        assertEquals(2, refused.exit(), refused.toString());
        assertTrue(refused.err().contains(bad + ":2:"), "located on its own line: " + refused);
    }

    @Test
    void aDetachedProcessWritesItsPidAndAMissingProgramExits127() throws Exception {
        Path pidFile = work.resolve("exec.pid");
        Jspec.Result d = Jspec.run("exec", "-d", "--pid-file", pidFile.toString(), ID, "sleep", "30");
        assertEquals(0, d.exit(), d.toString());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

        Jspec.Result missing = Jspec.run("exec", ID, "no-such-program");
        assertEquals(127, missing.exit(), missing.toString());
    }

    @Test
    void aCwdThroughAMagicLinkIsRefusedWhateverDescriptorItNames() {
        // CVE-2024-21626: a working directory of /proc/self/fd/N would land on a descriptor
        // the exec's init holds (the host's /proc among them), outside the container. Each
        // is refused as a magic link (ELOOP); a number the init holds no descriptor under
        // does not exist (ENOENT). Which numbers are open depends on what the JVM opened
        // (jars, its cache), so only the first few are sure to be.
        int magicLinks = 0;
        for (int fd = 3; fd <= 10; fd++) {
            Jspec.Result r = Jspec.run("exec", "--cwd", "/proc/self/fd/" + fd, ID, "pwd");
            assertEquals(125, r.exit(), "fd " + fd + ": " + r);
            assertTrue(r.err().contains("ELOOP") || r.err().contains("ENOENT"), "fd " + fd + ": " + r);
            magicLinks += r.err().contains("ELOOP") ? 1 : 0;
        }
        assertTrue(magicLinks >= 4, "descriptors the init holds were refused as magic links: " + magicLinks);
    }

    @Test
    void execIntoAStoppedOrUnknownContainerIsRefused() {
        Jspec.Result r = Jspec.run("exec", "no-such-container", "true");
        assertEquals(1, r.exit(), r.toString());
    }

    private static Path pidsCgroup() {
        Path v1 = Path.of("/sys/fs/cgroup/pids/jspec", ID);
        return Files.isDirectory(v1) ? v1 : Path.of("/sys/fs/cgroup/jspec", ID);
    }
}
