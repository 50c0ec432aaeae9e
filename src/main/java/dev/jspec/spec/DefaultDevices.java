package dev.jspec.spec;

import java.util.List;

/**
 * The devices every container gets, as runc gives them: the nodes created in a fresh /dev,
 * and the cgroup rules that let the container use them. A device the config lists under
 * {@code linux.devices} at the same path replaces the default one, node and rule both.
 */
public final class DefaultDevices {

    /** A character device node created in the container's /dev. */
    public record Node(String path, long major, long minor) {}

    /** A v1 device-cgroup allow rule; a null major or minor is "*". */
    public record Rule(String type, Long major, Long minor, String access, String path) {}

    /** null, zero, full, random, urandom and tty, all 0666 root:root. */
    public static final List<Node> NODES = List.of(
            new Node("/dev/null", 1, 3),
            new Node("/dev/zero", 1, 5),
            new Node("/dev/full", 1, 7),
            new Node("/dev/random", 1, 8),
            new Node("/dev/urandom", 1, 9),
            new Node("/dev/tty", 5, 0));

    /**
     * runc's {@code AllowedDevices}, in its order: mknod of any device (so images that ship
     * device nodes unpack), the default nodes, the pty slaves (136:*), /dev/ptmx (5:2) and
     * /dev/net/tun (10:200). Appended after the config's own rules.
     */
    public static final List<Rule> CGROUP_RULES = List.of(
            new Rule("c", null, null, "m", null),
            new Rule("b", null, null, "m", null),
            new Rule("c", 1L, 3L, "rwm", "/dev/null"),
            new Rule("c", 1L, 8L, "rwm", "/dev/random"),
            new Rule("c", 1L, 7L, "rwm", "/dev/full"),
            new Rule("c", 5L, 0L, "rwm", "/dev/tty"),
            new Rule("c", 1L, 5L, "rwm", "/dev/zero"),
            new Rule("c", 1L, 9L, "rwm", "/dev/urandom"),
            new Rule("c", 136L, null, "rwm", null),
            new Rule("c", 5L, 2L, "rwm", null),
            new Rule("c", 10L, 200L, "rwm", null));

    private DefaultDevices() {}
}
