package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

/** The repository's bundles do what their comments promise. */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class BundlesIT {

    @Test
    void helloGreetsFromItsHostnameAsPid1() {
        Jspec.Result r = Jspec.run("run", TestBundles.projectBundle("hello").toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("hello from hello\nPID 1\n", r.out());
    }

    @Test
    void isolationSeesNoneOfTheHost() throws Exception {
        String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname"));
        Jspec.Result r = Jspec.run("run", TestBundles.projectBundle("isolation").toString());
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals("hostname: isolated", lines[0], r.toString());
        // sh is pid 1; the subshell and ps that list them are the only others.
        assertTrue(lines[1].matches("processes: +1( \\d+){1,4} ?"), r.toString());
        assertEquals("mounts: / /proc /dev /sys ", lines[2], r.toString());
        assertEquals("interfaces: lo ", lines[3], r.toString());
        assertEquals("hostname now: changed-inside", lines[4], r.toString());
        assertEquals(hostname, Files.readString(Path.of("/proc/sys/kernel/hostname")), "the host keeps its name");
    }
}
