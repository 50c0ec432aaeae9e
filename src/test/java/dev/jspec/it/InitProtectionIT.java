package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jspec.cgroup.CgroupLayoutProbe;
import dev.jspec.plan.Capability;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing of the host is writable from inside, at any moment (CVE-2019-5736): not the
 * init's java through /proc/self/exe, not its files through its /proc/PID/fd and map_files
 * while it starts, and none of its threads keeps capabilities for a process in a shared PID
 * namespace to reach.
 *
 * <p>The probes open the host's java with O_TRUNC, which would empty it if the protection
 * failed and the kernel let an executing binary be opened for writing; they run only after
 * checking that it refuses that (ETXTBSY) for the java this JVM executes.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class InitProtectionIT {

    @TempDir
    static Path work;

    private static final Path JAVA_HOME = realPath(Path.of(System.getProperty("java.home")));
    private static final Path JAVA = JAVA_HOME.resolve("bin/java");

    /**
     * What the "image" runs: the host's java, reached through /proc/self/exe, started by the
     * image's own dynamic loader. It tries what CVE-2019-5736's exploit did: open the binary
     * for writing, directly and by re-opening a read-only descriptor of it through /proc.
     */
    public static final class Attacker {
        @SuppressWarnings("try") // the opens are the test; the streams are never used
        public static void main(String[] args) throws IOException {
            Path exe = Files.readSymbolicLink(Path.of("/proc/self/exe"));
            System.out.println("exe is " + exe);
            try (FileOutputStream out = new FileOutputStream("/proc/self/exe")) {
                System.out.println("exe: opened for writing");
            } catch (IOException e) {
                System.out.println("exe: " + e.getMessage());
            }
            try (FileInputStream in = new FileInputStream("/proc/self/exe")) {
                String fd = null;
                try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                    for (Path p : fds.toList()) {
                        try {
                            if (Files.readSymbolicLink(p).equals(exe)) {
                                fd = p.toString();
                            }
                        } catch (IOException e) {
                            // The listing's own descriptor, closed by now.
                        }
                    }
                }
                try (FileOutputStream out = new FileOutputStream(fd)) {
                    System.out.println("fd: opened for writing");
                } catch (IOException e) {
                    System.out.println("fd: " + e.getMessage());
                }
            }
            Files.writeString(Path.of("/written"), "the root stays writable\n");
        }
    }

    @Test
    void anImageRunningTheInitsJavaThroughProcSelfExeCannotWriteIt() throws Exception {
        assumeExecutingBinariesAreBusy();
        Map<Path, String> before = fingerprints();
        Path bundle = Files.createDirectories(work.resolve("selfexe"));
        Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
        for (String dir : List.of("bin", "proc", "dev", "tmp", "lib")) {
            Files.createDirectories(rootfs.resolve(dir));
        }
        // The entrypoint: whatever the init is, as runc's was. The kernel loads it with the
        // loader its PT_INTERP names, looked up in the image: a copy of the host's here, which
        // finds java's libraries in the image (copies) and its JDK where java's own path says.
        Files.createSymbolicLink(rootfs.resolve("bin/java"), Path.of("/proc/self/exe"));
        String interpreter = ptInterp(JAVA);
        copyInto(rootfs, Path.of(interpreter));
        for (String lib : Files.readString(Path.of("/proc/self/maps")).lines()
                .map(l -> l.split("\\s+", 6)).filter(f -> f.length == 6 && f[5].startsWith("/") && f[5].matches(".*\\.so(\\.[0-9.]+)?"))
                .map(f -> f[5]).filter(p -> !Path.of(p).startsWith(JAVA_HOME)).distinct().toList()) {
            copyInto(rootfs, Path.of(lib));
        }
        // Read through a protected /proc/self/exe java's home is "/" (the read-only bind's
        // root); through the host's mount it is the JDK's own path, bound below.
        try (Stream<Path> jdkLib = Files.list(JAVA_HOME.resolve("lib"))) {
            for (Path p : jdkLib.toList()) {
                Path link = rootfs.resolve("lib").resolve(p.getFileName().toString());
                if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, p);
                }
            }
        }
        Files.createSymbolicLink(rootfs.resolve("conf"), JAVA_HOME.resolve("conf"));
        Path classFile = Path.of(Attacker.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(Attacker.class.getName().replace('.', '/') + ".class");
        Path attack = Files.createDirectories(rootfs.resolve("attack").resolve(Attacker.class.getPackageName().replace('.', '/')));
        Files.copy(classFile, attack.resolve(classFile.getFileName()));

        Files.writeString(bundle.resolve("config.yaml"), """
                ociVersion: 1.2.0
                root: {path: rootfs}
                process:
                  args: [java, -XX:-UsePerfData, -XX:+UseSerialGC, -XX:TieredStopAtLevel=1, -Xmx64m, -cp, /attack, '%s']
                  cwd: /
                  env: [PATH=/bin]
                  capabilities:
                    bounding: [CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE]
                    effective: [CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE]
                    permitted: [CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE]
                mounts:
                  - {destination: /proc, type: proc, source: proc, options: [nosuid, noexec, nodev]}
                  - {destination: %s, type: bind, source: %s, options: [rbind, ro]}
                linux:
                  namespaces: [{type: pid}, {type: mount}, {type: uts}, {type: ipc}, {type: network}]
                """.formatted(Attacker.class.getName(), JAVA_HOME, JAVA_HOME));

        Jspec.Result r = Jspec.run("run", "--bundle", bundle.toString(), "selfexe");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("exe: /proc/self/exe (Read-only file system)\n"), r.toString());
        assertTrue(r.out().matches("(?s).*fd: /proc/self/fd/[0-9]+ \\(Read-only file system\\)\n.*"), r.toString());
        assertTrue(Files.isRegularFile(rootfs.resolve("written")), "the container's own root is writable: " + r);
        assertEquals(before, fingerprints(), "the host's java, JDK, jars and JNA library are unchanged");
    }

    /**
     * Container A shares its PID namespace with container B while B starts. A runs as root
     * with every capability B's init has but CAP_SYS_PTRACE (jspec starts B without it), so
     * only the init's being non-dumpable keeps A out of its /proc files. A looks twice:
     * while B's init waits for its plan (the parent is held writing its pid file, a FIFO),
     * and when a frozen cgroup holds it at its cgroup join, after its other threads gave up
     * their capabilities; the host then checks each thread and every file the init holds.
     */
    @Test
    void aContainerSharingThePidNamespaceFindsTheStartingInitClosed() throws Exception {
        assumeExecutingBinariesAreBusy();
        String freezer = CgroupLayoutProbe.detect().v1Mounts().get("freezer");
        assumeTrue(freezer != null, "needs a v1 freezer hierarchy to hold the init at its cgroup join");
        Path aRootfs = work.resolve("pidshare-a-rootfs");
        assertEquals(0, new ProcessBuilder(Jspec.PROJECT.resolve("bundles/mkrootfs.sh").toString(), aRootfs.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor());
        List<String> caps = new ArrayList<>();
        long mine = Long.parseLong(status(Files.readString(Path.of("/proc/self/status"))).get("CapPrm"), 16);
        for (Capability c : Capability.values()) {
            if ((mine & (1L << Capability.numberOf(c.name()))) != 0 && c != Capability.CAP_SYS_PTRACE) {
                caps.add(c.name());
            }
        }
        Path a = Files.createDirectories(work.resolve("pidshare-a"));
        Files.writeString(a.resolve("config.yaml"), """
                ociVersion: 1.2.0
                root: {path: %s, readonly: true}
                process:
                  args:
                    - sh
                    - -c
                    - |
                      wait_for() { i=0; while [ ! -e $1 ]; do sleep 0.05; i=$((i+1)); [ $i -gt 1200 ] && exit 3; done; }
                      probe() {
                        P=""
                        for d in /proc/[0-9]*; do [ "$(cat $d/comm 2>/dev/null)" = java ] && P=${d#/proc/}; done
                        echo "init $P"
                        # The links a ptrace check guards (listing fd/ is only the directory's mode).
                        for T in $(ls /proc/$P/task); do
                          for f in exe cwd root fd/0 fd/5; do
                            if readlink /proc/$P/task/$T/$f >/dev/null 2>&1; then echo "open $f $T"; else echo "denied $f $T"; fi
                          done
                        done
                        echo "done"
                      }
                      echo ready
                      wait_for /go1; probe
                      wait_for /go2; probe
                      # B lives in this PID namespace: it would die with this process.
                      wait_for /end
                      exit 0
                  cwd: /
                  env: [PATH=/bin]
                  noNewPrivileges: true
                  capabilities: {bounding: %s, effective: %s, permitted: %s}
                mounts:
                  - {destination: /proc, type: proc, source: proc}
                linux:
                  namespaces: [{type: pid}, {type: mount}, {type: uts}, {type: ipc}, {type: network}]
                """.formatted(aRootfs, caps, caps, caps));
        Path aPidFile = work.resolve("pidshare-a.pid");
        Process aProcess = Jspec.start("run", "--pid-file", aPidFile.toString(), "--bundle", a.toString(), "pidshare-a");
        LinkedBlockingQueue<String> aOut = lines(aProcess.getInputStream());

        // B's cgroup lives under a frozen parent the test makes: B's own cgroup is B's to make
        // (jspec refuses to take over one that exists), and it starts frozen under this parent.
        Path heldParent = Path.of(freezer, "jspec-it-held");
        Path held = heldParent.resolve("pidshare-b");
        Process bProcess = null;
        List<String> failures = new ArrayList<>();
        List<String> waiting = List.of();
        List<String> frozen = List.of();
        try {
            assertEquals("ready", aOut.poll(60, TimeUnit.SECONDS), "container A did not start");
            String aPid = Files.readString(aPidFile).strip();
            Files.createDirectories(heldParent);
            Files.writeString(heldParent.resolve("freezer.state"), "FROZEN");
            Path b = Files.createDirectories(work.resolve("pidshare-b"));
            Files.writeString(b.resolve("config.yaml"), """
                    ociVersion: 1.2.0
                    root: {path: %s, readonly: true}
                    process:
                      args: ['true']
                      cwd: /
                      env: [PATH=/bin]
                      capabilities:
                        bounding: [CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE]
                        effective: [CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE]
                        permitted: [CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE]
                    mounts:
                      - {destination: /proc, type: proc, source: proc}
                    linux:
                      namespaces: [{type: pid, path: /proc/%s/ns/pid}, {type: mount}, {type: uts}, {type: ipc}, {type: network}]
                      cgroupsPath: /jspec-it-held/pidshare-b
                    hooks:
                      createRuntime:
                        - {path: /bin/sh, args: [sh, -c, 'cat %s > /dev/null']}
                    """.formatted(TestBundles.rootfs(), aPid, work.resolve("pidshare-b.hold")));
            // The parent runs the hook while the init, its JVM up and its main begun, waits
            // on the plan pipe for the go-ahead; the hook holds until the test writes the FIFO.
            Path hold = work.resolve("pidshare-b.hold");
            assertEquals(0, new ProcessBuilder("mkfifo", hold.toString()).start().waitFor());
            List<String> bCmd = new ArrayList<>(List.of("setpriv", "--bounding-set", "-sys_ptrace", "--"));
            bCmd.addAll(Jspec.command("run", "--root", Jspec.STATE_ROOT.toString(), "--bundle", b.toString(), "pidshare-b"));
            bProcess = new ProcessBuilder(bCmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();

            // 1. The init waits for its plan: its JVM is up and main has begun.
            waitUntilReadingItsPlan(bProcess, aPid);
            Files.writeString(aRootfs.resolve("go1"), "");
            waiting = untilDone(aOut);
            try (java.io.FileOutputStream release = new java.io.FileOutputStream(hold.toFile())) {
                release.flush();
            }
            // 2. Held at its cgroup join, after its other threads were parked.
            String init = waitUntilFrozen(held);
            failures.addAll(threadFailures(init));
            failures.addAll(writableFailures(init));
            Files.writeString(aRootfs.resolve("go2"), "");
            frozen = untilDone(aOut);
        } finally {
            if (Files.isDirectory(heldParent)) {
                Files.writeString(heldParent.resolve("freezer.state"), "THAWED");
            }
            int bExit = bProcess == null ? -1 : waitFor(bProcess);
            for (String f : List.of("go1", "go2", "end")) {
                Files.writeString(aRootfs.resolve(f), "");
            }
            int aExit = waitFor(aProcess);
            Jspec.run("delete", "--force", "pidshare-b");
            Jspec.run("delete", "--force", "pidshare-a");
            if (Files.isDirectory(heldParent)) {
                Files.delete(heldParent);
            }
            assertEquals(0, bExit, "container B");
            assertEquals(0, aExit, "container A");
        }
        assertEquals(List.of(), failures);
        for (List<String> saw : List.of(waiting, frozen)) {
            assertTrue(saw.size() > 10 && saw.get(0).matches("init [0-9]+") && saw.stream().filter(l -> l.startsWith("denied exe ")).count() > 5,
                    "container A found the init and its threads: " + saw);
            assertEquals(List.of(), saw.stream().filter(l -> l.startsWith("open ")).toList(),
                    "what a process without CAP_SYS_PTRACE reached of the init's /proc, thread by thread");
        }
    }

    @Test
    void theReadOnlyBindsDoNotReachAHostWhoseRootIsShared() throws Exception {
        // A mount namespace of our own whose mounts are all shared stands for a systemd host.
        Path bundle = TestBundles.write(work, "shared-host", TestBundles.config("shared-host",
                "args: ['true']\ncwd: /\nenv: [PATH=/bin]", "", ""));
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "shared", "--", "sh", "-c",
                "\"$@\" >&2; echo \"exit $?\"; cat /proc/self/mountinfo", "sh"));
        cmd.addAll(Jspec.command("run", "--root", Jspec.STATE_ROOT.toString(), "--bundle", bundle.toString(), "shared-host"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.startsWith("exit 0\n"), out);
        List<String> leaked = out.lines().skip(1).map(l -> l.split(" ")[4])
                .filter(mp -> mp.startsWith(JAVA_HOME.toString()) || mp.endsWith(".jar") || mp.endsWith(".so") || mp.matches(".*\\.so\\.[0-9.]+"))
                .toList();
        assertEquals(List.of(), leaked, "the init's read-only binds showed up in the namespace jspec ran in");
    }

    // ---- the init while it waits ----

    /** Waits until the init, a child of jspec's JVM, blocks reading its plan from the parent's pipe. */
    private static void waitUntilReadingItsPlan(Process jspec, String pidNamespaceOf) throws Exception {
        Path pidNamespace = Files.readSymbolicLink(Path.of("/proc", pidNamespaceOf, "ns", "pid"));
        for (int i = 0; i < 600; i++) {
            for (ProcessHandle child : jspec.toHandle().children().toList()) {
                // The init in that PID namespace: not the one started before the config was read,
                // which the plan (joining a namespace by path) does not take over.
                try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(child.pid()), "task"))) {
                    if (!Files.readSymbolicLink(Path.of("/proc", Long.toString(child.pid()), "ns", "pid")).equals(pidNamespace)) {
                        continue;
                    }
                    for (Path t : tasks.toList()) {
                        if (Files.readString(t.resolve("wchan")).endsWith("pipe_read")) {
                            return;
                        }
                    }
                } catch (IOException gone) {
                    // Not there yet, or gone.
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the init never waited for its plan");
    }

    /** Container A's lines up to its next "done". */
    private static List<String> untilDone(LinkedBlockingQueue<String> out) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        for (String line; (line = out.poll(60, TimeUnit.SECONDS)) != null && !line.equals("done"); ) {
            lines.add(line);
        }
        return lines;
    }

    /** The pid of the init in the frozen cgroup, once every one of its threads is frozen. */
    private static String waitUntilFrozen(Path cgroup) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (!Files.isDirectory(cgroup)) {
                Thread.sleep(50);
                continue;
            }
            String procs = Files.readString(cgroup.resolve("cgroup.procs")).strip();
            if (!procs.isEmpty() && Files.readString(cgroup.resolve("freezer.state")).strip().equals("FROZEN")) {
                return procs.split("\n")[0];
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the init never reached its frozen cgroup");
    }

    /** Every thread but one (the one that will execve) holds no capability, and the init is not dumpable. */
    private static List<String> threadFailures(String pid) throws IOException {
        List<String> out = new ArrayList<>();
        int holding = 0;
        int parked = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", pid, "task"))) {
            for (Path t : tasks.toList()) {
                Map<String, String> s = status(Files.readString(t.resolve("status")));
                boolean clear = s.get("CapPrm").matches("0+") && s.get("CapEff").matches("0+") && s.get("CapAmb").matches("0+");
                if (!clear) {
                    holding++;
                    continue;
                }
                parked += s.get("Uid").startsWith("65534") ? 1 : 0;
                // A non-dumpable process's /proc files belong to root, whoever its threads are.
                int owner = (Integer) Files.getAttribute(t.resolve("fd"), "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (owner != 0) {
                    out.add("thread " + t.getFileName() + " (" + s.get("Name") + "): its fd directory belongs to uid " + owner);
                }
            }
        }
        if (holding != 1) {
            out.add(holding + " threads hold capabilities, expected only the one that execs");
        }
        if (parked < 5) {
            out.add("only " + parked + " threads run as nobody: the init was not held after it parked them");
        }
        return out;
    }

    /** Every file the init holds open or maps, opened for writing through its /proc, is refused as read-only. */
    private static List<String> writableFailures(String pid) throws IOException {
        List<String> out = new ArrayList<>();
        Path proc = Path.of("/proc", pid);
        Object exeKey = Files.readAttributes(proc.resolve("exe"), BasicFileAttributes.class).fileKey();
        // The binary: O_TRUNC, whose read-only check comes before the busy one (see the class comment).
        String exe = refusal(proc.resolve("exe"), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        if (!exe.equals("Read-only file system")) {
            out.add("exe: " + exe);
        }
        int checked = 0;
        for (String dir : List.of("fd", "map_files")) {
            try (Stream<Path> entries = Files.list(proc.resolve(dir))) {
                for (Path e : entries.toList()) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(e).toString();
                    } catch (IOException gone) {
                        continue;
                    }
                    // Descriptors 0-2 are the caller's; pipes and sockets are no files; the
                    // one deleted file is libffi's trampoline page, in no path of the host.
                    if (!target.startsWith("/") || target.startsWith("/dev/") || target.endsWith(" (deleted)")
                            || (dir.equals("fd") && Integer.parseInt(e.getFileName().toString()) < 3)) {
                        continue;
                    }
                    BasicFileAttributes attrs = Files.readAttributes(e, BasicFileAttributes.class);
                    if (!attrs.isRegularFile() || attrs.fileKey().equals(exeKey)) {
                        continue;
                    }
                    checked++;
                    String r = refusal(e, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                    String failure = dir + " " + target + ": " + r;
                    if (!r.equals("Read-only file system") && !out.contains(failure)) {
                        out.add(failure);
                    }
                }
            }
        }
        if (checked < 10) {
            out.add("only " + checked + " files of the init checked");
        }
        return out;
    }

    /** Why opening {@code path} so fails, or "opened". Nothing is written. */
    @SuppressWarnings("try") // the open is the test
    private static String refusal(Path path, OpenOption... options) {
        try (FileChannel c = FileChannel.open(path, options)) {
            return "opened";
        } catch (FileSystemException e) {
            return e.getReason() == null ? e.toString() : e.getReason();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * The probes open java with O_TRUNC: harmless only where the kernel refuses to open a
     * running binary for writing (ETXTBSY), as it does for the java running this JVM.
     */
    private static void assumeExecutingBinariesAreBusy() {
        String r = refusal(JAVA, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (!r.equals("Text file busy")) {
            abort("opening the running " + JAVA + " for writing gave \"" + r + "\", not ETXTBSY: the probes could damage it");
        }
    }

    // ---- helpers ----

    private static Map<String, String> status(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        text.lines().forEach(l -> {
            int colon = l.indexOf(':');
            if (colon > 0) {
                m.put(l.substring(0, colon), l.substring(colon + 1).strip());
            }
        });
        return m;
    }

    /** Size, modification time and (but for lib/modules) SHA-256 of the host files the init uses. */
    private static Map<Path, String> fingerprints() throws Exception {
        List<Path> files = new ArrayList<>(List.of(JAVA, JAVA_HOME.resolve("lib/server/libjvm.so"), JAVA_HOME.resolve("lib/modules"),
                Path.of(System.getProperty("jspec.jar", Jspec.PROJECT.resolve("target/jspec.jar").toString()))));
        // The jar the init itself runs from (see InitCommand.initJar), when the build made it.
        Path initJar = Jspec.PROJECT.resolve("target/jspec-init.jar");
        if (Files.isRegularFile(initJar)) {
            files.add(initJar);
        }
        try (Stream<Path> jars = Files.list(Jspec.PROJECT.resolve("target/lib"))) {
            files.addAll(jars.sorted().toList());
        }
        String jna = System.getProperty("jna.boot.library.path");
        if (jna != null) {
            files.add(Path.of(jna, "libjnidispatch.so"));
        }
        Map<Path, String> out = new LinkedHashMap<>();
        for (Path f : files) {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            String hash = f.getFileName().toString().equals("modules") ? "" : " " + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
            out.put(f, a.size() + " " + a.lastModifiedTime() + hash);
        }
        return out;
    }

    /** The PT_INTERP of an ELF64 little-endian executable: the loader it asks for. */
    private static String ptInterp(Path elf) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(elf)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36) & 0xffff;
        int phnum = b.getShort(0x38) & 0xffff;
        for (int i = 0; i < phnum; i++) {
            int ph = (int) phoff + i * phentsize;
            if (b.getInt(ph) == 3) { // PT_INTERP
                int offset = (int) b.getLong(ph + 8);
                int size = (int) b.getLong(ph + 32);
                return new String(b.array(), offset, size - 1, StandardCharsets.US_ASCII);
            }
        }
        throw new IllegalStateException(elf + " names no interpreter");
    }

    /** Copies a host file into the root filesystem at the same absolute path, symlinks resolved. */
    private static void copyInto(Path rootfs, Path hostFile) throws IOException {
        Path target = rootfs.resolve(hostFile.toString().substring(1));
        Files.createDirectories(target.getParent());
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(realPath(hostFile), target);
        }
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LinkedBlockingQueue<String> lines(InputStream in) {
        LinkedBlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    q.add(line);
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        });
        t.setDaemon(true);
        t.start();
        return q;
    }

    private static int waitFor(Process p) throws InterruptedException {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
        }
        return p.exitValue();
    }
}
