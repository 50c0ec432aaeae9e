package dev.jspec.cli;

import dev.jspec.cgroup.CgroupLayoutProbe;
import dev.jspec.plan.HostFacts;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The facts about the machine jspec runs on, read once per command. The init command here
 * is a stand-in until {@code dev.jspec.exec.InitCommand} owns it; it is kept in this one
 * method so that replacing it touches nothing else.
 */
final class Hosts {

    private Hosts() {}

    static HostFacts current() {
        return CgroupLayoutProbe.detect().hostFacts(initCommand());
    }

    /**
     * A lean JVM for the init: no perf data file (every init is pid 1, so their
     * /tmp/hsperfdata files would collide), the serial GC and C1 only (it runs for
     * milliseconds), and a class path of just jspec and JNA.
     */
    static List<String> initCommand() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path code = codeLocation();
        List<String> classPath = new ArrayList<>(List.of(code.toString()));
        Path jna = code.resolveSibling("lib").resolve("jna.jar");
        if (Files.isRegularFile(jna)) {
            classPath.add(jna.toString());
        }
        List<String> argv = new ArrayList<>(List.of(java.toString(), "-XX:-UsePerfData", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED"));
        String home = System.getProperty("jspec.home");
        if (home != null) {
            argv.add("-Djna.boot.library.path=" + Path.of(home, "target", "native"));
            argv.add("-Djna.nosys=true");
        }
        argv.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), "dev.jspec.init.InitMain"));
        return List.copyOf(argv);
    }

    private static Path codeLocation() {
        try {
            return Path.of(Hosts.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot tell where jspec's classes are loaded from", e);
        }
    }
}
