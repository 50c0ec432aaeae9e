package dev.jspec.exec;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the container's init JVM, built from the running jspec: the same
 * java, a class path of just jspec's jar (or classes) and JNA's, and flags chosen for a
 * short-lived process that must start fast and leave no files behind.
 */
public final class InitCommand {

    /** The init's main class, named here rather than imported: the executors sit below {@code init}. */
    static final String INIT_MAIN = "dev.jspec.init.InitMain";

    /**
     * The init's argument in an AOT training run (see the launcher): a real start of a
     * container whose program is a file that is not executable, after which the init exits
     * as if it had exec'd, so that its JVM writes the AOT configuration.
     */
    public static final String RECORD = "--aot-record";

    private InitCommand() {}

    public static List<String> argv() {
        List<String> argv = new ArrayList<>();
        String javaBin = System.getProperty("jspec.java");
        if (javaBin == null || javaBin.isEmpty()) {
            javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
        argv.add(javaBin);
        // Every init is pid 1 in its own namespace: hsperfdata files would collide in /tmp.
        argv.add("-XX:-UsePerfData");
        argv.add("-XX:+UseSerialGC");
        argv.add("-XX:TieredStopAtLevel=1");
        argv.add("-Xss512k");
        argv.add("-XX:CICompilerCount=1");
        // A start runs most methods a few hundred times at most: compiling them (some 300
        // with the default thresholds, 150 with these) costs more CPU than it saves.
        argv.add("-XX:CompileThresholdScaling=20");
        // Once the init is in the container's cgroup a thread it starts counts against
        // pids.max; keep the JVM from adding compiler threads on demand.
        argv.add("-XX:-UseDynamicNumberOfCompilerThreads");
        argv.add("-Xmx64m");
        // No attach listener: nothing may load an agent into a process that holds the
        // container's namespaces and capabilities.
        argv.add("-XX:+DisableAttachMechanism");
        argv.add("--enable-native-access=ALL-UNNAMED");
        // JNA starts java.util.logging for its logger; the init needs no configuration read.
        argv.add("-Djava.util.logging.manager=dev.jspec.init.QuietLogManager");
        String jnaLib = System.getProperty("jna.boot.library.path");
        if ((jnaLib == null || jnaLib.isEmpty()) && System.getProperty("jnidispatch.path") != null) {
            // Where this JVM's JNA found (or unpacked) its native part; the init reuses it.
            jnaLib = Path.of(System.getProperty("jnidispatch.path")).getParent().toString();
        }
        if (jnaLib != null && !jnaLib.isEmpty()) {
            argv.add("-Djna.boot.library.path=" + jnaLib);
            argv.add("-Djna.nosys=true");
        }
        // An AOT cache the launcher trained for exactly this class path (JDK 24+); the log
        // options keep a stale cache from printing into the container's stderr.
        String aot = System.getProperty("jspec.initAot");
        String record = System.getProperty("jspec.initAotRecord");
        if (record != null && !record.isEmpty()) {
            // The launcher's training run (see the launcher): the init records what it loads
            // to this path, which resolves in the container's root when the init exits.
            argv.add("-XX:AOTMode=record");
            argv.add("-XX:AOTConfiguration=" + record);
        } else if (aot != null && Files.isRegularFile(Path.of(aot))) {
            argv.add("-XX:AOTCache=" + aot);
            argv.add("-Xlog:aot=off");
            argv.add("-Xlog:cds=off");
            // No replay of the training's method profiles (see the launcher): early compiles
            // the init does not live long enough to use. A diagnostic flag of JDK 25, where
            // it was measured; the init runs the java this JVM runs.
            if (Runtime.version().feature() == 25) {
                argv.add("-XX:+UnlockDiagnosticVMOptions");
                argv.add("-XX:-AOTReplayTraining");
            }
        }
        argv.add("-cp");
        argv.add(initJar(location(InitCommand.class)) + File.pathSeparator + location(com.sun.jna.Native.class));
        argv.add(INIT_MAIN);
        if (record != null && !record.isEmpty()) {
            argv.add(RECORD);
        }
        return List.copyOf(argv);
    }

    /**
     * The jar the init runs from: {@code jspec-init.jar} beside {@code jspec.jar}, the same
     * classes with a manifest that names no other jars (see the pom), when the build made
     * it; else where this class came from. Every search of the init's class path (the one
     * that opens its jars before pivot_root, see InitMain.openClassPath; the logging start's
     * before QuietLogManager skipped it) opens each jar on it, and jspec.jar's manifest puts
     * all of jspec's libraries there, which the init never uses: some 20 ms of its start.
     */
    static String initJar(String jspecJar) {
        Path jar = Path.of(jspecJar);
        String name = jar.getFileName() == null ? "" : jar.getFileName().toString();
        if (name.endsWith(".jar")) {
            Path init = jar.resolveSibling(name.substring(0, name.length() - ".jar".length()) + "-init.jar");
            if (Files.isRegularFile(init)) {
                return init.toString();
            }
        }
        return jspecJar;
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
