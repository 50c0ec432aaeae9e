package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCI hooks with real scripts (the host's /bin/sh, and the container's for startContainer):
 * each runs at its point of the lifecycle, reads the state on stdin, gets exactly its args
 * and env, and a failing or hanging creation hook fails `create` and leaves nothing.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class HooksIT {

    @TempDir
    static Path work;

    /** An executable shell script on the host. */
    private static Path script(Path dir, String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /**
     * A container whose program marks /tmp/ran and waits; /tmp is {@code marks} on the host,
     * so the container and the host scripts leave their marks in one place.
     */
    private static Path bundle(String id, Path marks, String hooksYaml) throws Exception {
        return TestBundles.write(work, id, TestBundles.config(id,
                "args: [sh, -c, 'echo ran > /tmp/ran; trap \"exit 0\" TERM; while true; do sleep 0.05; done']\ncwd: /\nenv: [PATH=/bin]",
                "- {destination: /tmp, type: bind, source: " + marks + ", options: [rbind, rw]}", "")
                + "annotations: {org.example.hooks: yes-please}\nhooks:\n" + hooksYaml.indent(2));
    }

    private static String read(Path p) throws Exception {
        return Files.exists(p) ? Files.readString(p).strip() : "<none>";
    }

    private static void awaitFile(Path p) throws InterruptedException {
        for (int i = 0; i < 500 && !Files.exists(p); i++) {
            Thread.sleep(10);
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void eachHookRunsAtItsPointWithTheStateOnStdinAndItsOwnArgsAndEnv() throws Exception {
        String id = "hooks-points";
        Path marks = Files.createDirectories(work.resolve("marks-points"));
        Path bin = Files.createDirectories(work.resolve("bin-points"));
        String hostMntNs = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
        // createRuntime: the runtime's namespaces, the init exists in its own, the program has not run.
        Path cr = script(bin, "cr.sh", """
                cat > %1$s/cr.state
                pid=$(sed -n 's/.*"pid":\\([0-9]*\\).*/\\1/p' %1$s/cr.state)
                echo "$1 $2" > %1$s/cr.args
                env | sort > %1$s/cr.env
                readlink /proc/self/ns/mnt > %1$s/cr.mntns
                [ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ] && echo yes > %1$s/cr.init-in-its-pidns
                [ -e %1$s/ran ] && echo yes > %1$s/cr.program-ran
                exit 0
                """.formatted(marks));
        // createContainer: the container's mount namespace, the host's paths still in reach.
        Path cc = script(bin, "cc.sh", """
                cat > %1$s/cc.state
                readlink /proc/self/ns/mnt > %1$s/cc.mntns
                """.formatted(marks));
        // startContainer: resolved and run inside the container (its /tmp is the marks directory).
        String inContainer = "sc-" + UUID.randomUUID() + ".sh";
        script(marks, inContainer, """
                cat > /tmp/sc.state
                hostname > /tmp/sc.hostname
                [ -e /tmp/ran ] && echo yes > /tmp/sc.program-ran
                [ -e %s ] && echo yes > /tmp/sc.sees-host
                exit 0
                """.formatted(bin));
        Path ps = script(bin, "ps.sh", "cat > %1$s/ps.state\n".formatted(marks));
        Path post = script(bin, "post.sh", """
                cat > %1$s/post.state
                [ -e %2$s/%3$s ] && echo yes > %1$s/post.state-dir-left
                exit 0
                """.formatted(marks, Jspec.STATE_ROOT, id));
        Path b = bundle(id, marks, """
                createRuntime:
                  - {path: %s, args: [cr, one, two], env: [HOOK_VAR=cr-env, PATH=/usr/bin:/bin], timeout: 20}
                createContainer:
                  - {path: %s, env: [PATH=/usr/bin:/bin]}
                startContainer:
                  - {path: /tmp/%s, env: [PATH=/bin]}
                poststart:
                  - {path: %s, env: [PATH=/usr/bin:/bin]}
                poststop:
                  - {path: %s, env: [PATH=/usr/bin:/bin]}
                """.formatted(cr, cc, inContainer, ps, post));
        Path pidFile = work.resolve(id + ".pid");
        try {
            Jspec.Result create = Jspec.run("create", "--bundle", b.toString(), "--pid-file", pidFile.toString(), id);
            assertEquals(0, create.exit(), create.toString());
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            String bundleDir = b.toAbsolutePath().normalize().toString();
            String state = "{\"ociVersion\":\"1.2.0\",\"id\":\"" + id + "\",\"status\":\"creating\",\"pid\":" + pid
                    + ",\"bundle\":\"" + bundleDir + "\",\"annotations\":{\"org.example.hooks\":\"yes-please\"}}";
            assertEquals(state, read(marks.resolve("cr.state")));
            assertEquals("one two", read(marks.resolve("cr.args")));
            assertEquals("HOOK_VAR=cr-env\nPATH=/usr/bin:/bin",
                    read(marks.resolve("cr.env")).replaceAll("(?m)^(_|SHLVL|OLDPWD|PWD)=.*\n?", "").strip(),
                    "exactly the hook's env, nothing of jspec's");
            assertEquals(hostMntNs, read(marks.resolve("cr.mntns")), "createRuntime runs in the runtime's mount namespace");
            assertEquals("yes", read(marks.resolve("cr.init-in-its-pidns")), "the container's init exists, in its own pid namespace");
            assertEquals("<none>", read(marks.resolve("cr.program-ran")));

            assertEquals(state, read(marks.resolve("cc.state")));
            assertNotEquals(hostMntNs, read(marks.resolve("cc.mntns")), "createContainer runs in the container's mount namespace");
            assertFalse(Files.exists(marks.resolve("sc.state")), "startContainer waits for start");
            assertFalse(Files.exists(marks.resolve("ps.state")));

            Jspec.Result start = Jspec.run("start", id);
            assertEquals(0, start.exit(), start.toString());
            assertEquals(state.replace("creating", "created"), read(marks.resolve("sc.state")));
            assertEquals(id, read(marks.resolve("sc.hostname")), "startContainer runs in the container");
            assertEquals("<none>", read(marks.resolve("sc.sees-host")), "in the container's root");
            assertEquals("<none>", read(marks.resolve("sc.program-ran")), "before the program");
            // start returns after poststart, which comes after the execve
            assertEquals(state.replace("creating", "running"), read(marks.resolve("ps.state")));
            awaitFile(marks.resolve("ran"));
            assertTrue(Files.exists(marks.resolve("ran")));
            assertFalse(Files.exists(marks.resolve("post.state")));
        } finally {
            Jspec.Result delete = Jspec.run("delete", "--force", id);
            assertEquals(0, delete.exit(), delete.toString());
        }
        assertEquals("{\"ociVersion\":\"1.2.0\",\"id\":\"" + id + "\",\"status\":\"stopped\",\"pid\":0,\"bundle\":\""
                + b.toAbsolutePath().normalize() + "\",\"annotations\":{\"org.example.hooks\":\"yes-please\"}}",
                read(marks.resolve("post.state")));
        assertEquals("<none>", read(marks.resolve("post.state-dir-left")), "poststop runs after the container is deleted");
    }

    @Test
    void aFailingCreateRuntimeHookFailsCreateAndLeavesNothing() throws Exception {
        String id = "hooks-fail";
        Path marks = Files.createDirectories(work.resolve("marks-fail"));
        Path bin = Files.createDirectories(work.resolve("bin-fail"));
        Path bad = script(bin, "bad.sh", """
                sed -n 's/.*"pid":\\([0-9]*\\).*/\\1/p' > %1$s/init.pid
                echo "hook says no" >&2
                exit 3
                """.formatted(marks));
        Path post = script(bin, "post.sh", "cat > %s/post.state\n".formatted(marks));
        Path b = bundle(id, marks, """
                createRuntime:
                  - {path: /bin/true}
                  - {path: %s, env: [PATH=/usr/bin:/bin]}
                poststop:
                  - {path: %s, env: [PATH=/usr/bin:/bin]}
                """.formatted(bad, post));
        Jspec.Result create = Jspec.run("create", "--bundle", b.toString(), id);
        assertEquals(125, create.exit(), create.toString());
        List<String> lines = create.err().lines().toList();
        assertTrue(lines.contains("hook says no"), "the hook's stderr reaches jspec's: " + create);
        String last = lines.getLast();
        assertTrue(last.startsWith("jspec: step ") && last.contains("hook createRuntime[1]: \"" + bad + "\"")
                && last.endsWith(": exited with status 3"), create.toString());
        assertEquals(1, Jspec.run("state", id).exit(), "no state left");
        long pid = Long.parseLong(read(marks.resolve("init.pid")));
        assertTrue(pid > 1, "the hook saw the init's pid");
        assertFalse(alive(pid), "the init was killed");
        assertFalse(Files.exists(marks.resolve("ran")), "the program never ran");
        assertTrue(Files.exists(marks.resolve("post.state")), "poststop runs after the failed create is undone");
        // NoLeftovers checks the cgroups, mounts, state and processes.
    }

    @Test
    void aHookPastItsTimeoutIsKilledAndFailsCreate() throws Exception {
        String id = "hooks-timeout";
        Path marks = Files.createDirectories(work.resolve("marks-timeout"));
        Path bin = Files.createDirectories(work.resolve("bin-timeout"));
        Path slow = script(bin, "slow.sh", "read -r pid rest < /proc/self/stat\necho $pid > %s/hook.pid\nexec sleep 60\n".formatted(marks));
        Path b = bundle(id, marks, """
                createContainer:
                  - {path: %s, timeout: 1, env: [PATH=/usr/bin:/bin]}
                """.formatted(slow));
        long before = System.nanoTime();
        Jspec.Result create = Jspec.run("create", "--bundle", b.toString(), id);
        long seconds = (System.nanoTime() - before) / 1_000_000_000L;
        assertEquals(125, create.exit(), create.toString());
        assertTrue(create.err().strip().endsWith("hook createContainer[0]: \"" + slow + "\" [] env[1], the state on stdin, timeout 1s: "
                + "timed out after 1s (killed)"), create.toString());
        assertTrue(seconds < 30, "killed at its timeout, not waited for: " + seconds + "s");
        assertFalse(alive(Long.parseLong(read(marks.resolve("hook.pid")))), "the hook was killed");
        assertEquals(1, Jspec.run("state", id).exit());
    }

    @Test
    void aFailingStartContainerHookFailsStartAndTheProgramNeverRuns() throws Exception {
        String id = "hooks-start-fail";
        Path marks = Files.createDirectories(work.resolve("marks-start-fail"));
        Path b = bundle(id, marks, """
                startContainer:
                  - {path: /bin/false}
                """);
        try {
            assertEquals(0, Jspec.run("create", "--bundle", b.toString(), id).exit());
            Jspec.Result start = Jspec.run("start", id);
            assertEquals(1, start.exit(), start.toString());
            assertTrue(start.err().contains("hook startContainer[0]: \"/bin/false\"") && start.err().contains("exited with status 1"),
                    start.toString());
            Thread.sleep(200);
            assertFalse(Files.exists(marks.resolve("ran")), "the program never ran");
        } finally {
            assertEquals(0, Jspec.run("delete", "--force", id).exit());
        }
    }

    @Test
    void runRunsPoststartWhileTheProgramRunsAndPoststopAtTheEnd() throws Exception {
        String id = "hooks-run";
        Path marks = Files.createDirectories(work.resolve("marks-run"));
        Path bin = Files.createDirectories(work.resolve("bin-run"));
        Path ps = script(bin, "ps.sh", "cat > %s/ps.state\n".formatted(marks));
        Path post = script(bin, "post.sh", "cat > %1$s/post.state\n[ -e %2$s/%3$s ] && echo yes > %1$s/post.state-dir-left\nexit 0\n"
                .formatted(marks, Jspec.STATE_ROOT, id));
        Path failing = script(bin, "failing.sh", "exit 4\n");
        Path b = TestBundles.write(work, id, TestBundles.config(id, "args: [sh, -c, 'exit 5']\ncwd: /\nenv: [PATH=/bin]", "", "")
                + "hooks:\n" + """
                poststart:
                  - {path: %s, env: [PATH=/usr/bin:/bin]}
                  - {path: %s}
                poststop:
                  - {path: %s, env: [PATH=/usr/bin:/bin]}
                """.formatted(failing, ps, post).indent(2));
        Jspec.Result run = Jspec.run("run", "--bundle", b.toString(), id);
        assertEquals(5, run.exit(), "the program's status, whatever the hooks: " + run);
        assertTrue(run.err().contains("jspec: warning: hook poststart[0] " + failing + ": exited with status 4"), run.toString());
        assertTrue(read(marks.resolve("ps.state")).contains("\"status\":\"running\""), "the next poststart hook still ran");
        assertTrue(read(marks.resolve("post.state")).contains("\"status\":\"stopped\""), run.toString());
        assertEquals("<none>", read(marks.resolve("post.state-dir-left")));
    }
}
