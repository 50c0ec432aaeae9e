package dev.jspec.exec;

/**
 * A step that failed: its number in the plan, the call as {@code jspec plan} prints it, the
 * reason, and the exit status jspec should end with (125, or 126/127 for the program itself).
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

    public int exitCode() {
        return exitCode;
    }
}
