package dev.jspec.cgroup;

/**
 * eBPF instructions, encoded as the kernel reads them: one {@code struct bpf_insn} per long,
 * {@code code} in the low byte, then {@code dst_reg:4 src_reg:4}, {@code off} (s16) and
 * {@code imm} (s32), so that a little-endian store of the long is the struct in memory.
 * Only the instructions a device filter needs; the opcode bits are
 * {@code include/uapi/linux/bpf_common.h} and {@code bpf.h}'s.
 */
public final class BpfInsn {

    // Instruction classes.
    public static final int BPF_LDX = 0x01;
    public static final int BPF_ALU = 0x04;
    public static final int BPF_JMP = 0x05;
    // Load size and mode.
    public static final int BPF_W = 0x00;
    public static final int BPF_MEM = 0x60;
    // Operand source: the immediate, or src_reg.
    public static final int BPF_K = 0x00;
    public static final int BPF_X = 0x08;
    // ALU operations.
    public static final int BPF_AND = 0x50;
    public static final int BPF_RSH = 0x70;
    public static final int BPF_MOV = 0xb0;
    // Jump operations.
    public static final int BPF_JA = 0x00;
    public static final int BPF_JEQ = 0x10;
    public static final int BPF_JNE = 0x50;
    public static final int BPF_EXIT = 0x90;

    /** R0 holds the return value, R1 the context pointer on entry. */
    public static final int R0 = 0;
    public static final int R1 = 1;

    private BpfInsn() {}

    public static long encode(int code, int dst, int src, int off, int imm) {
        if (off != (short) off) {
            throw new IllegalArgumentException("jump offset " + off + " does not fit in 16 bits");
        }
        return (code & 0xffL) | ((long) ((dst & 0xf) | (src & 0xf) << 4) << 8) | ((off & 0xffffL) << 16)
                | ((imm & 0xffffffffL) << 32);
    }

    /** dst = *(u32 *)(src + off) */
    public static long loadWord(int dst, int src, int off) {
        return encode(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0);
    }

    /** dst = (u32) imm */
    public static long mov32(int dst, int imm) {
        return encode(BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, imm);
    }

    /** dst = (u32) src */
    public static long mov32Reg(int dst, int src) {
        return encode(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0);
    }

    /** dst = (u32) (dst & imm) */
    public static long and32(int dst, int imm) {
        return encode(BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm);
    }

    /** dst = (u32) dst >> imm */
    public static long rsh32(int dst, int imm) {
        return encode(BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm);
    }

    /** if (dst != imm) skip {@code off} instructions */
    public static long jne(int dst, int imm, int off) {
        return encode(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm);
    }

    /** if (dst == imm) skip {@code off} instructions */
    public static long jeq(int dst, int imm, int off) {
        return encode(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm);
    }

    /** skip {@code off} instructions */
    public static long ja(int off) {
        return encode(BPF_JMP | BPF_JA, 0, 0, off, 0);
    }

    /** return R0 */
    public static long exit() {
        return encode(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }

    public static int code(long insn) {
        return (int) (insn & 0xff);
    }

    public static int dst(long insn) {
        return (int) (insn >>> 8) & 0xf;
    }

    public static int src(long insn) {
        return (int) (insn >>> 12) & 0xf;
    }

    public static int off(long insn) {
        return (short) (insn >>> 16);
    }

    public static int imm(long insn) {
        return (int) (insn >>> 32);
    }
}
