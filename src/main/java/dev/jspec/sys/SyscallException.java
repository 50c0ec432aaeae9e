package dev.jspec.sys;

/**
 * A kernel call that failed: the call with its arguments, as C would write it, the errno it
 * returned, and what else the kernel said about it (a BPF verifier's log), if anything.
 * {@link #getMessage()} is one line: {@code call: ENAME (meaning)[: detail]}.
 */
public final class SyscallException extends RuntimeException {

    private final String call;
    private final int errno;
    private final String detail;

    public SyscallException(String call, int errno) {
        this(call, errno, null);
    }

    /** {@code detail}: more from the kernel than the errno; made one line here. */
    public SyscallException(String call, int errno, String detail) {
        super(message(call, errno, detail));
        this.call = call;
        this.errno = errno;
        this.detail = detail == null || detail.isBlank() ? null : oneLine(detail);
    }

    private static String message(String call, int errno, String detail) {
        String d = detail == null || detail.isBlank() ? "" : ": " + oneLine(detail);
        return call + ": " + Errno.describe(errno) + d;
    }

    /** Lines joined with " | ", other control characters escaped. */
    private static String oneLine(String text) {
        return CallText.escape(text.strip().replace("\r\n", "\n").replace("\n", " | "));
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** What the kernel said beyond the errno, as one line; null when nothing. */
    public String detail() {
        return detail;
    }
}
