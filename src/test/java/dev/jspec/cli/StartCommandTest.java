package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.lifecycle.InitProcess;
import dev.jspec.sys.LinuxSyscalls;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * start's wait on the exec FIFO, through Java's file API: a thread here plays the init (a
 * blocking open for writing, its byte, then what it writes before its end closes).
 * LifecycleIT and CreateStartIT run it against a real init.
 */
class StartCommandTest {

    @TempDir
    Path tmp;

    private Path fifo() {
        Path fifo = tmp.resolve("exec.fifo");
        new LinuxSyscalls().mkfifo(fifo.toString(), 0600);
        return fifo;
    }

    /** This JVM: alive for as long as the test runs. */
    private static InitProcess alive() {
        return InitProcess.of(new LinuxSyscalls(), (int) ProcessHandle.current().pid());
    }

    /** The init's side: waits in its open until start opens the FIFO, writes {@code text}, holds its end {@code holdMillis}. */
    private static CompletableFuture<Void> init(Path fifo, String text, long holdMillis) {
        return CompletableFuture.runAsync(() -> {
            try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(holdMillis);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void startReturnsOnceTheInitsEndClosesAfterItsByte() throws Exception {
        Path fifo = fifo();
        CompletableFuture<Void> init = init(fifo, "0", 300);
        long t0 = System.nanoTime();
        String failure = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> StartCommand.awaitProgram(fifo, alive()));
        assertEquals("", failure);
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(250), "it waits for the end of file, the execve");
        init.get(5, TimeUnit.SECONDS);
    }

    @Test
    void whatTheInitWritesAfterItsByteIsTheFailure() throws Exception {
        Path fifo = fifo();
        CompletableFuture<Void> init = init(fifo, "0startContainer hook failed\n", 0);
        String failure = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> StartCommand.awaitProgram(fifo, alive()));
        assertEquals("startContainer hook failed", failure);
        init.get(5, TimeUnit.SECONDS);
    }

    @Test
    void anInitThatIsLateToOpenItsEndIsWaitedFor() throws Exception {
        Path fifo = fifo();
        CompletableFuture<Void> late = CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
                .thenCompose(v -> init(fifo, "0", 0));
        String failure = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> StartCommand.awaitProgram(fifo, alive()));
        assertEquals("", failure);
        late.get(5, TimeUnit.SECONDS);
    }

    /** No writer ever comes and the init is gone: start fails at once, it does not hang in an open or a read. */
    @Test
    void anInitThatDiedBeforeOpeningItsEndDoesNotHangStart() throws Exception {
        Path fifo = fifo();
        String failure = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> StartCommand.awaitProgram(fifo, new InitProcess(Integer.MAX_VALUE - 1, 12345)));
        assertNull(failure);
    }
}
