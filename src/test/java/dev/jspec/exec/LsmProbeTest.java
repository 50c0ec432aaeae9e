package dev.jspec.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jspec.plan.HostFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LsmProbeTest {

    private static void write(Path root, String file, String text) throws Exception {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void securityfsListsTheActiveModules(@TempDir Path root) throws Exception {
        write(root, "sys/kernel/security/lsm", "lockdown,capability,landlock,yama,apparmor,bpf");
        // The list wins over the module parameter: loaded is not active.
        write(root, "sys/fs/selinux/enforce", "0");
        assertEquals(Set.of(HostFacts.APPARMOR), LsmProbe.detect(root));
    }

    @Test
    void withoutSecurityfsAppArmorSaysSoInItsParameter(@TempDir Path root) throws Exception {
        write(root, "sys/module/apparmor/parameters/enabled", "Y\n");
        assertEquals(Set.of(HostFacts.APPARMOR), LsmProbe.detect(root));
        write(root, "sys/module/apparmor/parameters/enabled", "N\n");
        assertEquals(Set.of(), LsmProbe.detect(root));
    }

    @Test
    void withoutSecurityfsSelinuxIsAMountedSelinuxfs(@TempDir Path root) throws Exception {
        write(root, "sys/fs/selinux/enforce", "1");
        assertEquals(Set.of(HostFacts.SELINUX), LsmProbe.detect(root));
    }

    @Test
    void aBareSysHasNeither(@TempDir Path root) {
        assertEquals(Set.of(), LsmProbe.detect(root));
    }
}
