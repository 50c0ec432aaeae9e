package dev.jspec.cli;

import dev.jspec.lifecycle.ContainerState;
import dev.jspec.lifecycle.InitProcess;
import dev.jspec.lifecycle.StateStore;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.util.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Run the program of a container that `jspec create` made; returns once it runs.")
final class StartCommand implements Callable<Integer> {

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
        String failure;
        try {
            failure = awaitProgram(fifo, s.init());
        } catch (IOException e) {
            err.println("jspec: cannot start container \"" + id + "\": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        if (failure == null) {
            err.println("jspec: cannot start container \"" + id + "\": its init exited before the program ran");
            return ExitCodes.FAILURE;
        }
        if (!failure.isEmpty()) {
            // A startContainer hook, or the program itself, failed: the init wrote why and exited.
            err.println("jspec: cannot start container \"" + id + "\": " + failure);
            Files.deleteIfExists(fifo);
            return ExitCodes.FAILURE;
        }
        // One start only: a second finds no FIFO.
        Files.deleteIfExists(fifo);
        store.write(new ContainerState(s.id(), "running", s.pid(), s.startTime(), s.bundle(), s.cgroups(),
                s.parentCgroups(), s.cgroupInodes()));
        LifecycleHooks.runFromBundle(LinuxSyscalls::new, LifecycleHooks.POSTSTART, id, s.pid(), s.bundle(), err);
        return ExitCodes.OK;
    }

    /**
     * Lets the init go on past its wait on the exec FIFO and waits for its execve, through
     * Java's own file API (no native binding is set up for a start).
     *
     * <p>The init waits in its open of the FIFO for writing, until a reader opens it. A
     * blocking open for reading would wait as long for a writer, forever if the init died,
     * so the FIFO is opened for reading and writing first, which never blocks on Linux
     * (this process is then a reader and a writer) and lets the init's open return; then for
     * reading alone, which does not block either while there is a writer; then the
     * read-write end is closed, so that the end of file comes when the init's end closes:
     * at its execve (close-on-exec), or when it dies. Until the init has opened its end, a
     * read finds no writer and returns the end of file at once; the init is then checked to
     * be alive and the read tried again, so an init that died before it opened its end
     * fails the start instead of hanging it.
     *
     * @return "" once the program runs; what the init wrote after its byte when a step after
     *     the wait failed (a startContainer hook, the execve); null when the init exited
     *     without its byte
     */
    @SuppressWarnings("try") // the read-write end is held open by the try, not used in it
    static String awaitProgram(Path fifo, InitProcess init) throws IOException {
        FileChannel in;
        try (FileChannel both = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            in = FileChannel.open(fifo, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new IOException("open(" + fifo + "): " + reason(e), e);
        }
        try (in) {
            ByteBuffer one = ByteBuffer.allocate(1);
            for (int tries = 0; in.read(one) != 1; tries++) {
                // No writer: the init has not opened its end yet, or it is gone.
                if (!init.alive()) {
                    // Its byte may have come just before it went.
                    return in.read(one) == 1 ? rest(in) : null;
                }
                sleep(tries < 20 ? 1 : 20);
            }
            return rest(in);
        }
    }

    /** What the init writes after its byte: nothing before the end of file once the program runs. */
    private static String rest(FileChannel in) throws IOException {
        ByteArrayOutputStream failure = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(512);
        while (in.read(buf.clear()) > 0) {
            failure.write(buf.array(), 0, buf.position());
        }
        return failure.toString(StandardCharsets.UTF_8).strip();
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e instanceof NoSuchFileException ? "No such file or directory" : String.valueOf(e.getMessage());
    }

    private static void sleep(long ms) throws InterruptedIOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the init");
        }
    }
}
