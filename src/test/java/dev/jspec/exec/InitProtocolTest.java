package dev.jspec.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Both ends of the parent-init protocol over real pipes (no root needed), and a real child that dies mid-message. */
class InitProtocolTest {

    private final Syscalls sys = new LinuxSyscalls();
    private final int[] plan = sys.pipe();
    private final int[] status = sys.pipe();
    private final InitProtocol.ParentEnd parent = new InitProtocol.ParentEnd(sys, plan[1], status[0]);
    private final InitProtocol.InitEnd init = new InitProtocol.InitEnd(sys, plan[0], status[1]);

    @AfterEach
    void closePipes() {
        for (int fd : new int[] {plan[0], plan[1], status[0], status[1]}) {
            try {
                sys.close(fd);
            } catch (SyscallException ignored) {
                // Closed by the test.
            }
        }
    }

    @Test
    void aPipeClosedBeforeAnyPlanIsNoPlanNotAFailure() {
        // The parent gave the (early) init up: the init must exit without a word.
        sys.close(plan[1]);
        assertThrows(InitProtocol.InitEnd.NoPlan.class, init::readPlan);
        assertThrows(InitProtocol.InitEnd.NoPlan.class,
                () -> InitProtocol.InitEnd.readPlan(new java.io.ByteArrayInputStream(new byte[0])));
        // Half a plan is a failure to report, not a plan given up.
        IllegalStateException half = assertThrows(IllegalStateException.class,
                () -> InitProtocol.InitEnd.readPlan(new java.io.ByteArrayInputStream("12\n{}".getBytes(StandardCharsets.UTF_8))));
        assertTrue(!(half instanceof InitProtocol.InitEnd.NoPlan), half.toString());
    }

    @Test
    void aWholeCreateConversation() throws Exception {
        String json = "{\"entries\":[\"\u00e9\u4e2d\"]}";
        CompletableFuture<String> initSide = CompletableFuture.supplyAsync(() -> {
            String got = init.readPlan();
            try {
                init.askParent(7);
            } catch (StepFailure e) {
                throw new IllegalStateException(e);
            }
            init.created();
            sys.close(status[1]);
            return got;
        });
        parent.sendPlan(json);
        assertEquals(new InitProtocol.RunParentSteps(7), parent.next());
        parent.go();
        assertEquals(new InitProtocol.Created(), parent.next());
        assertEquals(json, initSide.get(10, TimeUnit.SECONDS), "the plan arrives byte for byte, and not a byte more");
        assertEquals(new InitProtocol.Executed(), parent.next(), "end of file after the last message");
    }

    @Test
    void aFailureCarriesItsExitCodeAndMessage() throws Exception {
        assertTrue(init.fail(127, "\"nope\" not found\nin the container"));
        assertEquals(new InitProtocol.Failed(127, "\"nope\" not found in the container"), parent.next());
    }

    @Test
    void aStepFailureWithTheKernelsDetailCrossesAsTheSameOneLine() throws Exception {
        // A container path with a newline, a log of several lines, a carriage return, non-ASCII.
        SyscallException call = new SyscallException("mknodat(7</r/dev>, \"a\\nb\", S_IFCHR|0666, makedev(1, 3))", 1,
                "verifier: 0: (95) exit\nR0 !read_ok\r\nprocessed \u00e9");
        StepFailure f = StepFailure.ofCall(9, "mknod(\"/dev/a\\nb\")\r", call, "");
        assertTrue(init.fail(f.exitCode(), f.getMessage()));
        sys.close(status[1]);
        InitProtocol.Failed got = assertInstanceOf(InitProtocol.Failed.class, parent.next());
        assertEquals(125, got.exitCode());
        assertEquals("step 9 mknod(\"/dev/a\\nb\") : mknodat(7</r/dev>, \"a\\nb\", S_IFCHR|0666, makedev(1, 3)): "
                + "EPERM (Operation not permitted): verifier: 0: (95) exit | R0 !read_ok | processed \u00e9", got.message());
        assertEquals(new InitProtocol.Executed(), parent.next(), "nothing after the one line");
    }

    @Test
    void failAfterTheParentLeftSaysSo() {
        sys.close(status[0]);
        assertEquals(false, init.fail(125, "late"), "EPIPE: the caller reports elsewhere");
    }

    @Test
    void askParentFailsWhenTheParentGoesAwayInsteadOfGoingOn() {
        sys.close(plan[1]);
        StepFailure f = assertThrows(StepFailure.class, () -> init.askParent(3));
        assertTrue(f.getMessage().contains("did not complete step 3"), f.getMessage());
    }

    @Test
    void aLineOutsideTheProtocolIsRefused() {
        sys.writeAll(status[1], "X 1\n".getBytes(StandardCharsets.UTF_8));
        StepFailure f = assertThrows(StepFailure.class, parent::next);
        assertTrue(f.getMessage().contains("unexpected: X 1"), f.getMessage());
        sys.writeAll(status[1], "E notanumber x\n".getBytes(StandardCharsets.UTF_8));
        assertThrows(StepFailure.class, parent::next);
    }

    @Test
    void aChildThatDiesMidMessageIsNotTakenForOne() throws Exception {
        // A real process holding the status pipe's write end writes half a line, then is killed.
        int pid = sys.spawn("/bin/sh", List.of("sh", "-c", "printf 'E 125 half a mess' >&5; kill -9 $$"), List.of(),
                new int[] {0, 0, 1, 1, 2, 2, status[1], 5});
        sys.close(status[1]);
        StepFailure f = assertThrows(StepFailure.class, parent::next);
        assertTrue(f.getMessage().contains("ended in the middle of a message: E 125 half a mess"), f.getMessage());
        assertEquals(128 + 9, ExitStatus.toExitCode(sys.waitpid(pid)));
    }

    @Test
    void aChildThatDiesBeforeSayingAnythingLooksLikeEndOfFileWhichTheCallerChecksWithWaitpid() throws Exception {
        int pid = sys.spawn("/bin/sh", List.of("sh", "-c", "kill -9 $$"), List.of(), new int[] {0, 0, 1, 1, 2, 2, status[1], 5});
        sys.close(status[1]);
        assertInstanceOf(InitProtocol.Executed.class, parent.next());
        sys.waitpid(pid);
    }
}
