package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

/** bundles/hello run back to back, {@code jspec.soakRuns} times (200 by default): nothing may accumulate. */
@Tag("integration")
@EnabledIf("dev.jspec.it.Jspec#canRun")
@ExtendWith(NoLeftovers.class)
class SoakIT {

    @Test
    void repeatedRunsOfHelloLeaveNothingBehind() throws Exception {
        Path hello = TestBundles.projectBundle("hello");
        int runs = Integer.getInteger("jspec.soakRuns", 200);
        for (int i = 0; i < runs; i++) {
            Jspec.Result r = Jspec.run("run", hello.toString());
            assertEquals(0, r.exit(), "run " + i + ": " + r);
            assertEquals("hello from hello\nPID 1\n", r.out(), "run " + i + ": " + r);
        }
    }
}
