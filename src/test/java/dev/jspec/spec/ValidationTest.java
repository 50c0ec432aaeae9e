package dev.jspec.spec;

import static dev.jspec.spec.Configs.minimal;
import static dev.jspec.spec.Configs.problem;
import static dev.jspec.spec.Configs.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each class of config error, with the exact place and words a user sees. */
class ValidationTest {

    @Test
    void unknownKeySuggestsTheClosestKnownOne() {
        assertEquals("6:1: unknown key 'hostnme'; did you mean 'hostname'? (at hostnme)", problem(minimal("hostnme: a\n")));
        assertEquals("7:3: unknown key 'namespace'; did you mean 'namespaces'? (at linux.namespace)",
                problem(minimal("linux:\n  namespace: []\n")));
    }

    @Test
    void unknownKeyWithNothingCloseListsWhatTheObjectTakes() {
        assertEquals("2:22: unknown key 'colour'; root takes path, readonly (at root.colour)",
                problem("ociVersion: 1.2.0\nroot: {path: rootfs, colour: red}\n"));
    }

    @Test
    void knownButUnsupportedOciFieldsAreNamed() {
        assertEquals("6:3: 'scheduler' is an OCI runtime-spec field jspec does not support yet (at process.scheduler)",
                problem(minimal("  scheduler: {policy: SCHED_OTHER}\n")));
        assertEquals("6:1: 'windows' configures a Windows container; jspec runs Linux containers (at windows)", problem(minimal("windows: {}\n")));
    }

    @Test
    void wrongTypeSaysWhatWasFoundAndExpected() {
        assertEquals("5:8: 5 is an integer; cwd must be a string (at process.cwd)",
                problem("ociVersion: 1.2.0\nroot: {path: rootfs}\nprocess:\n  args: [sh]\n  cwd: 5\n"));
        assertEquals("6:13: \"yes\" is a string; terminal must be a boolean (YAML 1.2 reads yes as a string: write true or false) (at process.terminal)",
                problem(minimal("  terminal: yes\n")));
    }

    @Test
    void badEnumNamesTheSetAndItsMembers() {
        assertEquals("8:13: \"bogus\" is not a namespace type; expected one of pid, network, mount, ipc, uts, user, cgroup, time "
                + "(at linux.namespaces[0].type)", problem(minimal("linux:\n  namespaces:\n    - type: bogus\n")));
        assertEquals("6:20: \"RLIMIT_NOFLIE\" is not an rlimit type; did you mean 'RLIMIT_NOFILE'? (at process.rlimits[0].type)",
                problem(minimal("  rlimits: [{type: RLIMIT_NOFLIE, soft: 1, hard: 1}]\n")));
    }

    @Test
    void aLongEnumWithNoNearMissIsNotListedInFull() {
        String p = problem(minimal("  capabilities: {bounding: [CAP_EVERYTHING]}\n"));
        assertTrue(p.startsWith("6:29: \"CAP_EVERYTHING\" is not a capability; expected one of CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, ... (41 names"), p);
    }

    @Test
    void outOfRangeGivesTheRange() {
        assertEquals("6:16: -1001 is out of range; oomScoreAdj must be between -1000 and 1000 (at process.oomScoreAdj)",
                problem(minimal("  oomScoreAdj: -1001\n")));
        assertEquals("9:19: 101 is out of range; swappiness must be between 0 and 100 (at linux.resources.memory.swappiness)",
                problem(minimal("linux:\n  resources:\n    memory:\n      swappiness: 101\n")));
        assertEquals("6:39: 18446744073709551616 is out of range; soft must be between 0 and 18446744073709551615 (at process.rlimits[0].soft)",
                problem(minimal("  rlimits: [{type: RLIMIT_CORE, soft: 18446744073709551616, hard: 18446744073709551615}]\n")));
    }

    @Test
    void missingRequiredPointsAtTheObjectThatLacksIt() {
        assertEquals("3:1: missing required field 'cwd' (at process)", problem("ociVersion: 1.2.0\nroot: {path: rootfs}\nprocess:\n  args: [sh]\n"));
        assertEquals("1:1: missing required field 'ociVersion'", problem("root: {path: rootfs}\n"));
        assertEquals("7:7: missing required field 'hard' (at process.rlimits[0])",
                problem(minimal("  rlimits:\n    - type: RLIMIT_CORE\n      soft: 1\n")));
    }

    @Test
    void aValueThatFitsNoAlternativeGetsOneMessage() {
        assertEquals("6:37: true is a boolean; expected bytes (int64; -1 means unlimited) or a size string such as 64Mi "
                + "(at linux.resources.memory.limit)", problem(minimal("linux: {resources: {memory: {limit: true}}}\n")));
        assertEquals("6:37: -2 is out of range; limit must be between -1 and 9223372036854775807 (at linux.resources.memory.limit)",
                problem(minimal("linux: {resources: {memory: {limit: -2}}}\n")));
    }

    @Test
    void everyProblemIsReportedInFileOrder() {
        List<Diagnostic> all = problems("""
                ociVersion: 1
                root: {path: rootfs}
                hostnme: x
                process:
                  args: []
                  cwd: relative
                """);
        assertEquals(List.of(
                        "test.yaml:1:13: 1 is an integer; ociVersion must be a string (at ociVersion)",
                        "test.yaml:3:1: unknown key 'hostnme'; did you mean 'hostname'? (at hostnme)",
                        "test.yaml:5:9: args needs at least 1 item (at process.args)",
                        "test.yaml:6:8: process.cwd must be an absolute path; 'relative' is relative (at process.cwd)"),
                all.stream().map(Diagnostic::toString).toList());
    }

    @Test
    void ociVersionMustBeSemVer() {
        assertEquals("1:13: \"1.0\" is not a valid ociVersion; expected the version of the OCI runtime-spec the bundle follows, "
                + "in SemVer 2.0.0 form, e.g. 1.2.0 (at ociVersion)", problem("ociVersion: \"1.0\"\nroot: {path: rootfs}\n"));
    }

    @Test
    void mountDestinationsMustBeAbsolute() {
        assertEquals("6:36: a mount destination must be an absolute path in the container; 'proc' is relative (at mounts[0].destination)",
                problem(minimal("mounts: [{type: proc, destination: proc}]\n")));
    }

    @Test
    void duplicateMountDestinationsAreAllowed() {
        Configs.load(minimal("mounts: [{destination: /tmp, type: tmpfs}, {destination: /tmp, type: tmpfs}]\n"));
    }

    @Test
    void rootMustExistAndBeADirectory() {
        assertEquals("2:14: the root filesystem 'missing' does not exist (a relative root.path starts at the bundle directory, "
                + "where the config is) (at root.path)", problem("ociVersion: 1.2.0\nroot: {path: missing}\n"));
        assertEquals("2:14: the root filesystem 'minimal.yaml' is not a directory (at root.path)",
                problem("ociVersion: 1.2.0\nroot: {path: minimal.yaml}\n"));
    }

    @Test
    void namespaceRules() {
        assertEquals("6:42: namespace type 'pid' is listed twice (first at line 6); list each type once, with its path if it "
                + "joins an existing namespace (at linux.namespaces[1].type)",
                problem(minimal("linux: {namespaces: [{type: pid}, {type: pid, path: /proc/1/ns/pid}]}\n")));
        assertEquals("6:44: a namespace path must be absolute, e.g. /proc/1234/ns/net; 'ns/net' is relative (at linux.namespaces[0].path)",
                problem(minimal("linux: {namespaces: [{type: network, path: ns/net}]}\n")));
        assertEquals("6:11: hostname is set but the container shares the host's UTS namespace; add {type: uts} to linux.namespaces (at hostname)",
                problem(minimal("hostname: web\n")));
        assertEquals("6:22: linux.gidMappings needs a user namespace; add {type: user} to linux.namespaces (at linux.gidMappings)",
                problem(minimal("linux: {gidMappings: [{containerID: 0, hostID: 1000, size: 1}]}\n")));
        assertEquals(2, problems(minimal("linux: {namespaces: [{type: user}]}\n")).size(), "a new user namespace without mappings");
        assertEquals("6:22: linux.timeOffsets needs a time namespace; add {type: time} to linux.namespaces (at linux.timeOffsets)",
                problem(minimal("linux: {timeOffsets: {monotonic: {secs: 1}}}\n")));
    }

    @Test
    void rlimitRules() {
        assertEquals("6:41: soft limit 10 is above the hard limit 5; setrlimit(2) refuses that (at process.rlimits[0].soft)",
                problem(minimal("  rlimits: [{type: RLIMIT_NOFILE, soft: 10, hard: 5}]\n")));
        assertEquals("6:59: rlimit RLIMIT_CORE is set twice (first at line 6) (at process.rlimits[1].type)",
                problem(minimal("  rlimits: [{type: RLIMIT_CORE, soft: 1, hard: 1}, {type: RLIMIT_CORE, soft: 1, hard: 1}]\n")));
        // RLIM_INFINITY as soft with a finite hard limit is soft > hard too (unsigned).
        assertEquals(1, problems(minimal("  rlimits: [{type: RLIMIT_CORE, soft: 18446744073709551615, hard: 1}]\n")).size());
    }

    @Test
    void sysctlsMustBelongToANamespaceTheContainerOwns() {
        assertEquals("6:18: sysctl kernel.panic is not namespaced; setting it from a container would change the host "
                + "(at linux.sysctl[\"kernel.panic\"])", problem(minimal("linux: {sysctl: {kernel.panic: \"1\"}}\n")));
        assertEquals("6:18: sysctl kernel.shmmax belongs to the ipc namespace, which the container shares with the host; "
                + "add {type: ipc} to linux.namespaces (at linux.sysctl[\"kernel.shmmax\"])",
                problem(minimal("linux: {sysctl: {kernel.shmmax: \"1\"}}\n")));
        Configs.load(minimal("linux: {namespaces: [{type: network}, {type: ipc}], sysctl: {net.core.somaxconn: \"1024\", fs.mqueue.queues_max: \"10\"}}\n"));
    }

    @Test
    void devicesNeedNumbersUnlessTheyAreFifos() {
        assertEquals("6:19: device /dev/x of type c needs 'minor' (only a FIFO, type p, has none) (at linux.devices[0])",
                problem(minimal("linux: {devices: [{type: c, path: /dev/x, major: 1}]}\n")));
        Configs.load(minimal("linux: {devices: [{type: p, path: /dev/fifo}]}\n"));
    }

    @Test
    void hookPathsMustBeAbsolute() {
        assertEquals("6:27: a hook path must be absolute; 'true' is relative (at hooks.poststop[0].path)",
                problem(minimal("hooks: {poststop: [{path: \"true\"}]}\n")));
    }

    @Test
    void swapBelowTheMemoryLimitIsRefused() {
        assertEquals(1, problems(minimal("linux: {resources: {memory: {limit: 2Gi, swap: 1Gi}}}\n")).size());
    }
}
