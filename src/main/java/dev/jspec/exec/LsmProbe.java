package dev.jspec.exec;

import dev.jspec.plan.HostFacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which of the security modules that label a process (AppArmor, SELinux) are active on this
 * host: the one place jspec asks. securityfs's {@code lsm} file lists the active modules when
 * it is mounted; without it, AppArmor says so in its module parameter and SELinux by a mounted
 * selinuxfs, as runc reads them.
 */
public final class LsmProbe {

    private LsmProbe() {}

    public static Set<String> detect() {
        return detect(Path.of("/"));
    }

    /** As {@link #detect()}, with the host's /sys under {@code root} (tests pass a directory tree). */
    static Set<String> detect(Path root) {
        Set<String> out = new LinkedHashSet<>();
        String listed = read(root.resolve("sys/kernel/security/lsm"));
        if (listed != null) {
            Set<String> active = Set.copyOf(Arrays.asList(listed.strip().split(",")));
            for (String lsm : new String[] {HostFacts.APPARMOR, HostFacts.SELINUX}) {
                if (active.contains(lsm)) {
                    out.add(lsm);
                }
            }
            return out;
        }
        String apparmor = read(root.resolve("sys/module/apparmor/parameters/enabled"));
        if (apparmor != null && apparmor.startsWith("Y")) {
            out.add(HostFacts.APPARMOR);
        }
        if (Files.exists(root.resolve("sys/fs/selinux/enforce"))) {
            out.add(HostFacts.SELINUX);
        }
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
