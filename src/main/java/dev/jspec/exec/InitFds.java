package dev.jspec.exec;

/**
 * Where the init finds its descriptors. The caller's preserved descriptors (runc's
 * {@code --preserve-fds N}) keep their numbers, 3 to 3+N-1, all the way into the program;
 * the init's own pipes and sockets come right after them, from {@code base} on, and are
 * gone at the execve (close-on-exec). The parent tells the init the base in its
 * environment, which the program never sees.
 */
public record InitFds(int base) {

    /** The variable in the init's environment that carries {@link #base}. */
    public static final String ENV = "JSPEC_INIT_FD_BASE";

    public static final InitFds DEFAULT = new InitFds(3);

    /** The layout after {@code preserved} descriptors of the caller's. */
    public static InitFds after(int preserved) {
        return new InitFds(3 + preserved);
    }

    /** The layout the parent gave this process, read from its environment. */
    public static InitFds fromEnvironment() {
        String value = System.getenv(ENV);
        return value == null ? DEFAULT : new InitFds(Integer.parseInt(value));
    }

    /** The plan comes in here; the parent's go-aheads follow it. */
    public int plan() {
        return base;
    }

    /** Failures go out here, as {@code E <code> <message>}; its close at execve means success. */
    public int status() {
        return base + 1;
    }

    /** The console socket, when the process has a terminal: the pty master goes back over it. */
    public int console() {
        return base + 2;
    }

    /** The seccomp socket, when a filter's listener goes to an agent. */
    public int seccomp() {
        return base + 3;
    }

    /** The exec FIFO (O_PATH), when the init waits for `jspec start`. */
    public int execFifo() {
        return base + 4;
    }
}
