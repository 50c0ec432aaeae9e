package dev.jspec.cli;

import dev.jspec.plan.HostFacts;
import dev.jspec.spec.Spec;
import dev.jspec.util.Json;

/** Features a config may ask for that jspec cannot honour yet: refused before anything is made. */
final class Preflight {

    private Preflight() {}

    /** Why this spec cannot run, or null when it can. */
    static String unsupported(Spec spec) {
        if (spec.linux() == null) {
            return "the config has no linux section; jspec needs at least a mount namespace";
        }
        boolean mountNs = false;
        for (Spec.Namespace ns : spec.linux().namespaces()) {
            switch (ns.type()) {
                case "user" -> {
                    return "user namespaces are not supported yet (linux.namespaces lists \"user\")";
                }
                case "time" -> {
                    return "time namespaces are not supported yet (linux.namespaces lists \"time\")";
                }
                case "mount" -> mountNs = true;
                default -> { }
            }
        }
        if (!mountNs) {
            return "jspec needs a mount namespace to set up the root filesystem; add {type: mount} to linux.namespaces";
        }
        if (spec.process() == null) {
            return "the config has no process to run";
        }
        return null;
    }

    /**
     * Why this host cannot run the spec as written, or null. A security label whose module
     * the host lacks would leave the program unconfined, so it is refused, not skipped.
     */
    static String unsupportedOnThisHost(Spec spec, HostFacts host) {
        Spec.Process p = spec.process();
        if (p != null && nonEmpty(p.apparmorProfile()) && !host.lsms().contains(HostFacts.APPARMOR)) {
            return "process.apparmorProfile is " + Json.quote(p.apparmorProfile())
                    + " but AppArmor is not enabled on this host; refusing to run the program without it";
        }
        if (p != null && nonEmpty(p.selinuxLabel()) && !host.lsms().contains(HostFacts.SELINUX)) {
            return "process.selinuxLabel is " + Json.quote(p.selinuxLabel())
                    + " but SELinux is not enabled on this host; refusing to run the program without it";
        }
        if (spec.linux() != null && nonEmpty(spec.linux().mountLabel()) && !host.lsms().contains(HostFacts.SELINUX)) {
            return "linux.mountLabel is " + Json.quote(spec.linux().mountLabel())
                    + " but SELinux is not enabled on this host; refusing to mount without it";
        }
        return null;
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
