package dev.jspec.sys;

/** A kernel call that failed: the call as written in the plan, and the errno it returned. */
public final class SyscallException extends RuntimeException {

    private final String call;
    private final int errno;

    public SyscallException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
