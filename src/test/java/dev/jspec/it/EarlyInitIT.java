package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The init spawned before the config is read (Planner.prelude): taken over when the plan
 * starts with its steps, killed when it does not or when the config fails, and in every
 * case (checked by {@link NoLeftovers}: processes, state, cgroups, mounts) nothing left.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class EarlyInitIT {

    private static final String TAKEN_OVER = "ran before the config was read (the init started early)";
    private static final String KILLED = "that init was killed, the plan runs from step 1";

    @TempDir
    static Path work;

    private static Path bundle(String name, String namespaces) throws IOException {
        return TestBundles.write(work, name, """
                ociVersion: 1.2.0
                root: {path: ROOTFS, readonly: true}
                hostname: %s
                process:
                  args: [sh, -c, 'echo "ran in $(hostname)"']
                  cwd: /
                  env: [PATH=/bin]
                mounts:
                  - {destination: /proc, type: proc, source: proc}
                linux:
                  namespaces: %s
                """.formatted(name, namespaces));
    }

    /** Runs a bundle with these namespaces under --debug: it must run, and say what became of the early init. */
    private static void runs(String name, String namespaces, String fate) throws IOException {
        Jspec.Result r = Jspec.run("run", "--debug", "--bundle", bundle(name, namespaces).toString(), name);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("ran in " + name + "\n", r.out());
        assertTrue(r.err().contains(fate), r.err());
    }

    @Test
    void aConfigWithTheUsualNamespacesRunsOnTheEarlyInit() throws IOException {
        runs("early-usual", "[{type: pid}, {type: network}, {type: ipc}, {type: uts}, {type: mount}, {type: cgroup}]", TAKEN_OVER);
    }

    @Test
    void aConfigThatJoinsANamespaceKillsTheEarlyInitAndStartsAgain() throws IOException {
        // The host's network namespace, by path: the plan starts with a setns the prelude lacks.
        runs("early-joins", "[{type: pid}, {type: network, path: /proc/self/ns/net}, {type: ipc}, {type: uts}, {type: mount}]",
                KILLED);
    }

    @Test
    void aConfigWithoutAPidNamespaceKillsTheEarlyInit() throws IOException {
        runs("early-nopid", "[{type: network}, {type: ipc}, {type: uts}, {type: mount}]", KILLED);
    }

    @Test
    void aParentStepThatFailsAfterTheTakeOverLeavesOnlyItsOwnError() throws IOException {
        // The same ID under another state root: the plan, on the early init, fails at the
        // mkdir of the container's cgroup (EEXIST), and everything is rolled back. The init,
        // its plan never sent, goes without a word of its own: it used to print "cannot read
        // the plan" after the real error when it read the closed pipe before the rollback's
        // kill reached it (a race this test does not always win; InitProtocolTest checks
        // the closed pipe is told apart).
        Path b = bundle("early-clash", "[{type: pid}, {type: network}, {type: ipc}, {type: uts}, {type: mount}]");
        Path otherRoot = work.resolve("other-root");
        assertEquals(0, Jspec.run("create", "--bundle", b.toString(), "early-clash").exit());
        try {
            Jspec.Result r = Jspec.run("--root", otherRoot.toString(), "create", "--bundle", b.toString(), "early-clash");
            assertNotEquals(0, r.exit(), r.toString());
            assertTrue(r.err().contains("EEXIST"), r.err());
            assertFalse(r.err().contains("cannot read the plan"), r.err());
            assertFalse(java.nio.file.Files.exists(otherRoot.resolve("early-clash")), "no state may stay behind");
        } finally {
            Jspec.run("delete", "--force", "early-clash");
        }
    }

    @Test
    void anInvalidConfigKillsTheEarlyInitAndRemovesItsState() throws IOException {
        Path b = TestBundles.write(work, "early-invalid", "ociVersion: 1.2.0\nroot: {path: ROOTFS}\nprocess: {args: [true], cwd: 7}\n");
        Jspec.Result r = Jspec.run("run", "--bundle", b.toString(), "early-invalid");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("config.yaml:3:"), r.err());
        assertNotEquals(0, Jspec.run("state", "early-invalid").exit(), "no state may stay behind");
    }

    @Test
    void aCreatedContainerWaitsOnTheEarlyInitUntilStart() throws IOException {
        Path b = bundle("early-create", "[{type: pid}, {type: network}, {type: ipc}, {type: uts}, {type: mount}]");
        Jspec.Result created = Jspec.run("create", "--debug", "--bundle", b.toString(), "early-create");
        try {
            assertEquals(0, created.exit(), created.toString());
            assertTrue(created.err().contains(TAKEN_OVER), created.err());
            assertTrue(Jspec.run("state", "early-create").out().contains("\"created\""));
            assertEquals(0, Jspec.run("start", "early-create").exit());
        } finally {
            Jspec.run("delete", "--force", "early-create");
        }
    }
}
