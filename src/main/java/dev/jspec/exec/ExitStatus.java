package dev.jspec.exec;

/** Decoding of a raw wait(2) status into the shell's convention. */
public final class ExitStatus {

    private ExitStatus() {}

    /** The exit code, or 128+N when the process was killed by signal N. */
    public static int toExitCode(int status) {
        int signal = status & 0x7f;
        if (signal == 0) {
            return (status >> 8) & 0xff;
        }
        return 128 + signal;
    }

    public static boolean signaled(int status) {
        int signal = status & 0x7f;
        return signal != 0 && signal != 0x7f;
    }
}
