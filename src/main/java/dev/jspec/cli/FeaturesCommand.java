package dev.jspec.cli;

import dev.jspec.exec.LsmProbe;
import dev.jspec.lifecycle.ContainerState;
import dev.jspec.plan.Capability;
import dev.jspec.plan.HostFacts;
import dev.jspec.plan.MountOptions;
import dev.jspec.seccomp.Libseccomp;
import dev.jspec.seccomp.NativeLibseccomp;
import dev.jspec.seccomp.SeccompLoader;
import dev.jspec.spec.ConfigReader;
import dev.jspec.spec.SchemaValidator;
import dev.jspec.spec.Spec;
import dev.jspec.spec.SpecBinder;
import dev.jspec.util.ExitCodes;
import dev.jspec.util.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import tools.jackson.databind.JsonNode;

/**
 * The OCI features document (runtime-spec {@code features.md}, {@code features-linux.md}):
 * what this jspec accepts, for engines that ask before they build a config. Every list is
 * derived from the code that does the work, so it cannot claim what jspec refuses: the
 * schema's enums, less what {@link Preflight} refuses (asked with a config that uses each
 * one); the mount option words {@link MountOptions} parses; {@link Capability}; seccomp
 * actions the loader maps and architectures the host's libseccomp resolves; AppArmor and
 * SELinux as {@link LsmProbe} finds them.
 */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Print the OCI features document: what this jspec supports (JSON).")
final class FeaturesCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The oldest config version jspec reads; configs from runc's and podman's eras (1.0.x) load unchanged. */
    static final String OCI_VERSION_MIN = "1.0.0";

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(pretty(document(LsmProbe.detect(), seccomp()), ""));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** libseccomp, or null when the host has none (then the document says seccomp is not enabled). */
    private static Libseccomp seccomp() {
        try {
            return NativeLibseccomp.load();
        } catch (IllegalStateException | LinkageError e) {
            return null;
        }
    }

    static Map<String, Object> document(Set<String> lsms, Libseccomp libseccomp) {
        JsonNode schema = SchemaValidator.get().schemaDocument();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("ociVersionMin", OCI_VERSION_MIN);
        doc.put("ociVersionMax", ContainerState.OCI_VERSION);
        List<String> hooks = new ArrayList<>();
        schema.at("/$defs/Hooks/properties").propertyNames().forEach(hook -> {
            if (accepted("hooks: {" + hook + ": [{path: /bin/true}]}\n" + MINIMAL_LINUX)) {
                hooks.add(hook);
            }
        });
        doc.put("hooks", hooks);
        doc.put("mountOptions", MountOptions.knownWords());

        Map<String, Object> linux = new LinkedHashMap<>();
        List<String> namespaces = new ArrayList<>();
        for (String ns : enumOf(schema, "/$defs/Namespace/properties/type/enum")) {
            String others = ns.equals("mount") ? "[{type: mount}]" : "[{type: mount}, {type: " + ns + "}]";
            if (accepted("linux: {namespaces: " + others + "}\n")) {
                namespaces.add(ns);
            }
        }
        linux.put("namespaces", namespaces);
        // What the schema lets a config name and the code can number.
        linux.put("capabilities", enumOf(schema, "/$defs/Capability/enum").stream()
                .filter(c -> Capability.byName(c).isPresent()).toList());
        Map<String, Object> cgroup = new LinkedHashMap<>();
        cgroup.put("v1", true);
        cgroup.put("v2", true);
        cgroup.put("systemd", false);
        cgroup.put("systemdUser", false);
        cgroup.put("rdma", false);
        linux.put("cgroup", cgroup);
        Map<String, Object> seccomp = new LinkedHashMap<>();
        seccomp.put("enabled", libseccomp != null);
        if (libseccomp != null) {
            seccomp.put("actions", enumOf(schema, "/$defs/SeccompAction/enum").stream().filter(SeccompLoader::knowsAction).toList());
            seccomp.put("operators", enumOf(schema, "/$defs/SeccompSyscall/properties/args/items/properties/op/enum"));
            seccomp.put("archs", enumOf(schema, "/$defs/Seccomp/properties/architectures/items/enum").stream()
                    .filter(a -> libseccomp.archResolveName(SeccompLoader.libseccompArchName(a)) != 0).toList());
            List<String> flags = enumOf(schema, "/$defs/Seccomp/properties/flags/items/enum");
            seccomp.put("knownFlags", flags);
            // The loader sets WAIT_KILLABLE_RECV through an attribute libseccomp has from 2.6 on.
            seccomp.put("supportedFlags", flags.stream()
                    .filter(f -> !f.equals("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") || atLeast(libseccomp.version(), 2, 6)).toList());
        }
        linux.put("seccomp", seccomp);
        linux.put("apparmor", Map.of("enabled", lsms.contains(HostFacts.APPARMOR)));
        linux.put("selinux", Map.of("enabled", lsms.contains(HostFacts.SELINUX)));
        linux.put("intelRdt", Map.of("enabled", false));
        linux.put("mountExtensions", Map.of("idmap", Map.of("enabled", false)));
        linux.put("netDevices", Map.of("enabled", false));
        doc.put("linux", linux);

        Map<String, Object> annotations = new LinkedHashMap<>();
        String v = FeaturesCommand.class.getPackage().getImplementationVersion();
        annotations.put("dev.jspec.version", v == null ? "dev" : v);
        if (libseccomp != null) {
            // The key runc uses, which tools already read.
            annotations.put("io.github.seccomp.libseccomp.version", libseccomp.version());
        }
        doc.put("annotations", annotations);
        return doc;
    }

    /** A config's linux section with the one namespace jspec always needs. */
    private static final String MINIMAL_LINUX = "linux: {namespaces: [{type: mount}]}\n";

    /** Whether Preflight lets a minimal config with {@code extra} (YAML lines) through. */
    private static boolean accepted(String extra) {
        String yaml = "ociVersion: 1.2.0\nroot: {path: rootfs}\nprocess: {args: [/bin/true], cwd: /}\n" + extra;
        try {
            Spec spec = SpecBinder.bind(ConfigReader.parse(yaml.getBytes(StandardCharsets.UTF_8), "features").tree());
            return Preflight.unsupported(spec) == null;
        } catch (dev.jspec.spec.ConfigException e) {
            throw new IllegalStateException("features: the probe config does not parse: " + e.getMessage(), e);
        }
    }

    /** Whether a dotted version is at least major.minor. */
    static boolean atLeast(String version, int major, int minor) {
        String[] p = version.split("\\.");
        try {
            int ma = Integer.parseInt(p[0]);
            int mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static List<String> enumOf(JsonNode schema, String pointer) {
        List<String> out = new ArrayList<>();
        schema.at(pointer).forEach(n -> out.add(n.stringValue()));
        if (out.isEmpty()) {
            throw new IllegalStateException("features: no enum at " + pointer + " in the config schema");
        }
        return out;
    }

    /** JSON with four-space indents, as runc prints its features. */
    static String pretty(Object value, String indent) {
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                return "{}";
            }
            StringBuilder b = new StringBuilder("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(indent).append("    ").append(Json.quote(e.getKey().toString())).append(": ")
                        .append(pretty(e.getValue(), indent + "    ")).append(++i < m.size() ? ",\n" : "\n");
            }
            return b.append(indent).append('}').toString();
        }
        if (value instanceof List<?> l) {
            if (l.isEmpty()) {
                return "[]";
            }
            StringBuilder b = new StringBuilder("[\n");
            for (int i = 0; i < l.size(); i++) {
                b.append(indent).append("    ").append(pretty(l.get(i), indent + "    ")).append(i + 1 < l.size() ? ",\n" : "\n");
            }
            return b.append(indent).append(']').toString();
        }
        if (value instanceof String s) {
            return Json.quote(s);
        }
        return String.valueOf(value);
    }
}
