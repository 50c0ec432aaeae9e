package dev.jspec.exec;

import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.nio.charset.StandardCharsets;

/**
 * The messages between jspec (the parent) and the container's init, both ends in one place.
 * Two pipes carry them; the init finds its ends at the numbers {@link InitFds} gives.
 *
 * <pre>
 *   parent                                   init
 *     |  plan pipe:  "&lt;length&gt;\n" + plan JSON  |
 *     | ------------------------------------&gt; |  runs its steps ...
 *     |  status pipe: "P &lt;n&gt;\n"                |  ... up to the parent's steps from step n
 *     | &lt;------------------------------------ |  (cgroup join, seccomp listener), then waits
 *     |  plan pipe:  'G'                        |
 *     | ------------------------------------&gt; |  runs on ...
 *     |                                         |
 *     |  status pipe: "C\n"  (create only)      |  everything but the program is ready; the
 *     | &lt;------------------------------------ |  parent records "created" and may exit, the
 *     |                                         |  init waits on the exec FIFO for `start`
 *     |  status pipe: end of file               |
 *     | &lt;------------------------------------ |  execve succeeded (the pipe is close-on-exec)
 *     |  or "E &lt;exit code&gt; &lt;message&gt;\n"          |  a step failed; the init exits
 * </pre>
 *
 * A status line that ends without its newline (the init died while writing it), or any line
 * not in this table, is reported as what it is, never taken for a message.
 */
public final class InitProtocol {

    private InitProtocol() {}

    /** What the init said on its status pipe. */
    public sealed interface Message {}

    /** "P n": run the parent's steps from step n on, then send {@link ParentEnd#go()}. */
    public record RunParentSteps(int from) implements Message {}

    /** "C": created; the init now waits for `jspec start`. */
    public record Created() implements Message {}

    /** "E code message": a step failed; the init exits with {@code exitCode}. */
    public record Failed(int exitCode, String message) implements Message {}

    /** End of file: the execve succeeded. */
    public record Executed() implements Message {}

    /** The parent's ends: it writes the plan and go-aheads, and reads the init's status. */
    public static final class ParentEnd {
        private final Syscalls sys;
        private final int planWrite;
        private final int statusRead;

        public ParentEnd(Syscalls sys, int planWrite, int statusRead) {
            this.sys = sys;
            this.planWrite = planWrite;
            this.statusRead = statusRead;
        }

        /** Sends the plan; an init that died before reading it is not an error here: its status says why. */
        public void sendPlan(String json) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            try {
                sys.writeAll(planWrite, (bytes.length + "\n").getBytes(StandardCharsets.US_ASCII));
                sys.writeAll(planWrite, bytes);
            } catch (SyscallException e) {
                // EPIPE: the init is gone; the next message tells how.
            }
        }

        /** Tells a waiting init that the parent's steps are done. */
        public void go() {
            try {
                sys.writeAll(planWrite, new byte[] {'G'});
            } catch (SyscallException e) {
                // The init is gone; the next message tells how.
            }
        }

        /**
         * The init's next message.
         *
         * @throws StepFailure when the init said something outside the protocol, or died mid-message
         */
        public Message next() throws StepFailure {
            StringBuilder line = new StringBuilder();
            byte[] one = new byte[1];
            boolean complete = false;
            while (sys.read(statusRead, one) == 1) {
                if (one[0] == '\n') {
                    complete = true;
                    break;
                }
                line.append((char) (one[0] & 0xff));
            }
            if (!complete) {
                if (line.isEmpty()) {
                    return new Executed();
                }
                throw new StepFailure("the container's init ended in the middle of a message: " + line, ExitCodes.START_FAILED);
            }
            return parse(new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }

        private static Message parse(String line) throws StepFailure {
            try {
                if (line.equals("C")) {
                    return new Created();
                }
                if (line.startsWith("P ")) {
                    return new RunParentSteps(Integer.parseInt(line.substring(2).strip()));
                }
                if (line.startsWith("E ")) {
                    int space = line.indexOf(' ', 2);
                    return new Failed(Integer.parseInt(line.substring(2, space)), line.substring(space + 1));
                }
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                // Falls through to the refusal below.
            }
            throw new StepFailure("the container's init said something unexpected: " + line, ExitCodes.START_FAILED);
        }
    }

    /**
     * The message with every control character (a newline in a path or in a kernel's log
     * would end the line early) made a space: what a status line or the user's one line carries.
     */
    public static String oneLine(String message) {
        StringBuilder b = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (b == null) {
                    b = new StringBuilder(message);
                }
                b.setCharAt(i, ' ');
            }
        }
        return b == null ? message : b.toString();
    }

    /** The init's ends: it reads the plan and go-aheads, and writes its status. */
    public static final class InitEnd {
        private final Syscalls sys;
        private final int planRead;
        private final int statusWrite;

        public InitEnd(Syscalls sys, InitFds fds) {
            this(sys, fds.plan(), fds.status());
        }

        public InitEnd(Syscalls sys, int planRead, int statusWrite) {
            this.sys = sys;
            this.planRead = planRead;
            this.statusWrite = statusWrite;
        }

        /**
         * As {@link #readPlan()}, through Java's own file API from {@code in}, the plan's pipe
         * opened again: for a thread that reads the plan while the init's main thread sets JNA
         * up. No byte past the plan is read: the parent's go-aheads follow it on the pipe.
         */
        public static String readPlan(java.io.InputStream in) throws java.io.IOException {
            StringBuilder length = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                length.append((char) c);
                if (length.length() > 12) {
                    throw new IllegalStateException("the plan's length is not a number: " + length);
                }
            }
            if (c < 0 && length.isEmpty()) {
                throw new NoPlan();
            }
            byte[] json = new byte[Integer.parseInt(length.toString().strip())];
            int off = 0;
            while (off < json.length) {
                int n = in.read(json, off, json.length - off);
                if (n <= 0) {
                    throw new IllegalStateException("the plan ended after " + off + " of " + json.length + " bytes");
                }
                off += n;
            }
            return new String(json, StandardCharsets.UTF_8);
        }

        /**
         * The plan's pipe closed before a byte of it: the parent gave this init up (an early
         * init whose config turned out not to start with its steps, or failed), or is gone.
         * Nobody waits for a word from it.
         */
        public static final class NoPlan extends IllegalStateException {
            private static final long serialVersionUID = 1L;

            NoPlan() {
                super("no plan came: the parent closed the pipe");
            }
        }

        /** The plan's JSON: its length in bytes on a line, then that much. */
        public String readPlan() {
            StringBuilder length = new StringBuilder();
            byte[] one = new byte[1];
            int n1;
            while ((n1 = sys.read(planRead, one)) == 1 && one[0] != '\n') {
                length.append((char) one[0]);
                if (length.length() > 12) {
                    throw new IllegalStateException("the plan's length is not a number: " + length);
                }
            }
            if (n1 != 1 && length.isEmpty()) {
                throw new NoPlan();
            }
            byte[] json = new byte[Integer.parseInt(length.toString().strip())];
            int off = 0;
            while (off < json.length) {
                // Never read past the plan: what follows on this pipe are the parent's go-aheads.
                byte[] chunk = new byte[Math.min(16384, json.length - off)];
                int n = sys.read(planRead, chunk);
                if (n <= 0) {
                    throw new IllegalStateException("the plan ended after " + off + " of " + json.length + " bytes");
                }
                System.arraycopy(chunk, 0, json, off, n);
                off += n;
            }
            return new String(json, StandardCharsets.UTF_8);
        }

        /** Hands the parent its steps from step {@code number} on, and waits until they are done. */
        public void askParent(int number) throws StepFailure {
            sys.writeAll(statusWrite, ("P " + number + "\n").getBytes(StandardCharsets.US_ASCII));
            byte[] one = new byte[1];
            if (sys.read(planRead, one) != 1 || one[0] != 'G') {
                throw new StepFailure("jspec init: the parent did not complete step " + number, ExitCodes.START_FAILED);
            }
        }

        /** Says the container is created; the parent may go away after this, and both pipes with it. */
        public void created() {
            sys.writeAll(statusWrite, "C\n".getBytes(StandardCharsets.US_ASCII));
        }

        /**
         * Reports a failure as one line.
         *
         * @return false when the parent is no longer there to read it (after create)
         */
        public boolean fail(int code, String message) {
            try {
                sys.writeAll(statusWrite, ("E " + code + " " + oneLine(message) + "\n").getBytes(StandardCharsets.UTF_8));
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}
