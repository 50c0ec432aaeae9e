package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.Syscalls;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `terminal: true` driven as a person would: jspec runs on a pseudo-terminal this test holds
 * the master of, and the test types into it and reads the screen.
 */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class TerminalIT {

    @TempDir
    static Path work;

    @Test
    void anInteractiveShellRunsOnItsOwnTerminal() throws Exception {
        Path bundle = TestBundles.write(work, "tty", TestBundles.config("tty",
                "terminal: true\nargs: [sh]\ncwd: /\nenv: [PATH=/bin, 'PS1=# ']",
                "- {destination: /dev/pts, type: devpts, source: devpts, options: [nosuid, noexec, newinstance, ptmxmode=0666, mode=0620]}",
                ""));
        Syscalls sys = new LinuxSyscalls();
        int[] pty = sys.openPty();
        sys.setWindowSize(pty[0], 33, 111);
        String slave = Files.readSymbolicLink(Path.of("/proc/self/fd/" + pty[1])).toString();
        @SuppressWarnings("JdkObsolete") // the reader thread appends while the test reads
        StringBuffer screen = new StringBuffer();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = sys.read(pty[0], buf)) > 0) {
                    screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (RuntimeException e) {
                // EIO once every slave is closed.
            }
        });
        reader.setDaemon(true);
        reader.start();
        Process p = new ProcessBuilder(Jspec.command("run", "--root", Jspec.STATE_ROOT.toString(), "--bundle", bundle.toString(), "tty"))
                .redirectInput(ProcessBuilder.Redirect.from(new File(slave)))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(slave)))
                .redirectError(ProcessBuilder.Redirect.appendTo(new File(slave)))
                .start();
        sys.close(pty[1]);
        try {
            sys.writeAll(pty[0], "tty; stty size; echo sum=$((40+2))\n".getBytes(StandardCharsets.UTF_8));
            waitFor(screen, "sum=42");
            sys.writeAll(pty[0], "exit 7\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), screen.toString());
            assertEquals(7, p.exitValue(), screen.toString());
            assertTrue(screen.toString().contains("/dev/pts/"), screen.toString());
            assertTrue(screen.toString().contains("33 111"), screen.toString());
        } finally {
            p.destroyForcibly().waitFor();
            sys.close(pty[0]);
        }
    }

    private static void waitFor(StringBuffer screen, String text) throws InterruptedException {
        for (int i = 0; i < 400 && !screen.toString().contains(text); i++) {
            Thread.sleep(50);
        }
        assertTrue(screen.toString().contains(text), "never saw \"" + text + "\" on:\n" + screen);
    }
}
