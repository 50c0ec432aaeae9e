package dev.jspec.util;

/** Every exit status jspec itself chooses, in one place. The container's own status passes through. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A runtime operation failed (a container that does not exist, a kernel call refused, ...). */
    public static final int FAILURE = 1;
    /** The config is invalid: every problem was printed as FILE:LINE:COLUMN. */
    public static final int CONFIG_ERROR = 2;
    /** The command line itself is wrong (unknown option, missing argument). */
    public static final int USAGE = 64;
    /** jspec failed before the container's program started; as podman and docker use it. */
    public static final int START_FAILED = 125;
    /** The container's program was found but could not be executed. */
    public static final int NOT_EXECUTABLE = 126;
    /** The container's program was not found in the container. */
    public static final int NOT_FOUND = 127;

    private ExitCodes() {}
}
