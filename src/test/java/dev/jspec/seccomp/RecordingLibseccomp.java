package dev.jspec.seccomp;

import dev.jspec.spec.SeccompRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A fake libseccomp for unit tests: records each call as a line, knows a small syscall table,
 * and fails calls whose recorded text starts with a prefix the test names (with -errno, as
 * libseccomp does).
 */
class RecordingLibseccomp implements Libseccomp {

    static final long CTX = 0x5eccL;

    final List<String> calls = new ArrayList<>();
    final Map<String, Integer> syscalls = new HashMap<>(Map.of(
            "mkdir", 83, "mkdirat", 258, "personality", 135, "kill", 62, "clone", 56, "write", 1, "reboot", 169));
    final Map<String, Integer> failures = new HashMap<>();
    int notifyFd = 77;

    RecordingLibseccomp failOn(String prefix, int errno) {
        failures.put(prefix, errno);
        return this;
    }

    private int record(String call) {
        calls.add(call);
        for (var f : failures.entrySet()) {
            if (call.startsWith(f.getKey())) {
                return -f.getValue();
            }
        }
        return 0;
    }

    @Override
    public long init(int defaultAction) {
        return record("init 0x" + Integer.toHexString(defaultAction)) < 0 ? 0 : CTX;
    }

    @Override
    public int attrSet(long ctx, int attr, int value) {
        return record("attr " + attr + "=" + value);
    }

    @Override
    public int archResolveName(String name) {
        calls.add("arch_resolve " + name);
        return switch (name) {
            case "x86_64" -> 0xc000003e;
            case "x86" -> 0x40000003;
            case "x32" -> 0x4000003e;
            default -> 0;
        };
    }

    @Override
    public int archAdd(long ctx, int archToken) {
        return record("arch_add 0x" + Integer.toHexString(archToken));
    }

    @Override
    public int syscallResolveName(String name) {
        return syscalls.getOrDefault(name, NR_SCMP_ERROR);
    }

    @Override
    public int ruleAdd(long ctx, int action, int syscall, List<SeccompRule.Condition> conditions) {
        return record("rule 0x" + Integer.toHexString(action) + " " + syscall
                + conditions.stream().map(c -> " " + c.index() + ":" + Libseccomp.compareOp(c.op()) + ":" + Long.toUnsignedString(c.value())
                        + ":" + Long.toUnsignedString(c.valueTwo())).collect(Collectors.joining()));
    }

    @Override
    public int load(long ctx) {
        return record("load");
    }

    @Override
    public int notifyFd(long ctx) {
        calls.add("notify_fd");
        return notifyFd;
    }

    @Override
    public void release(long ctx) {
        calls.add("release");
    }

    @Override
    public String version() {
        return "2.5.4";
    }
}
