package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images that try to get out while jspec builds their root: symlinks aimed at the host
 * (absolute, through "..", through the old root's former name), a /dev whose null is not
 * the null device, sysctls through a planted /proc, a cwd through an inherited descriptor.
 * Each test builds its own rootfs, plants a victim directory on the host, and checks that
 * the victim is exactly as it was afterwards.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class HostileImageIT {

    @TempDir
    Path work;
    private Path rootfs;
    private Path victim;

    @BeforeEach
    void plantVictimAndImage() throws IOException, InterruptedException {
        victim = Files.createDirectories(work.resolve("victim"));
        Files.writeString(victim.resolve("secret.txt"), "host secret\n");
        rootfs = work.resolve("rootfs");
        Process p = new ProcessBuilder(Jspec.PROJECT.resolve("bundles/mkrootfs.sh").toString(), rootfs.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "mkrootfs.sh");
    }

    /** Every entry under the victim directory with its content: what must not change. */
    private List<String> victimState() throws IOException {
        try (Stream<Path> s = Files.walk(victim)) {
            return s.sorted().map(p -> {
                try {
                    return victim.relativize(p) + (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "=" + Files.readString(p) : "");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    private Jspec.Result run(String name, String script, String mounts, String linux) throws IOException {
        String config = """
                ociVersion: 1.2.0
                root: {path: %s}
                hostname: %s
                process:
                  args: [sh, -c, '%s']
                  cwd: /
                  env: [PATH=/bin]
                mounts:
                %s
                linux:
                  namespaces: [{type: pid}, {type: mount}, {type: uts}, {type: ipc}, {type: network}]
                %s
                """.formatted(rootfs, name, script.replace("'", "''"), mounts.indent(2).stripTrailing(),
                linux.indent(2).stripTrailing());
        Path bundle = Files.createDirectories(work.resolve("bundle-" + name));
        Files.writeString(bundle.resolve("config.yaml"), config);
        return Jspec.run("run", "--bundle", bundle.toString(), name);
    }

    private static final String PROC_AND_DEV = """
            - {destination: /proc, type: proc, source: proc}
            - {destination: /dev, type: tmpfs, source: tmpfs, options: [nosuid, mode=755]}
            """;

    @Test
    void mountPointsBehindAbsoluteAndDotDotSymlinksLandInsideTheRootfs() throws IOException {
        List<String> before = victimState();
        // The same paths inside the image, where RESOLVE_IN_ROOT takes the links.
        Files.createDirectories(rootfs.resolve(victim.toString().substring(1)));
        Files.createDirectories(rootfs.resolve(".oldroot" + victim));
        // Where the host's root used to be reachable while the container was built.
        Files.createSymbolicLink(rootfs.resolve("abs"), Path.of("/.oldroot" + victim));
        Files.createSymbolicLink(rootfs.resolve("rel"), Path.of("../../../../../../../../" + victim));
        Jspec.Result r = run("symlinks", "ls /abs /rel", PROC_AND_DEV + """
                - {destination: /abs/mnt, type: tmpfs, source: tmpfs}
                - {destination: /rel/mnt2, type: tmpfs, source: tmpfs}
                """, "");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(before, victimState(), "nothing was made in the host's directory");
        assertTrue(Files.isDirectory(rootfs.resolve(".oldroot" + victim).resolve("mnt")), "followed inside the rootfs instead");
        assertTrue(Files.isDirectory(rootfs.resolve(victim.toString().substring(1)).resolve("mnt2")), "followed inside the rootfs instead");
    }

    @Test
    void aMountPointBehindADanglingSymlinkIsRefused() throws IOException {
        List<String> before = victimState();
        Files.createSymbolicLink(rootfs.resolve("abs"), victim);
        Jspec.Result r = run("dangling", "true", PROC_AND_DEV + "- {destination: /abs/mnt, type: tmpfs, source: tmpfs}\n", "");
        assertEquals(125, r.exit(), r.toString());
        assertTrue(r.err().contains("a symlink to a missing path"), r.toString());
        assertEquals(before, victimState());
    }

    @Test
    void theOldRootHasNoNameToFollowASymlinkThrough() throws IOException {
        List<String> before = victimState();
        // /dev through the old root's former name: devices would be made in the host's directory.
        Files.delete(rootfs.resolve("dev"));
        Files.createSymbolicLink(rootfs.resolve("dev"), Path.of("/.oldroot" + victim));
        // No /dev mount: the default nodes and links are made in the image's own /dev.
        Jspec.Result r = run("oldroot", "ls /dev", "- {destination: /proc, type: proc, source: proc}\n", "");
        assertEquals(before, victimState(), "no device node or link was made on the host: " + r);
        assertFalse(Files.exists(victim.resolve("null"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void configuredDevicesAndLinksBehindSymlinksStayInsideTheRootfs() throws IOException {
        List<String> before = victimState();
        Files.createDirectories(rootfs.resolve(".oldroot" + victim));
        Files.createSymbolicLink(rootfs.resolve("evil"), Path.of("/.oldroot" + victim));
        Jspec.Result r = run("devices", "ls -l /evil", PROC_AND_DEV, """
                devices: [{path: /evil/zero, type: c, major: 1, minor: 5}, {path: /evil/secret.txt, type: c, major: 1, minor: 3}]
                """);
        assertEquals(0, r.exit(), r.toString());
        assertEquals(before, victimState(), "the host's files were not replaced by device nodes");
    }

    @Test
    void aBindSourceInsideTheRootfsIsResolvedInsideIt() throws IOException {
        List<String> before = victimState();
        Files.createSymbolicLink(rootfs.resolve("leak"), Path.of("/.oldroot" + victim));
        Jspec.Result r = run("bindsource", "cat /mnt/secret.txt", PROC_AND_DEV + """
                - {destination: /mnt, type: bind, source: %s/leak, options: [rbind]}
                """.formatted(rootfs), "");
        assertFalse(r.out().contains("host secret"), r.toString());
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("/mnt"), r.toString());
        assertEquals(before, victimState());
    }

    @Test
    void maskingRefusesADevNullThatIsNotTheNullDevice() throws IOException {
        List<String> before = victimState();
        Path fakeDev = Files.createDirectories(rootfs.resolve("fakedev"));
        // Where runc's CVE-2025-31133 pointed it: a writable procfs file (here a namespaced one,
        // so that an unfixed jspec fails this test without touching the host).
        Files.createSymbolicLink(fakeDev.resolve("null"), Path.of("/proc/sys/kernel/domainname"));
        Jspec.Result r = run("fakenull", "echo pwned > /proc/keys", """
                - {destination: /proc, type: proc, source: proc}
                - {destination: /dev, type: bind, source: %s, options: [rbind]}
                """.formatted(fakeDev), "maskedPaths: [/proc/keys, /proc/timer_list]");
        assertEquals(125, r.exit(), r.toString());
        assertTrue(r.err().contains("/dev/null"), r.toString());
        assertEquals(before, victimState());
    }

    @Test
    void sysctlsCannotBeRedirectedThroughAPlantedProc() throws IOException {
        List<String> before = victimState();
        // No /proc mount in the config; the image's own /proc/sys/kernel/domainname points at the host.
        Path kernel = Files.createDirectories(rootfs.resolve("proc/sys/kernel"));
        Files.createSymbolicLink(kernel.resolve("domainname"), Path.of("/.oldroot" + victim.resolve("secret.txt")));
        Jspec.Result r = run("sysctl", "true", """
                - {destination: /dev, type: tmpfs, source: tmpfs, options: [nosuid, mode=755]}
                """, "sysctl: {kernel.domainname: pwned}");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(before, victimState(), "the sysctl went to the kernel, not to a file of the image's choosing");
    }

    @Test
    void aCwdThroughAnInheritedDescriptorIsRefused() throws IOException, InterruptedException {
        // The caller holds the victim directory open as fd 7, as a careless engine might.
        Path bundle = Files.createDirectories(work.resolve("bundle-cwd"));
        Files.writeString(bundle.resolve("config.yaml"), """
                ociVersion: 1.2.0
                root: {path: %s}
                process: {args: [sh, -c, 'ls ..; cat ../victim/secret.txt'], cwd: /proc/self/fd/7, env: [PATH=/bin]}
                mounts: [{destination: /proc, type: proc, source: proc}]
                linux: {namespaces: [{type: pid}, {type: mount}]}
                """.formatted(rootfs));
        List<String> cmd = Jspec.command("run", "--root", Jspec.STATE_ROOT.toString(), "--bundle", bundle.toString(), "cwd");
        String shell = "exec 7<" + victim + "; exec " + String.join(" ", cmd.stream().map(a -> "'" + a + "'").toList());
        Process p = new ProcessBuilder("sh", "-c", shell).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertFalse(out.contains("host secret"), out);
        assertEquals(125, p.exitValue(), out);
        assertTrue(out.contains("chdir"), out);
    }

    @Test
    void preserveFdsPassesExactlyTheDescriptorsItNames() throws IOException, InterruptedException {
        Files.writeString(work.resolve("three.txt"), "fd three\n");
        Files.writeString(work.resolve("four.txt"), "fd four\n");
        Path bundle = Files.createDirectories(work.resolve("bundle-fds"));
        Files.writeString(bundle.resolve("config.yaml"), """
                ociVersion: 1.2.0
                root: {path: %s}
                process:
                  args: [sh, -c, 'cat <&3; cat <&4; if [ -e /proc/self/fd/5 ]; then echo fd 5 leaked; else echo fd 5 closed; fi']
                  cwd: /
                  env: [PATH=/bin]
                mounts: [{destination: /proc, type: proc, source: proc}]
                linux: {namespaces: [{type: pid}, {type: mount}]}
                """.formatted(rootfs));
        List<String> cmd = Jspec.command("run", "--root", Jspec.STATE_ROOT.toString(), "--preserve-fds", "2", "--bundle",
                bundle.toString(), "fds");
        String shell = "exec 3<" + work.resolve("three.txt") + " 4<" + work.resolve("four.txt") + " 5<" + victim.resolve("secret.txt")
                + "; exec " + String.join(" ", cmd.stream().map(a -> "'" + a + "'").toList());
        Process p = new ProcessBuilder("sh", "-c", shell).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("fd three\nfd four\nfd 5 closed\n", out);
    }

    @Test
    void noCapabilitiesInTheConfigMeansNone() throws IOException {
        Jspec.Result r = run("nocaps", "grep -E ^Cap /proc/self/status", PROC_AND_DEV, "");
        assertEquals(0, r.exit(), r.toString());
        for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
            assertTrue(r.out().contains(set + ":\t0000000000000000"), set + " is empty:\n" + r);
        }
    }
}
