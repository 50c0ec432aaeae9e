package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every mount type, devices, masked and read-only paths, as the container sees them. */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class MountsIT {

    @TempDir
    static Path work;
    private static Path hostDir;

    @BeforeAll
    static void setUp() throws IOException {
        hostDir = Files.createDirectories(work.resolve("hostdir"));
        Files.writeString(hostDir.resolve("file.txt"), "from the host\n");
    }

    private static Jspec.Result run(String name, String script, String mounts, String linux) throws IOException {
        String process = "args: [sh, -c, '" + script.replace("'", "''") + "']\ncwd: /\nenv: [PATH=/bin]\n"
                + "capabilities: {bounding: [CAP_SYS_ADMIN, CAP_DAC_OVERRIDE], effective: [CAP_SYS_ADMIN, CAP_DAC_OVERRIDE],"
                + " permitted: [CAP_SYS_ADMIN, CAP_DAC_OVERRIDE]}";
        Path bundle = TestBundles.write(work, name, TestBundles.config(name, process, mounts, linux));
        return Jspec.run("run", "--bundle", bundle.toString(), name);
    }

    /** The options column of /proc/mounts for one mount point, from the script's output. */
    private static String options(String procMounts, String mountPoint) {
        for (String line : procMounts.split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 3 && f[1].equals(mountPoint)) {
                return f[3];
            }
        }
        throw new AssertionError(mountPoint + " is not mounted:\n" + procMounts);
    }

    @Test
    void tmpcopyupFillsAWritableTmpfsWithWhatTheImageHeldThere() throws IOException {
        Jspec.Result r = run("copyup", "cat /etc/passwd | head -1; ls -ln /etc/passwd; echo new > /etc/added && cat /etc/added; touch /root-write",
                "- {destination: /etc, type: tmpfs, source: tmpfs, options: [nosuid, tmpcopyup, size=1m]}", "");
        assertEquals(1, r.exit(), "the root stays read-only: " + r);
        assertTrue(r.out().startsWith("root:x:0:0:"), "the image's /etc/passwd was copied in: " + r);
        assertTrue(r.out().contains("-rw-r--r--    1 0        0 "), "with its mode and owner: " + r);
        assertTrue(r.out().contains("new\n"), "and /etc is writable: " + r);
        assertTrue(Files.notExists(TestBundles.rootfs().resolve("etc/added")), "nothing reached the image itself");
    }

    @Test
    void kernelFilesystemsMountWithTheirOptions() throws IOException {
        Jspec.Result r = run("kernelfs", "cat /proc/mounts", """
                - {destination: /dev/pts, type: devpts, source: devpts, options: [nosuid, noexec, newinstance, ptmxmode=0666, mode=0620]}
                - {destination: /dev/shm, type: tmpfs, source: shm, options: [nosuid, noexec, nodev, mode=1777, size=1m]}
                - {destination: /dev/mqueue, type: mqueue, source: mqueue, options: [nosuid, noexec, nodev]}
                - {destination: /sys, type: sysfs, source: sysfs, options: [nosuid, noexec, nodev, ro]}
                - {destination: /scratch, type: tmpfs, source: tmpfs, options: [size=2m, mode=700]}
                """, "");
        assertEquals(0, r.exit(), r.toString());
        String m = r.out();
        assertTrue(options(m, "/proc").contains("nosuid"), m);
        assertTrue(options(m, "/dev/pts").contains("ptmxmode=666"), m);
        assertTrue(options(m, "/dev/shm").contains("size=1024k"), m);
        assertTrue(options(m, "/dev/mqueue").startsWith("rw,nosuid,nodev,noexec"), m);
        assertTrue(options(m, "/sys").startsWith("ro,"), m);
        assertTrue(options(m, "/scratch").contains("mode=700"), m);
    }

    @Test
    void bindMountsCarryReadOnlyAndSecurityFlags() throws IOException {
        Jspec.Result r = run("bind", "cat /data/file.txt; touch /data/x 2>/dev/null && echo writable || echo read-only; cat /proc/mounts",
                "- {destination: /data, type: bind, source: " + hostDir + ", options: [rbind, ro, nosuid, nodev, noexec]}", "");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("from the host\nread-only\n"), r.toString());
        String opts = options(r.out(), "/data");
        assertTrue(opts.startsWith("ro,nosuid,nodev,noexec"), opts);
    }

    @Test
    void aBindMountOfAFileGetsAFileMountPoint() throws IOException {
        Jspec.Result r = run("bindfile", "cat /etc/greeting",
                "- {destination: /etc/greeting, type: bind, source: " + hostDir.resolve("file.txt") + ", options: [bind, ro]}", "");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("from the host\n", r.out());
    }

    @Test
    void recursiveReadOnlyReachesSubmountsWhereReadOnlyDoesNot() throws Exception {
        Path sub = Files.createDirectories(hostDir.resolve("sub"));
        sh("mount -t tmpfs jspec-it-sub " + sub);
        try {
            String probe = "touch /data/sub/x 2>/dev/null && echo writable || echo read-only";
            Jspec.Result ro = run("ro", probe, "- {destination: /data, type: bind, source: " + hostDir + ", options: [rbind, ro]}", "");
            assertEquals("writable\n", ro.out(), "ro covers only the top mount: " + ro);
            Jspec.Result rro = run("rro", probe, "- {destination: /data, type: bind, source: " + hostDir + ", options: [rbind, rro]}", "");
            assertEquals("read-only\n", rro.out(), rro.toString());
        } finally {
            sh("umount " + sub);
        }
    }

    private static void sh(String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        assertEquals(0, p.waitFor(), command);
    }

    @Test
    void defaultDevicesAndLinksExist() throws IOException {
        Jspec.Result r = run("devices",
                "for d in null zero full random urandom tty; do stat -c \"%n %F %t:%T %a\" /dev/$d; done;"
                        + " for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done; echo x > /dev/null && echo null-ok",
                "- {destination: /dev/pts, type: devpts, source: devpts, options: [newinstance, ptmxmode=0666]}",
                "devices: [{type: c, path: /dev/fuse, major: 10, minor: 229, fileMode: 432, uid: 0, gid: 0}]");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("""
                /dev/null character special file 1:3 666
                /dev/zero character special file 1:5 666
                /dev/full character special file 1:7 666
                /dev/random character special file 1:8 666
                /dev/urandom character special file 1:9 666
                /dev/tty character special file 5:0 666
                /proc/self/fd
                /proc/self/fd/0
                /proc/self/fd/1
                /proc/self/fd/2
                pts/ptmx
                null-ok
                """, r.out(), r.toString());
    }

    @Test
    void configuredDevicesAreCreated() throws IOException {
        Jspec.Result r = run("fuse", "stat -c \"%n %F %t:%T %a\" /dev/fuse", "",
                "devices: [{type: c, path: /dev/fuse, major: 10, minor: 229, fileMode: 432, uid: 0, gid: 0}]");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("/dev/fuse character special file a:e5 660\n", r.out(), r.toString());
    }

    @Test
    void maskedPathsAreEmptyAndReadonlyPathsAreReadOnly() throws IOException {
        Jspec.Result r = run("masked",
                "wc -c < /proc/timer_list; ls /sys/firmware | wc -l; echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo writable || echo read-only",
                "- {destination: /sys, type: sysfs, source: sysfs, options: [nosuid, noexec, nodev, ro]}",
                "maskedPaths: [/proc/timer_list, /sys/firmware, /does/not/exist]\nreadonlyPaths: [/proc/sys, /also/missing]");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("0\n0\nread-only\n", r.out(), r.toString());
    }

    @Test
    void aCgroupMountShowsTheContainersOwnCgroupsReadOnly() throws IOException {
        Jspec.Result r = run("cgroupfs",
                "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max;"
                        + " touch /sys/fs/cgroup/x 2>/dev/null && echo writable || echo read-only",
                "- {destination: /sys/fs/cgroup, type: cgroup, source: cgroup, options: [nosuid, noexec, nodev, relatime, ro]}",
                "resources: {memory: {limit: 64Mi}}");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("67108864\nread-only\n", r.out(), r.toString());
    }

    @Test
    void theRootCanBeReadOnly() throws IOException {
        Jspec.Result r = run("rootro", "touch /newfile 2>/dev/null && echo writable || echo read-only", "", "");
        assertEquals("read-only\n", r.out(), r.toString());
    }

    @Test
    void sysctlsApplyInsideOnly() throws IOException {
        String host = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward"));
        Jspec.Result r = run("sysctl", "cat /proc/sys/net/ipv4/ip_forward", "", "sysctl: {net.ipv4.ip_forward: '1'}");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("1\n", r.out(), r.toString());
        assertEquals(host, Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")));
    }
}
