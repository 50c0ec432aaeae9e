package dev.jspec.cli;

import dev.jspec.lifecycle.ContainerState;
import dev.jspec.lifecycle.StateStore;
import dev.jspec.sys.Errno;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import dev.jspec.util.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Run the program of a container that `jspec create` made; returns once it runs.")
final class StartCommand implements Callable<Integer> {

    private static final int POLLIN = 0x1;

    @CommandLine.Mixin
    GlobalOptions global;

    @Parameters(index = "0", paramLabel = "ID", description = "The container's ID.")
    String id;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @SuppressWarnings("try") // the lock is held by the try, not used in it
    @Override
    public Integer call() throws IOException {
        PrintWriter err = Main.err();
        if (!Containers.validId(id, err)) {
            return ExitCodes.FAILURE;
        }
        try (StateStore.Lock lock = Main.stateStore().lock(id)) {
            return start(err);
        }
    }

    private int start(PrintWriter err) throws IOException {
        ContainerState s = Containers.find(id, err);
        if (s == null) {
            return ExitCodes.FAILURE;
        }
        String status = Containers.liveStatus(s);
        StateStore store = Main.stateStore();
        Path fifo = store.execFifo(id);
        if (!status.equals("created") || !Files.exists(fifo)) {
            err.println("jspec: cannot start container \"" + id + "\": it is " + status
                    + (status.equals("stopped") ? "" : ", not created"));
            return ExitCodes.FAILURE;
        }
        Syscalls sys = new LinuxSyscalls();
        // Non-blocking: an init that died before it opened its end must not hang start.
        int fd;
        try {
            fd = sys.openNonBlocking(fifo.toString());
        } catch (SyscallException e) {
            err.println("jspec: cannot start container \"" + id + "\": " + e.call() + ": " + Errno.describe(e.errno()));
            return ExitCodes.FAILURE;
        }
        try {
            while (true) {
                int events = sys.pollIn(fd, 100);
                if ((events & POLLIN) != 0) {
                    if (sys.read(fd, new byte[1]) == 1) {
                        break;
                    }
                }
                if (events != 0 || !s.init().alive(sys)) {
                    // The writer went away without its byte: the init died in the wait.
                    err.println("jspec: cannot start container \"" + id + "\": its init exited before the program ran");
                    return ExitCodes.FAILURE;
                }
            }
            // The init holds its end until the execve (after the startContainer hooks): the
            // end of file says the program runs, or the init died trying (it said why on the
            // container's stderr).
            java.io.ByteArrayOutputStream failure = new java.io.ByteArrayOutputStream();
            byte[] rest = new byte[512];
            int n;
            while (sys.pollIn(fd, -1) != 0 && (n = sys.read(fd, rest)) > 0) {
                failure.write(rest, 0, n);
            }
            if (failure.size() > 0) {
                // A startContainer hook, or the program itself, failed: the init wrote why and exited.
                err.println("jspec: cannot start container \"" + id + "\": "
                        + failure.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
                Files.deleteIfExists(fifo);
                return ExitCodes.FAILURE;
            }
        } finally {
            sys.close(fd);
        }
        // One start only: a second finds no FIFO.
        Files.deleteIfExists(fifo);
        store.write(new ContainerState(s.id(), "running", s.pid(), s.startTime(), s.bundle(), s.cgroups(),
                s.parentCgroups(), s.cgroupInodes()));
        LifecycleHooks.runFromBundle(sys, LifecycleHooks.POSTSTART, id, s.pid(), s.bundle(), err);
        return ExitCodes.OK;
    }
}
