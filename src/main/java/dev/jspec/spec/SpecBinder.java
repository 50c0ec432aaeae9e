package dev.jspec.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a config tree that passed validation into {@link Spec} records.
 *
 * <p>Conventions, so the rest of the runtime never guesses: an absent list or map is empty;
 * an absent optional scalar or object is null, except {@code hooks} and {@code linux}, which
 * are always present (every field in them is optional, and "absent" means the same as
 * "empty"). Unsigned 64-bit values are kept bit for bit in a {@code long}, as
 * {@link Long#parseUnsignedLong} would: 18446744073709551615 (RLIM_INFINITY) becomes -1.
 * uint32 fields held in an {@code int} keep their bits the same way.
 */
public final class SpecBinder {

    private SpecBinder() {}

    /** Binds {@code tree}; it must already have passed {@link SchemaValidator} and the semantic checks. */
    public static Spec bind(ConfigNode tree) {
        return new Spec(
                text(tree, "ociVersion"),
                root(tree.path("root")),
                list(tree, "mounts", SpecBinder::mount),
                tree.has("process") ? process(tree.get("process")) : null,
                text(tree, "hostname"),
                text(tree, "domainname"),
                hooks(tree.path("hooks")),
                strings(tree.path("annotations")),
                linux(tree.path("linux")));
    }

    private static Spec.Root root(ConfigNode root) {
        return root.isObject() ? new Spec.Root(text(root, "path"), bool(root, "readonly")) : null;
    }

    private static Spec.Mount mount(ConfigNode m) {
        return new Spec.Mount(text(m, "destination"), text(m, "type"), text(m, "source"), stringList(m, "options"),
                list(m, "uidMappings", SpecBinder::idMapping), list(m, "gidMappings", SpecBinder::idMapping));
    }

    private static Spec.IdMapping idMapping(ConfigNode m) {
        return new Spec.IdMapping(u64(m, "containerID"), u64(m, "hostID"), u64(m, "size"));
    }

    private static Spec.Process process(ConfigNode p) {
        ConfigNode console = p.path("consoleSize");
        ConfigNode user = p.path("user");
        ConfigNode caps = p.path("capabilities");
        return new Spec.Process(
                bool(p, "terminal"),
                console.isObject() ? new Spec.ConsoleSize((int) u64(console, "height"), (int) u64(console, "width")) : null,
                user.isObject()
                        ? new Spec.User(u64(user, "uid"), u64(user, "gid"), int32(user, "umask"),
                                list(user, "additionalGids", g -> g.bigIntegerValue().longValue()), text(user, "username"))
                        : null,
                stringList(p, "args"),
                stringList(p, "env"),
                text(p, "cwd"),
                caps.isObject()
                        ? new Spec.Capabilities(stringList(caps, "bounding"), stringList(caps, "effective"),
                                stringList(caps, "inheritable"), stringList(caps, "permitted"), stringList(caps, "ambient"))
                        : null,
                list(p, "rlimits", r -> new Spec.Rlimit(text(r, "type"), u64(r, "hard"), u64(r, "soft"))),
                bool(p, "noNewPrivileges"),
                int32(p, "oomScoreAdj"),
                text(p, "apparmorProfile"),
                text(p, "selinuxLabel"));
    }

    private static Spec.Hooks hooks(ConfigNode h) {
        return new Spec.Hooks(hookList(h, "prestart"), hookList(h, "createRuntime"), hookList(h, "createContainer"),
                hookList(h, "startContainer"), hookList(h, "poststart"), hookList(h, "poststop"));
    }

    private static List<Spec.Hook> hookList(ConfigNode hooks, String phase) {
        return list(hooks, phase, h -> new Spec.Hook(text(h, "path"), stringList(h, "args"), stringList(h, "env"), int32(h, "timeout")));
    }

    private static Spec.Linux linux(ConfigNode l) {
        Map<String, Spec.TimeOffset> offsets = new LinkedHashMap<>();
        l.path("timeOffsets").forEachEntry((clock, o) -> offsets.put(clock, new Spec.TimeOffset(
                o.has("secs") ? o.get("secs").longValue() : 0, o.has("nanosecs") ? u64(o, "nanosecs") : 0)));
        ConfigNode personality = l.path("personality");
        return new Spec.Linux(
                list(l, "namespaces", n -> new Spec.Namespace(text(n, "type"), text(n, "path"))),
                list(l, "uidMappings", SpecBinder::idMapping),
                list(l, "gidMappings", SpecBinder::idMapping),
                Collections.unmodifiableMap(offsets),
                list(l, "devices", SpecBinder::device),
                text(l, "cgroupsPath"),
                l.has("resources") ? resources(l.get("resources")) : null,
                strings(l.path("sysctl")),
                l.has("seccomp") ? seccomp(l.get("seccomp")) : null,
                text(l, "rootfsPropagation"),
                stringList(l, "maskedPaths"),
                stringList(l, "readonlyPaths"),
                text(l, "mountLabel"),
                personality.isObject() ? new Spec.Personality(text(personality, "domain"), stringList(personality, "flags")) : null);
    }

    private static Spec.Device device(ConfigNode d) {
        return new Spec.Device(text(d, "type"), text(d, "path"), d.has("major") ? d.get("major").longValue() : 0,
                d.has("minor") ? d.get("minor").longValue() : 0, int32(d, "fileMode"), longOrNull(d, "uid"), longOrNull(d, "gid"));
    }

    private static Spec.Resources resources(ConfigNode r) {
        ConfigNode memory = r.path("memory");
        ConfigNode cpu = r.path("cpu");
        ConfigNode network = r.path("network");
        return new Spec.Resources(
                list(r, "devices", d -> new Spec.DeviceRule(bool(d, "allow"), text(d, "type"), longOrNull(d, "major"),
                        longOrNull(d, "minor"), text(d, "access"))),
                memory.isObject()
                        ? new Spec.Memory(longOrNull(memory, "limit"), longOrNull(memory, "reservation"), longOrNull(memory, "swap"),
                                longOrNull(memory, "kernel"), longOrNull(memory, "kernelTCP"), longOrNull(memory, "swappiness"),
                                boolOrNull(memory, "disableOOMKiller"), boolOrNull(memory, "useHierarchy"),
                                boolOrNull(memory, "checkBeforeUpdate"))
                        : null,
                cpu.isObject()
                        ? new Spec.Cpu(longOrNull(cpu, "shares"), longOrNull(cpu, "quota"), longOrNull(cpu, "burst"), longOrNull(cpu, "period"),
                                longOrNull(cpu, "realtimeRuntime"), longOrNull(cpu, "realtimePeriod"), text(cpu, "cpus"), text(cpu, "mems"),
                                longOrNull(cpu, "idle"))
                        : null,
                r.path("pids").isObject() ? new Spec.Pids(r.get("pids").path("limit").longValue()) : null,
                r.path("blockIO").isObject() ? blockIO(r.get("blockIO")) : null,
                list(r, "hugepageLimits", h -> new Spec.HugepageLimit(text(h, "pageSize"), u64(h, "limit"))),
                network.isObject()
                        ? new Spec.Network(int32(network, "classID"),
                                list(network, "priorities", p -> new Spec.NetPriority(text(p, "name"), (int) u64(p, "priority"))))
                        : null,
                strings(r.path("unified")));
    }

    private static Spec.BlockIO blockIO(ConfigNode b) {
        Function<ConfigNode, Spec.ThrottleDevice> throttle = t -> new Spec.ThrottleDevice(t.path("major").longValue(),
                t.path("minor").longValue(), u64(t, "rate"));
        return new Spec.BlockIO(int32(b, "weight"), int32(b, "leafWeight"),
                list(b, "weightDevice", w -> new Spec.WeightDevice(w.path("major").longValue(), w.path("minor").longValue(),
                        int32(w, "weight"), int32(w, "leafWeight"))),
                list(b, "throttleReadBpsDevice", throttle),
                list(b, "throttleWriteBpsDevice", throttle),
                list(b, "throttleReadIOPSDevice", throttle),
                list(b, "throttleWriteIOPSDevice", throttle));
    }

    private static Spec.Seccomp seccomp(ConfigNode s) {
        return new Spec.Seccomp(text(s, "defaultAction"), int32(s, "defaultErrnoRet"), stringList(s, "architectures"),
                stringList(s, "flags"), text(s, "listenerPath"), text(s, "listenerMetadata"),
                list(s, "syscalls", c -> new Spec.SeccompSyscall(stringList(c, "names"), text(c, "action"), int32(c, "errnoRet"),
                        list(c, "args", a -> new Spec.SeccompArg((int) u64(a, "index"), u64(a, "value"),
                                a.has("valueTwo") ? u64(a, "valueTwo") : 0, text(a, "op"))))));
    }

    // Readers for one field. Each treats an explicit null like an absent key.

    private static String text(ConfigNode object, String key) {
        ConfigNode v = object.get(key);
        return v == null || v.isNull() ? null : v.stringValue();
    }

    private static boolean bool(ConfigNode object, String key) {
        ConfigNode v = object.get(key);
        return v != null && v.isBoolean() && v.booleanValue();
    }

    private static Boolean boolOrNull(ConfigNode object, String key) {
        ConfigNode v = object.get(key);
        return (v == null || v.isNull()) ? null : v.booleanValue();
    }

    /** A uint64 (or any integer) as its low 64 bits: 2^64-1 is -1L. Absent is 0. */
    private static long u64(ConfigNode object, String key) {
        ConfigNode v = object.get(key);
        return v == null || v.isNull() ? 0 : integral(v).longValue();
    }

    /** An int64, or a uint64 as its low 64 bits; null when absent. */
    private static Long longOrNull(ConfigNode object, String key) {
        ConfigNode v = object.get(key);
        return v == null || v.isNull() ? null : integral(v).longValue();
    }

    /** An int32 or a uint32 as its low 32 bits. */
    private static Integer int32(ConfigNode object, String key) {
        ConfigNode v = object.get(key);
        return v == null || v.isNull() ? null : integral(v).intValue();
    }

    /** Integers may arrive as 1.0 from JSON writers; the schema has already checked they are whole. */
    private static java.math.BigInteger integral(ConfigNode v) {
        return v.bigIntegerValue();
    }

    private static <T> List<T> list(ConfigNode object, String key, Function<ConfigNode, T> element) {
        ConfigNode array = object.path(key);
        if (!array.isArray()) {
            return List.of();
        }
        List<T> out = new ArrayList<>(array.size());
        array.forEach(item -> out.add(element.apply(item)));
        return Collections.unmodifiableList(out);
    }

    private static List<String> stringList(ConfigNode object, String key) {
        return list(object, key, ConfigNode::stringValue);
    }

    private static Map<String, String> strings(ConfigNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.forEachEntry((k, v) -> out.put(k, v.stringValue()));
        return Collections.unmodifiableMap(out);
    }
}
