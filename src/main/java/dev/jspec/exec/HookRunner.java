package dev.jspec.exec;

import dev.jspec.spec.Spec;
import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs one OCI hook (runtime-spec config.md, "POSIX-platform Hooks"): {@code path} with
 * {@code args} as its argv and exactly {@code env} as its environment, the container's
 * state JSON on its stdin, its stdout and stderr on the caller's stderr, waited for at most
 * {@code timeout} seconds (then killed). Used by the parent (prestart, createRuntime,
 * poststart, poststop) and by the init (createContainer, startContainer), so it needs
 * nothing but {@link Syscalls}: the init may run it after pivot_root.
 */
public final class HookRunner {

    private static final int SIGKILL = 9;
    private static final int POLLIN = 0x1;

    private HookRunner() {}

    /** A hook that could not be run, exited non-zero, was killed or timed out; the message says which. */
    public static final class Failed extends RuntimeException {
        public Failed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The state of runtime.md as a hook reads it. {@code annotations} are the config's, as
     * key, value, key, value.
     */
    public static String state(String id, String status, int pid, String bundle, List<String> annotations) {
        StringBuilder b = new StringBuilder("{\"ociVersion\":").append(Json.quote(Spec.OCI_VERSION));
        b.append(",\"id\":").append(Json.quote(id));
        b.append(",\"status\":").append(Json.quote(status));
        b.append(",\"pid\":").append(pid);
        b.append(",\"bundle\":").append(Json.quote(bundle));
        b.append(",\"annotations\":{");
        for (int i = 0; i + 1 < annotations.size(); i += 2) {
            b.append(i == 0 ? "" : ",").append(Json.quote(annotations.get(i))).append(':')
                    .append(Json.quote(annotations.get(i + 1)));
        }
        return b.append("}}").toString();
    }

    /** The state a hook of this kind sees: the container's status at that point of its life. */
    public static String status(String kind) {
        return switch (kind) {
            case "startContainer" -> "created";
            case "poststart" -> "running";
            case "poststop" -> "stopped";
            default -> "creating";
        };
    }

    /**
     * Runs the hook and waits for it.
     *
     * @param timeout seconds, or null (or not positive) to wait as long as it takes
     * @throws Failed when it could not be spawned, exited non-zero, was killed, or timed out
     */
    public static void run(Syscalls sys, String path, List<String> args, List<String> env, Integer timeout, String state) {
        int[] stdin = sys.pipe();
        int pid;
        try {
            List<String> argv = args.isEmpty() ? List.of(path) : args;
            // stdin the state; stdout and stderr both the caller's stderr, which keeps an
            // engine's stdout (create's, start's) clean.
            pid = sys.spawn(path, argv, env, new int[] {stdin[0], 0, 2, 1, 2, 2});
        } catch (SyscallException e) {
            sys.close(stdin[1]);
            throw new Failed("cannot be run: " + Errno.describe(e.errno()) + " from " + e.call());
        } finally {
            sys.close(stdin[0]);
        }
        try {
            sys.writeAll(stdin[1], state.getBytes(StandardCharsets.UTF_8));
        } catch (SyscallException e) {
            // EPIPE: the hook exited or closed its stdin without reading the state; its exit status tells.
        } finally {
            sys.close(stdin[1]);
        }
        if (timeout != null && timeout > 0) {
            int pidfd = sys.pidfdOpen(pid);
            boolean exited;
            try {
                exited = (sys.pollIn(pidfd, (int) Math.min(Integer.MAX_VALUE, timeout * 1000L)) & POLLIN) != 0;
            } finally {
                sys.close(pidfd);
            }
            if (!exited) {
                try {
                    sys.kill(pid, SIGKILL);
                } catch (SyscallException ignored) {
                    // It exited just now; reaped below either way.
                }
                sys.waitpid(pid);
                throw new Failed("timed out after " + timeout + "s (killed)");
            }
        }
        int status = sys.waitpid(pid);
        if (ExitStatus.signaled(status)) {
            throw new Failed("killed by signal " + (status & 0x7f));
        }
        int code = ExitStatus.toExitCode(status);
        if (code != 0) {
            throw new Failed("exited with status " + code);
        }
    }
}
