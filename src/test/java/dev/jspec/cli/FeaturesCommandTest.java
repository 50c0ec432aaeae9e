package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.plan.Capability;
import dev.jspec.plan.HostFacts;
import dev.jspec.plan.MountOptions;
import dev.jspec.seccomp.Libseccomp;
import dev.jspec.seccomp.NativeLibseccomp;
import dev.jspec.seccomp.SeccompLoader;
import dev.jspec.spec.ConfigReader;
import dev.jspec.spec.SpecBinder;
import dev.jspec.util.ExitCodes;
import dev.jspec.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The features document parses, has the spec's shape, and claims only what the code accepts. */
class FeaturesCommandTest {

    private static Map<?, ?> parse(String json) {
        return (Map<?, ?>) Json.parse(json);
    }

    private static Map<?, ?> document(Set<String> lsms, Libseccomp lib) {
        return parse(FeaturesCommand.pretty(FeaturesCommand.document(lsms, lib), ""));
    }

    @Test
    void theCommandPrintsOneJsonDocument() {
        StringWriter out = new StringWriter();
        assertEquals(ExitCodes.OK, Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "features"));
        Map<?, ?> doc = parse(out.toString());
        assertEquals("1.0.0", doc.get("ociVersionMin"));
        assertEquals("1.2.0", doc.get("ociVersionMax"));
        assertTrue(out.toString().startsWith("{\n    \"ociVersionMin\": \"1.0.0\",\n"), out.toString());
    }

    @Test
    void hooksAndNamespacesAreWhatPreflightLetsThrough() {
        Map<?, ?> doc = document(Set.of(), null);
        // Every hook kind of the spec runs (HooksIT).
        assertEquals(List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"), doc.get("hooks"));
        List<?> ns = (List<?>) ((Map<?, ?>) doc.get("linux")).get("namespaces");
        assertEquals(List.of("pid", "network", "mount", "ipc", "uts", "cgroup"), ns);
        for (String refused : List.of("user", "time")) {
            String yaml = "ociVersion: 1.2.0\nroot: {path: r}\nprocess: {args: [x], cwd: /}\nlinux: {namespaces: [{type: mount}, {type: "
                    + refused + "}]}\n";
            assertTrue(Preflight.unsupported(bind(yaml)) != null, refused);
        }
    }

    @Test
    void everyMountOptionIsAWordMountOptionsParsesNotData() {
        List<?> words = (List<?>) document(Set.of(), null).get("mountOptions");
        assertTrue(words.containsAll(List.of("ro", "nosuid", "rbind", "rprivate", "rro")), words.toString());
        for (Object w : words) {
            assertNull(MountOptions.parse(List.of((String) w)).data(), w + " would go to the filesystem as data");
        }
    }

    @Test
    void capabilitiesAreTheOnesTheSchemaAcceptsAndTheCodeNumbers() {
        List<?> caps = (List<?>) ((Map<?, ?>) document(Set.of(), null).get("linux")).get("capabilities");
        assertTrue(caps.contains("CAP_SYS_ADMIN"));
        for (Object c : caps) {
            assertTrue(Capability.byName((String) c).isPresent(), c.toString());
        }
    }

    @Test
    void seccompListsWhatTheLoaderMapsAndLibseccompResolves() {
        Libseccomp lib;
        try {
            lib = NativeLibseccomp.load();
        } catch (IllegalStateException e) {
            lib = null;
        }
        Map<?, ?> seccomp = (Map<?, ?>) ((Map<?, ?>) document(Set.of(), lib).get("linux")).get("seccomp");
        assertEquals(lib != null, seccomp.get("enabled"));
        if (lib != null) {
            for (Object a : (List<?>) seccomp.get("actions")) {
                assertTrue(SeccompLoader.knowsAction((String) a), a.toString());
            }
            assertTrue(((List<?>) seccomp.get("actions")).contains("SCMP_ACT_NOTIFY"));
            assertTrue(((List<?>) seccomp.get("archs")).contains("SCMP_ARCH_X86_64"));
            assertTrue(((List<?>) seccomp.get("operators")).contains("SCMP_CMP_MASKED_EQ"));
        }
        assertFalse((Boolean) ((Map<?, ?>) ((Map<?, ?>) document(Set.of(), null).get("linux")).get("seccomp")).get("enabled"));
    }

    @Test
    void lsmsFollowTheProbeAndCgroupsSayNoSystemd() {
        Map<?, ?> linux = (Map<?, ?>) document(Set.of(HostFacts.APPARMOR), null).get("linux");
        assertEquals(Map.of("enabled", true), linux.get("apparmor"));
        assertEquals(Map.of("enabled", false), linux.get("selinux"));
        Map<?, ?> cgroup = (Map<?, ?>) linux.get("cgroup");
        assertEquals(true, cgroup.get("v1"));
        assertEquals(true, cgroup.get("v2"));
        assertEquals(false, cgroup.get("systemd"));
    }

    @Test
    void versions() {
        assertTrue(FeaturesCommand.atLeast("2.6.0", 2, 6));
        assertFalse(FeaturesCommand.atLeast("2.5.4", 2, 6));
        assertTrue(FeaturesCommand.atLeast("3.0", 2, 6));
    }

    private static dev.jspec.spec.Spec bind(String yaml) {
        try {
            return SpecBinder.bind(ConfigReader.parse(yaml.getBytes(StandardCharsets.UTF_8), "t").tree());
        } catch (dev.jspec.spec.ConfigException e) {
            throw new AssertionError(e);
        }
    }
}
