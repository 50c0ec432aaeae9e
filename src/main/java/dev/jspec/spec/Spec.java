package dev.jspec.spec;

import java.util.List;
import java.util.Map;

/**
 * A validated bundle config, bound to immutable records. Field names are the OCI
 * runtime-spec's (config.md, config-linux.md), so a reader of the spec can read this.
 *
 * <p>Conventions: an absent optional scalar is {@code null}; an absent list or map is empty,
 * never null. Unsigned 64-bit values (rlimits, memory limits) are held in a {@code long}
 * and read with {@link Long#toUnsignedString}; {@code -1} is the kernel's "unlimited"
 * where the spec says so.
 */
public record Spec(
        String ociVersion,
        Root root,
        List<Mount> mounts,
        Process process,
        String hostname,
        String domainname,
        Hooks hooks,
        Map<String, String> annotations,
        Linux linux) {

    /** The runtime-spec version jspec implements, as state and hooks report it. */
    public static final String OCI_VERSION = "1.2.0";


    public record Root(String path, boolean readonly) {}

    public record Mount(
            String destination,
            String type,
            String source,
            List<String> options,
            List<IdMapping> uidMappings,
            List<IdMapping> gidMappings) {}

    public record Process(
            boolean terminal,
            ConsoleSize consoleSize,
            User user,
            List<String> args,
            List<String> env,
            String cwd,
            Capabilities capabilities,
            List<Rlimit> rlimits,
            boolean noNewPrivileges,
            Integer oomScoreAdj,
            String apparmorProfile,
            String selinuxLabel) {}

    public record ConsoleSize(int height, int width) {}

    public record User(long uid, long gid, Integer umask, List<Long> additionalGids, String username) {}

    /** Capability names as the spec writes them, e.g. {@code CAP_NET_BIND_SERVICE}. */
    public record Capabilities(
            List<String> bounding,
            List<String> effective,
            List<String> inheritable,
            List<String> permitted,
            List<String> ambient) {}

    /** {@code type} is an rlimit name such as {@code RLIMIT_NOFILE}; values are unsigned. */
    public record Rlimit(String type, long hard, long soft) {}

    public record Hooks(
            List<Hook> prestart,
            List<Hook> createRuntime,
            List<Hook> createContainer,
            List<Hook> startContainer,
            List<Hook> poststart,
            List<Hook> poststop) {}

    public record Hook(String path, List<String> args, List<String> env, Integer timeout) {}

    public record Linux(
            List<Namespace> namespaces,
            List<IdMapping> uidMappings,
            List<IdMapping> gidMappings,
            Map<String, TimeOffset> timeOffsets,
            List<Device> devices,
            String cgroupsPath,
            Resources resources,
            Map<String, String> sysctl,
            Seccomp seccomp,
            String rootfsPropagation,
            List<String> maskedPaths,
            List<String> readonlyPaths,
            String mountLabel,
            Personality personality) {}

    /** {@code type} is one of pid, network, mount, ipc, uts, user, cgroup, time. */
    public record Namespace(String type, String path) {}

    public record IdMapping(long containerID, long hostID, long size) {}

    public record TimeOffset(long secs, long nanosecs) {}

    /** {@code type} is c, b, u or p; {@code fileMode}, {@code uid}, {@code gid} may be null. */
    public record Device(String type, String path, long major, long minor, Integer fileMode, Long uid, Long gid) {}

    public record Resources(
            List<DeviceRule> devices,
            Memory memory,
            Cpu cpu,
            Pids pids,
            BlockIO blockIO,
            List<HugepageLimit> hugepageLimits,
            Network network,
            Map<String, String> unified) {}

    /** A cgroup device rule; null major/minor/type mean "all" ({@code *} / {@code a}). */
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {}

    public record Memory(
            Long limit,
            Long reservation,
            Long swap,
            Long kernel,
            Long kernelTCP,
            Long swappiness,
            Boolean disableOOMKiller,
            Boolean useHierarchy,
            Boolean checkBeforeUpdate) {}

    public record Cpu(
            Long shares,
            Long quota,
            Long burst,
            Long period,
            Long realtimeRuntime,
            Long realtimePeriod,
            String cpus,
            String mems,
            Long idle) {}

    public record Pids(long limit) {}

    public record BlockIO(
            Integer weight,
            Integer leafWeight,
            List<WeightDevice> weightDevice,
            List<ThrottleDevice> throttleReadBpsDevice,
            List<ThrottleDevice> throttleWriteBpsDevice,
            List<ThrottleDevice> throttleReadIOPSDevice,
            List<ThrottleDevice> throttleWriteIOPSDevice) {}

    public record WeightDevice(long major, long minor, Integer weight, Integer leafWeight) {}

    public record ThrottleDevice(long major, long minor, long rate) {}

    public record HugepageLimit(String pageSize, long limit) {}

    public record Network(Integer classID, List<NetPriority> priorities) {}

    public record NetPriority(String name, int priority) {}

    public record Seccomp(
            String defaultAction,
            Integer defaultErrnoRet,
            List<String> architectures,
            List<String> flags,
            String listenerPath,
            String listenerMetadata,
            List<SeccompSyscall> syscalls) {}

    public record SeccompSyscall(List<String> names, String action, Integer errnoRet, List<SeccompArg> args) {}

    public record SeccompArg(int index, long value, long valueTwo, String op) {}

    public record Personality(String domain, List<String> flags) {}
}
