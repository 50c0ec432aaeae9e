package dev.jspec.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InitCommandTest {

    @Test
    void theInitCannotBeAttachedTo() {
        List<String> argv = InitCommand.argv();
        // A JVM flag: before the class name, or the init would take it for an argument.
        int main = argv.indexOf("dev.jspec.init.InitMain");
        int flag = argv.indexOf("-XX:+DisableAttachMechanism");
        assertTrue(flag > 0 && flag < main, argv.toString());
    }

    @Test
    void theInitsLoggingReadsNoConfiguration() throws Exception {
        // Named by a string in a JVM flag: a rename or a wrong name must fail here, not
        // print "Could not load Logmanager" into every container's stderr.
        List<String> argv = InitCommand.argv();
        String prefix = "-Djava.util.logging.manager=";
        String flag = argv.stream().filter(a -> a.startsWith(prefix)).findFirst().orElseThrow();
        assertTrue(argv.indexOf(flag) < argv.indexOf(InitCommand.INIT_MAIN), argv.toString());
        Class<?> manager = Class.forName(flag.substring(prefix.length()));
        assertTrue(java.util.logging.LogManager.class.isAssignableFrom(manager), manager.toString());
        java.util.logging.LogManager quiet = (java.util.logging.LogManager) manager.getConstructor().newInstance();
        // The first configuration throws, which the JDK's LogManager catches and so skips its
        // search for another logging backend (see QuietLogManager); later ones read nothing.
        RuntimeException first = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, quiet::readConfiguration);
        assertTrue(first.getMessage().contains("not configured"), first.getMessage());
        quiet.readConfiguration();
        assertEquals(null, quiet.getProperty("handlers"), "no configuration was read");
    }

    @Test
    void theInitRunsFromTheJarWithoutLibrariesWhenTheBuildMadeIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path jar = java.nio.file.Files.createFile(dir.resolve("jspec.jar"));
        assertEquals(jar.toString(), InitCommand.initJar(jar.toString()), "no init jar: the jar itself");
        java.nio.file.Path init = java.nio.file.Files.createFile(dir.resolve("jspec-init.jar"));
        assertEquals(init.toString(), InitCommand.initJar(jar.toString()));
        assertEquals(dir.resolve("classes").toString(), InitCommand.initJar(dir.resolve("classes").toString()), "classes: as they are");
    }

    @Test
    void theInitsMainClassExists() throws Exception {
        // Named by a string (the executors may not import the init), so a rename must fail here.
        assertTrue(java.lang.reflect.Modifier.isStatic(
                Class.forName(InitCommand.INIT_MAIN).getMethod("main", String[].class).getModifiers()));
    }

    @Test
    void aTrainingRunRecordsInsteadOfMappingACache() throws Exception {
        java.nio.file.Path cache = java.nio.file.Files.createTempFile("init", ".aot");
        String oldCache = System.setProperty("jspec.initAot", cache.toString());
        try {
            List<String> normal = InitCommand.argv();
            assertTrue(normal.contains("-XX:AOTCache=" + cache), normal.toString());
            assertEquals(InitCommand.INIT_MAIN, normal.get(normal.size() - 1));
            // With the cache, on JDK 25, no replay of its method profiles (a diagnostic flag).
            assertEquals(Runtime.version().feature() == 25, normal.contains("-XX:-AOTReplayTraining"), normal.toString());
            assertTrue(!normal.contains("-XX:-AOTReplayTraining")
                    || normal.indexOf("-XX:+UnlockDiagnosticVMOptions") < normal.indexOf("-XX:-AOTReplayTraining"), normal.toString());
            System.setProperty("jspec.initAotRecord", "/t/out/init.aotconf");
            List<String> training = InitCommand.argv();
            int main = training.indexOf(InitCommand.INIT_MAIN);
            assertTrue(training.indexOf("-XX:AOTMode=record") > 0 && training.indexOf("-XX:AOTMode=record") < main,
                    training.toString());
            assertTrue(training.contains("-XX:AOTConfiguration=/t/out/init.aotconf"), training.toString());
            assertFalse(training.stream().anyMatch(a -> a.startsWith("-XX:AOTCache=")), training.toString());
            assertFalse(training.contains("-XX:-AOTReplayTraining"), training.toString());
            // The init's one argument: without it, its failing execve would be reported, and the JVM killed.
            assertEquals(List.of(InitCommand.INIT_MAIN, InitCommand.RECORD), training.subList(main, training.size()));
        } finally {
            System.clearProperty("jspec.initAotRecord");
            if (oldCache == null) {
                System.clearProperty("jspec.initAot");
            } else {
                System.setProperty("jspec.initAot", oldCache);
            }
            java.nio.file.Files.delete(cache);
        }
    }
}
