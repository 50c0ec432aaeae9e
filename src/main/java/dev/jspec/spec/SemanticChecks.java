package dev.jspec.spec;

import dev.jspec.spec.SourceMap.Location;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The rules of the runtime-spec that a JSON Schema cannot state: relations between fields,
 * paths that must be absolute, and the root filesystem that must exist. Each rule reads the
 * tree defensively (a value of the wrong type is the schema's to report, and is skipped here),
 * so these checks run alongside the schema and every problem is reported in one pass.
 */
final class SemanticChecks {

    /** sysctls that belong to the IPC namespace (runc's list, from ipc_namespaces(7)). */
    private static final Set<String> IPC_SYSCTLS = Set.of(
            "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
            "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    private final ConfigNode tree;
    private final SourceMap sourceMap;
    private final String file;
    private final Path bundleDir;
    private final List<Diagnostic> problems = new ArrayList<>();
    private final List<Diagnostic> warnings = new ArrayList<>();

    private SemanticChecks(ConfigNode tree, SourceMap sourceMap, String file, Path bundleDir) {
        this.tree = tree;
        this.sourceMap = sourceMap;
        this.file = file;
        this.bundleDir = bundleDir;
    }

    /**
     * Every rule broken by {@code tree}; {@code bundleDir} null skips the root filesystem
     * check. What is legal but will not happen as written goes to {@code warningsOut}.
     */
    static List<Diagnostic> check(ConfigNode tree, SourceMap sourceMap, String file, Path bundleDir,
            List<Diagnostic> warningsOut) {
        SemanticChecks checks = new SemanticChecks(tree, sourceMap, file, bundleDir);
        checks.root();
        checks.mounts();
        checks.process();
        checks.hooks();
        checks.namespaces();
        checks.devices();
        checks.sysctl();
        checks.memory();
        checks.seccomp();
        warningsOut.addAll(checks.warnings);
        return checks.problems;
    }

    private void root() {
        ConfigNode path = tree.path("root").path("path");
        if (bundleDir == null || !path.isString() || path.stringValue().isEmpty()) {
            return;
        }
        Path rootfs = bundleDir.resolve(path.stringValue()).normalize();
        SpecPath at = SpecPath.of("root.path");
        if (!Files.exists(rootfs)) {
            report(at, "the root filesystem '" + path.stringValue() + "' does not exist"
                    + (Path.of(path.stringValue()).isAbsolute() ? "" : " (a relative root.path starts at the bundle directory, where the config is)"));
        } else if (!Files.isDirectory(rootfs)) {
            report(at, "the root filesystem '" + path.stringValue() + "' is not a directory");
        }
    }

    private void mounts() {
        eachElement(SpecPath.of("mounts"), (mount, at) -> absolute(mount.path("destination"), at.key("destination"),
                "a mount destination must be an absolute path in the container"));
    }

    private void process() {
        ConfigNode process = tree.path("process");
        SpecPath at = SpecPath.of("process");
        absolute(process.path("cwd"), at.key("cwd"), "process.cwd must be an absolute path");

        ConfigNode caps = process.path("capabilities");
        Set<String> permitted = strings(caps.path("permitted"));
        Set<String> inheritable = strings(caps.path("inheritable"));
        eachElement(at.key("capabilities").key("ambient"), (cap, capAt) -> {
            if (!cap.isString()) {
                return;
            }
            String name = cap.stringValue();
            List<String> missing = new ArrayList<>();
            if (!permitted.contains(name)) {
                missing.add("permitted");
            }
            if (!inheritable.contains(name)) {
                missing.add("inheritable");
            }
            if (!missing.isEmpty()) {
                // Legal in the spec, and runc's own default config does it; the kernel
                // refuses to raise such a capability, so jspec leaves it out, as runc does.
                // Built without +: a concatenation's call site is linked at its first use, a
                // class made at run time on every start of such a config (the training's has none).
                warn(capAt, "ambient capability ".concat(name).concat(" is not ").concat(String.join(" or ", missing))
                        .concat(", so the kernel cannot raise it; it is left out of the ambient set"));
            }
        });

        Map<String, Location> seen = new HashMap<>();
        eachElement(at.key("rlimits"), (rlimit, rlimitAt) -> {
            ConfigNode type = rlimit.path("type");
            if (type.isString()) {
                Location first = seen.putIfAbsent(type.stringValue(), sourceMap.valueAt(rlimitAt.key("type")));
                if (first != null) {
                    report(rlimitAt.key("type"), "rlimit " + type.stringValue() + " is set twice (first at line " + first.line() + ")");
                }
            }
            BigInteger soft = uint64(rlimit.path("soft"));
            BigInteger hard = uint64(rlimit.path("hard"));
            if (soft != null && hard != null && soft.compareTo(hard) > 0) {
                report(rlimitAt.key("soft"), "soft limit " + soft + " is above the hard limit " + hard + "; setrlimit(2) refuses that");
            }
        });
    }

    private void hooks() {
        for (String phase : List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop")) {
            eachElement(SpecPath.of("hooks").key(phase), (hook, at) ->
                    absolute(hook.path("path"), at.key("path"), "a hook path must be absolute"));
        }
    }

    private void namespaces() {
        Map<String, Location> seen = new HashMap<>();
        Set<String> types = new HashSet<>();
        List<SpecPath> newUserNamespaces = new ArrayList<>();
        eachElement(SpecPath.of("linux.namespaces"), (ns, at) -> {
            ConfigNode type = ns.path("type");
            if (!type.isString()) {
                return;
            }
            types.add(type.stringValue());
            if (type.stringValue().equals("user") && !ns.has("path")) {
                newUserNamespaces.add(at);
            }
            Location first = seen.putIfAbsent(type.stringValue(), sourceMap.valueAt(at.key("type")));
            if (first != null) {
                report(at.key("type"), "namespace type '" + type.stringValue() + "' is listed twice (first at line " + first.line()
                        + "); list each type once" + (ns.has("path") ? ", with its path if it joins an existing namespace" : ""));
            }
            absolute(ns.path("path"), at.key("path"), "a namespace path must be absolute, e.g. /proc/1234/ns/net");
        });

        ConfigNode linux = tree.path("linux");
        boolean user = types.contains("user");
        for (String mappings : List.of("uidMappings", "gidMappings")) {
            if (!user && linux.path(mappings).isArray() && !linux.path(mappings).isEmpty()) {
                report(SpecPath.of("linux").key(mappings), "linux." + mappings + " needs a user namespace; add {type: user} to linux.namespaces");
            }
        }
        for (SpecPath at : newUserNamespaces) {
            for (String mappings : List.of("uidMappings", "gidMappings")) {
                if (!linux.path(mappings).isArray() || linux.path(mappings).isEmpty()) {
                    report(at, "a new user namespace needs linux." + mappings + "; without them every id in it is nobody (65534)");
                }
            }
        }
        if (!types.contains("uts")) {
            for (String name : List.of("hostname", "domainname")) {
                if (tree.path(name).isString()) {
                    report(SpecPath.of(name), name + " is set but the container shares the host's UTS namespace; add {type: uts} to linux.namespaces");
                }
            }
        }
        if (!types.contains("time") && linux.path("timeOffsets").isObject() && !linux.path("timeOffsets").isEmpty()) {
            report(SpecPath.of("linux.timeOffsets"), "linux.timeOffsets needs a time namespace; add {type: time} to linux.namespaces");
        }
    }

    private void devices() {
        eachElement(SpecPath.of("linux.devices"), (device, at) -> {
            absolute(device.path("path"), at.key("path"), "a device path must be absolute in the container, e.g. /dev/fuse");
            ConfigNode type = device.path("type");
            if (type.isString() && !type.stringValue().equals("p")) {
                for (String number : List.of("major", "minor")) {
                    if (!device.has(number)) {
                        report(at, "device " + device.path("path").asString("") + " of type " + type.stringValue()
                                + " needs '" + number + "' (only a FIFO, type p, has none)");
                    }
                }
            }
        });
    }

    private void sysctl() {
        ConfigNode sysctl = tree.path("linux").path("sysctl");
        if (!sysctl.isObject()) {
            return;
        }
        Set<String> types = new HashSet<>();
        tree.path("linux").path("namespaces").forEach(ns -> types.add(ns.path("type").asString("")));
        for (String key : sysctl.propertyNames()) {
            String name = key.replace('/', '.');
            SpecPath at = SpecPath.of("linux.sysctl").key(key);
            String namespace;
            if (IPC_SYSCTLS.contains(name) || name.startsWith("fs.mqueue.")) {
                namespace = "ipc";
            } else if (name.startsWith("net.")) {
                namespace = "network";
            } else if (name.equals("kernel.hostname") || name.equals("kernel.domainname")) {
                namespace = "uts";
            } else {
                Location where = sourceMap.keyAt(at);
                problems.add(new Diagnostic(file, where.line(), where.column(), at.toString(), "sysctl " + key
                        + " is not namespaced; setting it from a container would change the host"));
                continue;
            }
            if (!types.contains(namespace)) {
                Location where = sourceMap.keyAt(at);
                problems.add(new Diagnostic(file, where.line(), where.column(), at.toString(), "sysctl " + key + " belongs to the "
                        + namespace + " namespace, which the container shares with the host; add {type: " + namespace + "} to linux.namespaces"));
            }
        }
    }

    /** OCI's swap is memory+swap, so a positive swap below a positive limit cannot be set. */
    private void memory() {
        ConfigNode memory = tree.path("linux").path("resources").path("memory");
        ConfigNode limit = memory.path("limit");
        ConfigNode swap = memory.path("swap");
        if (limit.isIntegralNumber() && swap.isIntegralNumber() && limit.bigIntegerValue().signum() > 0
                && swap.bigIntegerValue().signum() > 0 && swap.bigIntegerValue().compareTo(limit.bigIntegerValue()) < 0) {
            report(SpecPath.of("linux.resources.memory.swap"), "swap " + swap.bigIntegerValue() + " is below limit " + limit.bigIntegerValue()
                    + "; in the OCI spec swap is memory plus swap, so it must be at least the limit (or -1)");
        }
    }

    /** Actions that return a value to the caller; only these take errnoRet. */
    private static final Set<String> ERRNO_ACTIONS = Set.of("SCMP_ACT_ERRNO", "SCMP_ACT_TRACE");

    /**
     * What runtime-spec and runc say of seccomp beyond the schema: errnoRet only where the
     * action returns one; the listener fields together; SCMP_ACT_NOTIFY with an agent to
     * answer, and never on the calls the init needs to hand the agent its descriptor.
     */
    private void seccomp() {
        ConfigNode seccomp = tree.path("linux").path("seccomp");
        if (!seccomp.isObject()) {
            return;
        }
        SpecPath at = SpecPath.of("linux.seccomp");
        ConfigNode defaultAction = seccomp.path("defaultAction");
        if (seccomp.has("defaultErrnoRet") && defaultAction.isString() && !ERRNO_ACTIONS.contains(defaultAction.stringValue())) {
            report(at.key("defaultErrnoRet"), "defaultErrnoRet applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE only; "
                    + defaultAction.stringValue() + " returns no errno");
        }
        if ("SCMP_ACT_NOTIFY".equals(defaultAction.asString(""))) {
            report(at.key("defaultAction"), "SCMP_ACT_NOTIFY cannot be the default action: the init's own calls would wait for"
                    + " an agent that does not have the listener yet");
        }
        boolean hasListener = seccomp.path("listenerPath").isString();
        if (seccomp.has("listenerMetadata") && !hasListener) {
            report(at.key("listenerMetadata"), "listenerMetadata is set but listenerPath is not; the metadata goes to the agent there");
        }
        absolute(seccomp.path("listenerPath"), at.key("listenerPath"), "listenerPath must be an absolute path on the host");
        eachElement(at.key("syscalls"), (call, callAt) -> {
            String action = call.path("action").asString("");
            if (call.has("errnoRet") && call.path("action").isString() && !ERRNO_ACTIONS.contains(action)) {
                report(callAt.key("errnoRet"), "errnoRet applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE only; " + action + " returns no errno");
            }
            if (action.equals("SCMP_ACT_NOTIFY") && !hasListener) {
                report(callAt.key("action"), "SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath, the socket of the agent that answers the calls");
            }
            ConfigNode names = call.path("names");
            for (int i = 0; names.isArray() && i < names.size(); i++) {
                ConfigNode name = names.get(i);
                SpecPath nameAt = callAt.key("names").index(i);
                if (!name.isString() || name.stringValue().isEmpty()) {
                    continue;
                }
                String n = name.stringValue();
                if (!SeccompRule.isSyscallName(n)) {
                    report(nameAt, "'" + n + "' is not a system call name");
                } else if (action.equals("SCMP_ACT_NOTIFY") && (n.equals("write") || n.equals("sendmsg"))) {
                    report(nameAt, "SCMP_ACT_NOTIFY cannot be used for " + n + ": the init needs it to hand the listener to jspec,"
                            + " before any agent could answer");
                }
            }
        });
    }

    /** The value when it is a valid uint64 (the schema reports any other), else null. */
    private static BigInteger uint64(ConfigNode value) {
        if (!value.isIntegralNumber()) {
            return null;
        }
        BigInteger v = value.bigIntegerValue();
        return v.signum() >= 0 && v.bitLength() <= 64 ? v : null;
    }

    private void absolute(ConfigNode value, SpecPath at, String message) {
        if (value.isString() && !value.stringValue().isEmpty() && !value.stringValue().startsWith("/")) {
            report(at, message + "; '" + value.stringValue() + "' is relative");
        }
    }

    private void eachElement(SpecPath arrayPath, BiConsumer<ConfigNode, SpecPath> action) {
        ConfigNode array = tree;
        for (Object segment : arrayPath.segments()) {
            array = array.path((String) segment);
        }
        if (!array.isArray()) {
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            action.accept(array.get(i), arrayPath.index(i));
        }
    }

    private static Set<String> strings(ConfigNode array) {
        Set<String> out = new HashSet<>();
        if (array.isArray()) {
            array.forEach(v -> {
                if (v.isString()) {
                    out.add(v.stringValue());
                }
            });
        }
        return out;
    }

    private void warn(SpecPath at, String message) {
        Location where = sourceMap.valueAt(at);
        warnings.add(new Diagnostic(file, where.line(), where.column(), at.toString(), "warning: " + message));
    }

    private void report(SpecPath at, String message) {
        Location where = sourceMap.valueAt(at);
        problems.add(new Diagnostic(file, where.line(), where.column(), at.toString(), message));
    }
}
