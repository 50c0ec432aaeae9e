package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpecBinderTest {

    static Stream<Path> validExamples() throws Exception {
        try (Stream<Path> files = Files.list(Configs.EXAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("validExamples")
    void everyExampleLoadsAndBinds(Path example) throws Exception {
        LoadedBundle bundle = BundleLoader.load(example);
        assertEquals(Configs.EXAMPLES.normalize(), bundle.bundleDir());
        assertTrue(bundle.bundleDir().isAbsolute());
        Spec spec = bundle.spec();
        assertNotNull(spec.ociVersion());
        assertEquals("rootfs", spec.root().path());
        assertFalse(spec.process().args().isEmpty());
        // The never-null conventions hold for every example.
        assertNotNull(spec.mounts());
        assertNotNull(spec.annotations());
        assertNotNull(spec.hooks().poststop());
        assertNotNull(spec.linux().namespaces());
        assertNotNull(spec.linux().sysctl());
    }

    @Test
    void processExampleBindsEveryField() throws Exception {
        Spec.Process p = BundleLoader.load(Configs.EXAMPLES.resolve("process.yaml")).spec().process();
        assertEquals(new Spec.User(1000, 1000, 022, List.of(10L, 100L), null), p.user());
        assertEquals("/home", p.cwd());
        assertEquals(List.of("CAP_NET_BIND_SERVICE"), p.capabilities().ambient());
        assertEquals(new Spec.Rlimit("RLIMIT_NOFILE", 4096, 1024), p.rlimits().get(0));
        // RLIM_INFINITY (2^64-1) is -1 in a long, as Long.parseUnsignedLong reads it.
        assertEquals(new Spec.Rlimit("RLIMIT_CORE", -1L, 0), p.rlimits().get(1));
        assertEquals(Long.parseUnsignedLong("18446744073709551615"), p.rlimits().get(1).hard());
        assertTrue(p.noNewPrivileges());
        assertEquals(500, p.oomScoreAdj());
        assertNull(p.apparmorProfile());
    }

    @Test
    void resourcesExampleBindsSizesAndLimits() throws Exception {
        Spec.Resources r = BundleLoader.load(Configs.EXAMPLES.resolve("resources.yaml")).spec().linux().resources();
        assertEquals(64L << 20, r.memory().limit());
        assertEquals(128L << 20, r.memory().swap());
        assertEquals(10L, r.memory().swappiness());
        assertNull(r.memory().kernel());
        assertEquals(50000L, r.cpu().quota());
        assertEquals("0-1", r.cpu().cpus());
        assertEquals(64, r.pids().limit());
        assertEquals(new Spec.ThrottleDevice(8, 0, 10L << 20), r.blockIO().throttleReadBpsDevice().getFirst());
        assertEquals(new Spec.HugepageLimit("2MB", 1L << 30), r.hugepageLimits().getFirst());
        assertEquals("50331648", r.unified().get("memory.high"));
    }

    @Test
    void devicesAndSeccompBind() throws Exception {
        Spec.Linux devices = BundleLoader.load(Configs.EXAMPLES.resolve("devices.yaml")).spec().linux();
        assertEquals(new Spec.Device("c", "/dev/fuse", 10, 229, 0666, 0L, 0L), devices.devices().getFirst());
        assertEquals(new Spec.Device("p", "/dev/logpipe", 0, 0, null, null, null), devices.devices().get(2));
        assertEquals(new Spec.DeviceRule(false, null, null, null, "rwm"), devices.resources().devices().getFirst());

        Spec.Seccomp seccomp = BundleLoader.load(Configs.EXAMPLES.resolve("security.yaml")).spec().linux().seccomp();
        assertEquals("SCMP_ACT_ALLOW", seccomp.defaultAction());
        assertEquals(new Spec.SeccompArg(0, 0, 0, "SCMP_CMP_NE"), seccomp.syscalls().get(1).args().getFirst());
        assertEquals(1, seccomp.syscalls().getFirst().errnoRet());
    }

    @Test
    void absentPartsFollowTheConventions() {
        Spec spec = Configs.load(Configs.minimal(""));
        assertEquals(List.of(), spec.mounts());
        assertEquals(java.util.Map.of(), spec.annotations());
        assertEquals(List.of(), spec.hooks().prestart());
        assertEquals(List.of(), spec.linux().namespaces());
        assertNull(spec.linux().resources());
        assertNull(spec.linux().seccomp());
        assertNull(spec.process().user());
        assertNull(spec.process().capabilities());
        assertNull(spec.process().oomScoreAdj());
        assertNull(spec.hostname());
        assertFalse(spec.root().readonly());
    }

    @Test
    void ociConfigJsonLoadsFromABundleDirectory(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("rootfs"));
        Files.copy(Configs.EXAMPLES.resolve("oci-config.json"), dir.resolve("config.json"));
        LoadedBundle bundle = BundleLoader.load(dir);
        assertEquals(dir.resolve("config.json"), bundle.configFile());
        assertEquals(6, bundle.spec().linux().namespaces().size());
        assertEquals(38, bundle.spec().linux().seccomp().defaultErrnoRet());
    }

    @Test
    void configYamlIsPreferredOverYmlAndJson(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("rootfs"));
        Files.writeString(dir.resolve("config.json"), "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"rootfs\"}}");
        Files.writeString(dir.resolve("config.yml"), "ociVersion: 1.1.0\nroot: {path: rootfs}\n");
        assertEquals("1.1.0", BundleLoader.load(dir).spec().ociVersion());
        Files.writeString(dir.resolve("config.yaml"), "ociVersion: 1.2.0\nroot: {path: rootfs}\n");
        assertEquals("1.2.0", BundleLoader.load(dir).spec().ociVersion());
        assertEquals(dir.toAbsolutePath().normalize(), BundleLoader.load(dir.resolve("config.json")).bundleDir());
    }
}
