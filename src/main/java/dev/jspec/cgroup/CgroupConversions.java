package dev.jspec.cgroup;

/**
 * The spec's cgroup v1 numbers in the forms the kernel files take. The OCI spec was written
 * for v1, so v2 values are converted, with the formulas runc and crun use.
 */
public final class CgroupConversions {

    /** The CFS period the kernel uses when cpu.max is given a quota but no period (cgroup-v2.rst). */
    public static final long CPU_PERIOD_DEFAULT_US = 100_000;

    private CgroupConversions() {}

    /**
     * cpu.shares [2, 262144] to cpu.weight [1, 10000], linearly: {@code 1 + ((shares - 2) *
     * 9999) / 262142}. This is runc 1.1's and crun's formula (1024 gives 39); runc 1.3 moved
     * to a curve that maps 1024 to 100, but the runtimes on these hosts use this one. 0
     * means unset and stays 0.
     */
    public static long cpuSharesToWeight(long shares) {
        if (shares == 0) {
            return 0;
        }
        long clamped = Math.max(2, Math.min(262_144, shares));
        return 1 + ((clamped - 2) * 9999) / 262_142;
    }

    /** blkio.weight [10, 1000] to io.weight [1, 10000]: {@code 1 + (weight - 10) * 9999 / 990}; 0 stays unset. */
    public static long blkioWeightToIoWeight(long weight) {
        if (weight == 0) {
            return 0;
        }
        long clamped = Math.max(10, Math.min(1000, weight));
        return 1 + (clamped - 10) * 9999 / 990;
    }

    /**
     * The spec's memory.swap is memory plus swap (v1's memsw); v2's memory.swap.max is swap
     * alone. Returns the v2 value (-1 for "max", 0 for unset), or null when it cannot be
     * computed: swap without a memory limit, or swap below the limit. 0 means unset in both
     * arguments, as in runc.
     */
    public static Long memorySwapToV2(long swap, long limit) {
        if (limit == -1 && swap == 0) {
            return -1L; // unlimited memory with swap unset: unlimited swap too, as on v1
        }
        if (swap == -1 || swap == 0) {
            return swap;
        }
        if (limit == -1) {
            return swap;
        }
        if (limit <= 0 || swap < limit) {
            return null;
        }
        return swap - limit;
    }

    /** pids.max: a positive limit as is; 0 and negative values (the spec's "unlimited") as "max". */
    public static String pidsMax(long limit) {
        return limit > 0 ? Long.toString(limit) : "max";
    }

    /** A v2 limit file's form: -1 is "max". */
    public static String v2Limit(long value) {
        return value == -1 ? "max" : Long.toString(value);
    }
}
