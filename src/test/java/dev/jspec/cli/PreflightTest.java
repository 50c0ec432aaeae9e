package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jspec.plan.HostFacts;
import dev.jspec.plan.SpecFixture;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreflightTest {

    private static final HostFacts NO_LSM = SpecFixture.HYBRID;

    @Test
    void anApparmorProfileWithoutAppArmorIsRefusedNamingTheField() {
        SpecFixture f = SpecFixture.container();
        f.apparmorProfile = "jspec-default";
        assertEquals("process.apparmorProfile is \"jspec-default\" but AppArmor is not enabled on this host;"
                + " refusing to run the program without it", Preflight.unsupportedOnThisHost(f.build(), NO_LSM));
        assertNull(Preflight.unsupportedOnThisHost(f.build(), NO_LSM.withLsms(Set.of(HostFacts.APPARMOR))));
    }

    @Test
    void anSelinuxLabelWithoutSelinuxIsRefusedNamingTheField() {
        SpecFixture f = SpecFixture.container();
        f.selinuxLabel = "system_u:system_r:container_t:s0";
        assertEquals("process.selinuxLabel is \"system_u:system_r:container_t:s0\" but SELinux is not enabled on this host;"
                + " refusing to run the program without it", Preflight.unsupportedOnThisHost(f.build(), NO_LSM));
        // AppArmor is no stand-in for SELinux.
        assertEquals("process.selinuxLabel", Preflight.unsupportedOnThisHost(f.build(),
                NO_LSM.withLsms(Set.of(HostFacts.APPARMOR))).split(" ")[0]);
        assertNull(Preflight.unsupportedOnThisHost(f.build(), NO_LSM.withLsms(Set.of(HostFacts.SELINUX))));
    }

    @Test
    void aMountLabelWithoutSelinuxIsRefusedNamingTheField() {
        SpecFixture f = SpecFixture.container();
        f.mountLabel = "system_u:object_r:container_file_t:s0";
        assertEquals("linux.mountLabel", Preflight.unsupportedOnThisHost(f.build(), NO_LSM).split(" ")[0]);
        assertNull(Preflight.unsupportedOnThisHost(f.build(), NO_LSM.withLsms(Set.of(HostFacts.SELINUX))));
    }

    @Test
    void noLabelsRunAnywhere() {
        assertNull(Preflight.unsupportedOnThisHost(SpecFixture.container().build(), NO_LSM));
    }
}
