package dev.jspec.it;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Large seccomp profiles for the integration tests, as OCI {@code linux.seccomp} JSON: the
 * engines' default profiles where the host has them, and one generated here in the same
 * style (deny by default, allow every system call libseccomp knows but a dangerous few).
 */
final class SeccompProfiles {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** podman's default profile, from Debian's golang-github-containers-common. */
    static final Path PODMAN = Path.of("/usr/share/containers/seccomp.json");
    /** Docker's default profile, from Debian's golang-github-docker-docker-dev (moby's profiles/seccomp/default.json). */
    static final Path DOCKER = Path.of("/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json");

    /** podman's default capabilities: what the engines' profiles are resolved against. */
    static final List<String> ENGINE_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT");

    /** System calls a container engine denies by default (privileged, or reaching past the container). */
    private static final Set<String> DENIED = Set.of("acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
            "delete_module", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick", "get_kernel_syms", "init_module", "ioperm",
            "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mount", "mount_setattr", "move_mount",
            "name_to_handle_at", "nfsservctl", "open_by_handle_at", "open_tree", "perf_event_open", "pivot_root",
            "process_vm_readv", "process_vm_writev", "ptrace", "query_module", "quotactl", "reboot", "request_key", "setns",
            "settimeofday", "stime", "swapoff", "swapon", "syslog", "sysfs", "_sysctl", "umount", "umount2", "unshare", "uselib",
            "userfaultfd", "ustat", "vm86", "vm86old");

    private SeccompProfiles() {}

    /**
     * An engine's profile file (with archMap, includes and excludes) resolved as the engine
     * resolves it for an x86_64 container with {@code caps}: the OCI section it would write.
     */
    static ObjectNode fromEngineProfile(Path file, List<String> caps) throws IOException {
        JsonNode engine = MAPPER.readTree(Files.readString(file));
        ObjectNode oci = JSON.objectNode();
        oci.put("defaultAction", engine.path("defaultAction").stringValue());
        if (engine.has("defaultErrnoRet")) {
            oci.put("defaultErrnoRet", engine.path("defaultErrnoRet").intValue());
        }
        ArrayNode archs = oci.putArray("architectures");
        for (JsonNode a : engine.path("archMap")) {
            if (a.path("architecture").stringValue().equals("SCMP_ARCH_X86_64")) {
                archs.add("SCMP_ARCH_X86_64");
                a.path("subArchitectures").forEach(archs::add);
            }
        }
        ArrayNode syscalls = oci.putArray("syscalls");
        for (JsonNode s : engine.path("syscalls")) {
            if (!applies(s.path("includes"), caps, true) || applies(s.path("excludes"), caps, false)) {
                continue;
            }
            ObjectNode call = syscalls.addObject();
            call.set("names", s.path("names"));
            call.put("action", s.path("action").stringValue());
            if (s.has("errnoRet")) {
                call.put("errnoRet", s.path("errnoRet").intValue());
            }
            if (s.path("args").isArray() && !s.path("args").isEmpty()) {
                ArrayNode args = call.putArray("args");
                for (JsonNode a : s.path("args")) {
                    ObjectNode arg = args.addObject();
                    arg.put("index", a.path("index").intValue());
                    arg.set("value", a.path("value"));
                    if (a.has("valueTwo")) {
                        arg.set("valueTwo", a.path("valueTwo"));
                    }
                    arg.put("op", a.path("op").stringValue());
                }
            }
        }
        return oci;
    }

    /** For includes, whether every condition holds; for excludes, whether any does. */
    private static boolean applies(JsonNode filter, List<String> caps, boolean all) {
        List<Boolean> tests = new ArrayList<>();
        if (filter.path("arches").isArray() && !filter.path("arches").isEmpty()) {
            boolean amd64 = false;
            for (JsonNode a : filter.path("arches")) {
                amd64 |= a.stringValue().equals("amd64");
            }
            tests.add(amd64);
        }
        if (filter.path("caps").isArray() && !filter.path("caps").isEmpty()) {
            boolean has = all;
            for (JsonNode c : filter.path("caps")) {
                has = all ? has && caps.contains(c.stringValue()) : has || caps.contains(c.stringValue());
            }
            tests.add(has);
        }
        return all ? tests.stream().allMatch(b -> b) : tests.stream().anyMatch(b -> b);
    }

    /**
     * Every system call libseccomp knows on x86_64 and x86, by number: the allow list of a
     * profile that denies by default.
     */
    static Set<String> knownSyscalls() {
        Function resolve = NativeLibrary.getInstance("libseccomp.so.2").getFunction("seccomp_syscall_resolve_num_arch");
        Set<String> names = new TreeSet<>();
        for (int arch : new int[] {0xc000003e, 0x40000003}) {
            for (int nr = 0; nr < 600; nr++) {
                Pointer name = (Pointer) resolve.invoke(Pointer.class, new Object[] {arch, nr});
                if (name != null) {
                    names.add(name.getString(0));
                }
            }
        }
        return names;
    }

    /**
     * A profile in the engines' style: deny with {@code errno} by default, allow what
     * libseccomp knows except the privileged calls and {@code alsoDenied}; personality only
     * to the usual personas, clone only without namespace flags, clone3 as ENOSYS.
     */
    static ObjectNode engineStyle(int errno, Set<String> alsoDenied) {
        ObjectNode oci = JSON.objectNode();
        oci.put("defaultAction", "SCMP_ACT_ERRNO");
        oci.put("defaultErrnoRet", errno);
        oci.putArray("architectures").add("SCMP_ARCH_X86_64").add("SCMP_ARCH_X86").add("SCMP_ARCH_X32");
        ArrayNode syscalls = oci.putArray("syscalls");
        ArrayNode allowed = JSON.arrayNode();
        for (String name : knownSyscalls()) {
            if (!DENIED.contains(name) && !alsoDenied.contains(name) && !Set.of("personality", "clone", "clone3").contains(name)) {
                allowed.add(name);
            }
        }
        syscalls.addObject().put("action", "SCMP_ACT_ALLOW").set("names", allowed);
        ObjectNode personality = syscalls.addObject().put("action", "SCMP_ACT_ALLOW");
        personality.putArray("names").add("personality");
        ArrayNode personas = personality.putArray("args");
        for (long persona : new long[] {0, 8, 0x20000, 0x20008, 0xffffffffL}) {
            personas.addObject().put("index", 0).put("value", persona).put("op", "SCMP_CMP_EQ");
        }
        ObjectNode clone = syscalls.addObject().put("action", "SCMP_ACT_ALLOW");
        clone.putArray("names").add("clone");
        clone.putArray("args").addObject().put("index", 0).put("value", 0x7e020000L).put("valueTwo", 0).put("op", "SCMP_CMP_MASKED_EQ");
        ObjectNode clone3 = syscalls.addObject().put("action", "SCMP_ACT_ERRNO").put("errnoRet", 38);
        clone3.putArray("names").add("clone3");
        return oci;
    }

    static String json(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }
}
