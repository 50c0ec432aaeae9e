package dev.jspec.cgroup;

import static dev.jspec.cgroup.DeviceFilter.BPF_DEVCG_ACC_MKNOD;
import static dev.jspec.cgroup.DeviceFilter.BPF_DEVCG_ACC_READ;
import static dev.jspec.cgroup.DeviceFilter.BPF_DEVCG_ACC_WRITE;
import static dev.jspec.cgroup.DeviceFilter.BPF_DEVCG_DEV_BLOCK;
import static dev.jspec.cgroup.DeviceFilter.BPF_DEVCG_DEV_CHAR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jspec.spec.Spec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The device program without a kernel: its encoding checked against known bytes, and its
 * behaviour by running it in a small interpreter of the instructions it uses.
 */
class DeviceFilterTest {

    private static final int R = BPF_DEVCG_ACC_READ;
    private static final int W = BPF_DEVCG_ACC_WRITE;
    private static final int M = BPF_DEVCG_ACC_MKNOD;
    private static final int CHAR = BPF_DEVCG_DEV_CHAR;
    private static final int BLOCK = BPF_DEVCG_DEV_BLOCK;

    /** The instruction's struct bpf_insn as it lies in memory (little-endian), in hex. */
    private static String bytes(long insn) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            b.append(String.format("%02x", (insn >>> (8 * i)) & 0xff));
        }
        return b.toString();
    }

    @Test
    void instructionsEncodeAsTheKernelReadsThem() {
        // Byte strings as bpftool/llvm-objdump print them.
        assertEquals("6112000000000000", bytes(BpfInsn.loadWord(2, 1, 0)), "r2 = *(u32 *)(r1 + 0)");
        assertEquals("6114040000000000", bytes(BpfInsn.loadWord(4, 1, 4)), "r4 = *(u32 *)(r1 + 4)");
        assertEquals("54020000ffff0000", bytes(BpfInsn.and32(2, 0xffff)), "w2 &= 0xffff");
        assertEquals("7403000010000000", bytes(BpfInsn.rsh32(3, 16)), "w3 >>= 16");
        assertEquals("bc31000000000000", bytes(BpfInsn.mov32Reg(1, 3)), "w1 = w3");
        assertEquals("b400000001000000", bytes(BpfInsn.mov32(0, 1)), "w0 = 1");
        assertEquals("5502050002000000", bytes(BpfInsn.jne(2, 2, 5)), "if r2 != 2 goto +5");
        assertEquals("1501030000000000", bytes(BpfInsn.jeq(1, 0, 3)), "if r1 == 0 goto +3");
        assertEquals("0500ffff00000000", bytes(BpfInsn.ja(-1)), "goto -1");
        assertEquals("9500000000000000", bytes(BpfInsn.exit()), "exit");
        assertEquals("5401000000f8ffff", bytes(BpfInsn.and32(1, ~0x7ff)), "w1 &= ~0x7ff: a negative immediate is its two's complement");
    }

    @Test
    void oneRuleIsOneBlockAfterThePrologue() {
        long[] p = DeviceFilter.program(List.of("deny a", "allow c 1:3 rwm"));
        assertArrayEquals(new long[] {
                BpfInsn.loadWord(2, 1, 0), BpfInsn.and32(2, 0xffff),
                BpfInsn.loadWord(3, 1, 0), BpfInsn.rsh32(3, 16),
                BpfInsn.loadWord(4, 1, 4),
                BpfInsn.loadWord(5, 1, 8),
                BpfInsn.jne(2, CHAR, 4), // not a char device: next rule
                BpfInsn.jne(4, 1, 3),
                BpfInsn.jne(5, 3, 2),
                BpfInsn.mov32(0, 1), BpfInsn.exit(),
                BpfInsn.mov32(0, 0), BpfInsn.exit(), // "deny a": the default
        }, p);
    }

    @Test
    void onlyDevNullIsAllowedByDenyAllAndOneAllow() {
        long[] p = DeviceFilter.program(List.of("deny a", "allow c 1:3 rwm"));
        assertAllowed(p, CHAR, 1, 3, R | W);
        assertAllowed(p, CHAR, 1, 3, M);
        assertDenied(p, CHAR, 1, 5, R);
        assertDenied(p, BLOCK, 1, 3, R);
        assertDenied(p, CHAR, 3, 1, W);
    }

    @Test
    void theDefaultRulesGiveRuncsDevices() {
        long[] p = DeviceFilter.program(DeviceFilter.ruleLines(CgroupV1Files.deviceWrites(List.of(), Set.of())));
        for (long[] dev : new long[][] {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 2}, {10, 200}, {136, 0}, {136, 7}}) {
            assertAllowed(p, CHAR, dev[0], dev[1], R | W);
        }
        assertDenied(p, BLOCK, 8, 0, R);
        assertDenied(p, BLOCK, 8, 0, W);
        assertAllowed(p, BLOCK, 8, 0, M);
        assertDenied(p, CHAR, 4, 1, R);
        assertAllowed(p, CHAR, 4, 1, M);
        assertDenied(p, CHAR, 10, 229, R | W);
    }

    @Test
    void aConfiguredRuleIsAddedAndTheDefaultsStillFollowIt() {
        List<Spec.DeviceRule> config = List.of(new Spec.DeviceRule(true, "c", 10L, 229L, "rw"), new Spec.DeviceRule(false, "c", 1L, 9L, "rwm"));
        long[] p = DeviceFilter.program(DeviceFilter.ruleLines(CgroupV1Files.deviceWrites(config, Set.of())));
        assertAllowed(p, CHAR, 10, 229, R | W);
        assertDenied(p, CHAR, 10, 230, R);
        // runc's defaults come after the config and re-allow urandom, as on v1.
        assertAllowed(p, CHAR, 1, 9, R);
    }

    @Test
    void aDefaultRuleForAConfiguredDevicePathIsDropped() {
        List<Spec.DeviceRule> config = List.of(new Spec.DeviceRule(false, "c", 1L, 9L, "rwm"));
        long[] p = DeviceFilter.program(DeviceFilter.ruleLines(CgroupV1Files.deviceWrites(config, Set.of("/dev/urandom"))));
        assertDenied(p, CHAR, 1, 9, R);
        assertAllowed(p, CHAR, 1, 8, R);
    }

    @Test
    void theLastMatchingRuleWins() {
        long[] p = DeviceFilter.program(List.of("deny a", "allow c 1:* rwm", "deny c 1:5 rwm", "allow c 1:5 r"));
        assertAllowed(p, CHAR, 1, 5, R);
        assertDenied(p, CHAR, 1, 5, W);
        assertAllowed(p, CHAR, 1, 6, W);
    }

    @Test
    void anAllowCoversOnlyTheAccessItNames() {
        long[] p = DeviceFilter.program(List.of("deny a", "allow c 1:3 r"));
        assertAllowed(p, CHAR, 1, 3, R);
        assertDenied(p, CHAR, 1, 3, W);
        assertDenied(p, CHAR, 1, 3, R | W);
    }

    @Test
    void aDenyRefusesAnyRequestThatAsksForOneOfItsAccesses() {
        long[] p = DeviceFilter.program(List.of("allow a", "deny c 1:3 w"));
        assertAllowed(p, CHAR, 1, 3, R);
        assertDenied(p, CHAR, 1, 3, W);
        assertDenied(p, CHAR, 1, 3, R | W);
        assertAllowed(p, BLOCK, 8, 0, R | W | M);
    }

    @Test
    void anARuleResetsEverythingBeforeIt() {
        long[] allowAll = DeviceFilter.program(List.of("deny a", "allow c 1:3 rwm", "allow a"));
        assertAllowed(allowAll, BLOCK, 8, 0, R | W);
        long[] denyAll = DeviceFilter.program(List.of("allow c 1:3 rwm", "deny a *:* rwm"));
        assertDenied(denyAll, CHAR, 1, 3, R);
        assertEquals(8, denyAll.length, "the rules before the reset leave no block behind");
    }

    @Test
    void malformedRulesAreRefusedWithTheLine() {
        for (String bad : List.of("permit c 1:3 rwm", "allow x 1:3 rwm", "allow c 1-3 rwm", "allow c 1:3 rwx", "allow c 4294967296:1 r")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceFilter.program(List.of(bad)));
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    private static void assertAllowed(long[] program, int type, long major, long minor, int access) {
        assertEquals(1, run(program, type, major, minor, access), describe(type, major, minor, access) + " should be allowed");
    }

    private static void assertDenied(long[] program, int type, long major, long minor, int access) {
        assertEquals(0, run(program, type, major, minor, access), describe(type, major, minor, access) + " should be denied");
    }

    private static String describe(int type, long major, long minor, int access) {
        return (type == CHAR ? "c " : "b ") + major + ":" + minor + " " + ((access & R) != 0 ? "r" : "")
                + ((access & W) != 0 ? "w" : "") + ((access & M) != 0 ? "m" : "");
    }

    /**
     * The kernel's view: R1 points at {@code struct bpf_cgroup_dev_ctx}, the program returns
     * R0. Interprets only what {@link DeviceFilter} emits, and fails on anything else, on a
     * backward jump (the verifier's rule for these programs) or on falling off the end.
     */
    static long run(long[] program, int type, long major, long minor, int access) {
        int[] ctx = {(access << 16) | type, (int) major, (int) minor};
        long[] reg = new long[11];
        boolean r1IsCtx = true;
        int pc = 0;
        while (true) {
            if (pc < 0 || pc >= program.length) {
                fail("pc " + pc + " is outside the program");
            }
            long insn = program[pc++];
            int dst = BpfInsn.dst(insn);
            int src = BpfInsn.src(insn);
            int off = BpfInsn.off(insn);
            long imm = BpfInsn.imm(insn); // sign-extended, as the kernel does for 64-bit compares
            int code = BpfInsn.code(insn);
            switch (code) {
                case BpfInsn.BPF_LDX | BpfInsn.BPF_MEM | BpfInsn.BPF_W -> {
                    if (src != 1 || !r1IsCtx || off % 4 != 0 || off < 0 || off > 8) {
                        fail("load from r" + src + "+" + off + " is not a context field");
                    }
                    reg[dst] = ctx[off / 4] & 0xffffffffL;
                }
                case BpfInsn.BPF_ALU | BpfInsn.BPF_MOV | BpfInsn.BPF_K -> reg[dst] = imm & 0xffffffffL;
                case BpfInsn.BPF_ALU | BpfInsn.BPF_MOV | BpfInsn.BPF_X -> reg[dst] = reg[src] & 0xffffffffL;
                case BpfInsn.BPF_ALU | BpfInsn.BPF_AND | BpfInsn.BPF_K -> reg[dst] = (reg[dst] & imm) & 0xffffffffL;
                case BpfInsn.BPF_ALU | BpfInsn.BPF_RSH | BpfInsn.BPF_K -> reg[dst] = (reg[dst] & 0xffffffffL) >>> imm;
                case BpfInsn.BPF_JMP | BpfInsn.BPF_JNE | BpfInsn.BPF_K -> pc += reg[dst] != imm ? jump(off) : 0;
                case BpfInsn.BPF_JMP | BpfInsn.BPF_JEQ | BpfInsn.BPF_K -> pc += reg[dst] == imm ? jump(off) : 0;
                case BpfInsn.BPF_JMP | BpfInsn.BPF_JA -> pc += jump(off);
                case BpfInsn.BPF_JMP | BpfInsn.BPF_EXIT -> {
                    return reg[0];
                }
                default -> fail("opcode 0x" + Integer.toHexString(code) + " at " + (pc - 1) + " is not one DeviceFilter emits");
            }
            if (dst == 1 && (code & 0x07) != BpfInsn.BPF_JMP) {
                r1IsCtx = false;
            }
        }
    }

    private static int jump(int off) {
        if (off < 0) {
            fail("backward jump " + off);
        }
        return off;
    }
}
