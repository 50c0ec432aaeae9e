package dev.jspec.exec;

import dev.jspec.sys.Errno;
import dev.jspec.sys.SyscallException;
import dev.jspec.util.ExitCodes;

/**
 * A step that failed: its number in the plan, the call as {@code jspec plan} prints it, the
 * reason, and the exit status jspec should end with (125, or 126/127 for the program itself).
 * The message is the one line the user sees after "jspec: ".
 */
public final class StepFailure extends Exception {

    private final int exitCode;

    public StepFailure(int number, String call, String reason, int exitCode, Throwable cause) {
        super("step " + number + " " + call + ": " + reason, cause);
        this.exitCode = exitCode;
    }

    /** A failure reported by the init over its status pipe, already formatted. */
    public StepFailure(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /**
     * A kernel call of the step failed: which one, with its arguments (a step may make
     * several), the errno, the {@code hint} (empty, or " (why)"), and what else the kernel
     * said: {@code step 9 <step>: mknodat(7</rootfs/dev>, "null", ...): EPERM (Operation not permitted)}.
     */
    public static StepFailure ofCall(int number, String step, SyscallException failed, String hint) {
        // A step of one call says it already: not twice.
        String call = failed.call().equals(step) ? "" : failed.call() + ": ";
        return new StepFailure(number, step, call + Errno.describe(failed.errno()) + hint
                + (failed.detail() == null ? "" : ": " + failed.detail()), ExitCodes.START_FAILED, failed);
    }

    public int exitCode() {
        return exitCode;
    }
}
