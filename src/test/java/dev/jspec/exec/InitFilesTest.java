package dev.jspec.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InitFilesTest {

    @Test
    void sharedLibrariesAreTheMappedSoFilesOnce() {
        String maps = """
                55d0c0a00000-55d0c0a01000 r--p 00000000 fe:00 1234 /usr/lib/jvm/jdk/bin/java
                7f0000000000-7f0000001000 r-xp 00000000 fe:00 99 /usr/lib/x86_64-linux-gnu/libc.so.6
                7f0000001000-7f0000002000 r--p 00001000 fe:00 99 /usr/lib/x86_64-linux-gnu/libc.so.6
                7f0000003000-7f0000004000 r--p 00000000 fe:00 98 /usr/lib/jvm/jdk/lib/server/libjvm.so
                7f0000005000-7f0000006000 r-xp 00000000 fe:00 97 /opt/my libs/libz.so.1.2.13
                7f0000007000-7f0000008000 r--s 00000000 fe:00 96 /usr/lib/jvm/jdk/lib/modules
                7f0000009000-7f000000a000 rw-p 00000000 00:00 0 [heap]
                7f000000b000-7f000000c000 rwxp 00000000 00:01 95 /tmp/ffiAbCdEf (deleted)
                7f000000d000-7f000000e000 r-xp 00000000 fe:00 94 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
                7f000000e000-7f000000f000 rw-p 00000000 00:00 0
                """;
        assertEquals(List.of("/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/jvm/jdk/lib/server/libjvm.so",
                "/opt/my libs/libz.so.1.2.13", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"), InitFiles.sharedLibraries(maps));
    }

    @Test
    void pathsInsideAnEarlierDirectoryAndRepeatsAreDropped() {
        assertEquals(List.of("/jdk", "/jspec/jspec.jar", "/usr/lib/libc.so.6", "/jdkfoo"), InitFiles.withoutNested(List.of(
                "/jdk", "/jspec/jspec.jar", "/jdk/lib/server/libjvm.so", "/usr/lib/libc.so.6", "/jspec/jspec.jar", "/jdkfoo")));
    }

    @Test
    void classPathAndOptionsComeFromTheInitsArgv() {
        List<String> argv = List.of("/jdk/bin/java", "-XX:AOTCache=/a/init.aot", "-Djna.boot.library.path=/n", "-cp",
                "/j/jspec.jar:/j/lib/jna.jar", "dev.jspec.init.InitMain");
        assertEquals(List.of("/j/jspec.jar", "/j/lib/jna.jar"), InitFiles.classPath(argv));
        assertEquals("/a/init.aot", InitFiles.option(argv, "-XX:AOTCache="));
        assertEquals("/n", InitFiles.option(argv, "-Djna.boot.library.path="));
        assertEquals(null, InitFiles.option(argv, "-Dnothing="));
    }

    @Test
    void aManifestClassPathResolvesAgainstTheJarsDirectory() {
        assertEquals(List.of(Path.of("/j/lib/jna.jar"), Path.of("/j/lib/picocli.jar")),
                InitFiles.resolveClassPath(" lib/jna.jar  lib/picocli.jar\n", Path.of("/j")));
        assertTrue(InitFiles.resolveClassPath(null, Path.of("/j")).isEmpty());
        assertTrue(InitFiles.resolveClassPath("http://example.com/x.jar", Path.of("/j")).isEmpty());
    }

    @Test
    void theRunningJdkIsFoundFromItsLauncher() {
        Path home = Path.of(System.getProperty("java.home"));
        assertEquals(home.toAbsolutePath().normalize(),
                InitFiles.jdkHome(home.resolve("bin/java").toString()).toAbsolutePath().normalize());
    }

    /** The Class-Path of a jar's manifest: read from the jar's start, or from its index when it is not there. */
    @Test
    void aJarsClassPathIsFoundWhereverItsManifestIs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.util.jar.Manifest m = new java.util.jar.Manifest();
        m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, "lib/a.jar lib/b.jar");
        java.nio.file.Path first = dir.resolve("first.jar");
        try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(first), m)) {
            out.putNextEntry(new java.util.zip.ZipEntry("x/Y.class"));
            out.write(new byte[] {1, 2, 3});
        }
        assertEquals("lib/a.jar lib/b.jar", InitFiles.classPathAttribute(first));
        assertEquals(List.of(dir.resolve("lib/a.jar"), dir.resolve("lib/b.jar")), InitFiles.manifestClassPath(first));
        // A zip whose manifest comes after another entry: a stream does not see it, the index does.
        java.nio.file.Path later = dir.resolve("later.jar");
        try (var out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(later))) {
            out.putNextEntry(new java.util.zip.ZipEntry("x/Y.class"));
            out.write(new byte[] {1, 2, 3});
            out.putNextEntry(new java.util.zip.ZipEntry("META-INF/MANIFEST.MF"));
            m.write(out);
        }
        assertEquals("lib/a.jar lib/b.jar", InitFiles.classPathAttribute(later));
        java.nio.file.Path none = dir.resolve("none.jar");
        try (var out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(none))) {
            out.putNextEntry(new java.util.zip.ZipEntry("x/Y.class"));
        }
        assertEquals(null, InitFiles.classPathAttribute(none));
    }
}
