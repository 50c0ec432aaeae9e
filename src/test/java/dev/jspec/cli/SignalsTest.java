package dev.jspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.sys.LinuxSyscalls;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SignalsTest {

    @Test
    void namesAndNumbersAreBothSignals() {
        assertEquals(15, Signals.number("TERM"));
        assertEquals(15, Signals.number("sigterm"));
        assertEquals(9, Signals.number("9"));
        assertEquals(-1, Signals.number("NOPE"));
        assertEquals(-1, Signals.number("65"));
    }

    @Test
    void aForwardedSignalReachesTheHandlerWithItsNameAndNumber() throws Exception {
        BlockingQueue<String> got = new ArrayBlockingQueue<>(4);
        // KILL cannot be caught and QUIT is the JVM's own (thread dumps): both skipped without a word.
        Signals.forward(new String[] {"KILL", "QUIT", "WINCH"}, (name, number) -> got.add(name + "=" + number));
        new LinuxSyscalls().kill((int) ProcessHandle.current().pid(), 28);
        String delivered = got.poll(10, TimeUnit.SECONDS);
        assertEquals("WINCH=28", delivered);
        assertTrue(got.isEmpty(), got.toString());
    }
}
