package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Known values from runc's and crun's own tests of the same formulas. */
class CgroupConversionsTest {

    @Test
    void cpuSharesMapOntoCpuWeight() {
        assertEquals(1, CgroupConversions.cpuSharesToWeight(2));
        assertEquals(39, CgroupConversions.cpuSharesToWeight(1024));
        assertEquals(10000, CgroupConversions.cpuSharesToWeight(262144));
        assertEquals(0, CgroupConversions.cpuSharesToWeight(0), "0 is unset");
        assertEquals(1, CgroupConversions.cpuSharesToWeight(1), "below the v1 minimum clamps");
    }

    @Test
    void blkioWeightMapsOntoIoWeight() {
        assertEquals(1, CgroupConversions.blkioWeightToIoWeight(10));
        assertEquals(910, CgroupConversions.blkioWeightToIoWeight(100));
        assertEquals(4950, CgroupConversions.blkioWeightToIoWeight(500));
        assertEquals(10000, CgroupConversions.blkioWeightToIoWeight(1000));
        assertEquals(0, CgroupConversions.blkioWeightToIoWeight(0));
    }

    @Test
    void specSwapIsMemoryPlusSwapButV2SwapIsSwapAlone() {
        assertEquals(512, CgroupConversions.memorySwapToV2(1536, 1024));
        assertEquals(0, CgroupConversions.memorySwapToV2(1024, 1024), "swap equal to the limit: no swap");
        assertEquals(-1, CgroupConversions.memorySwapToV2(-1, 1024));
        assertEquals(-1, CgroupConversions.memorySwapToV2(0, -1), "unlimited memory, swap unset: unlimited swap");
        assertEquals(4096, CgroupConversions.memorySwapToV2(4096, -1));
        assertEquals(0, CgroupConversions.memorySwapToV2(0, 1024));
        assertNull(CgroupConversions.memorySwapToV2(2048, 0), "swap without a limit");
        assertNull(CgroupConversions.memorySwapToV2(512, 1024), "swap below the limit");
    }

    @Test
    void pidsLimitZeroOrNegativeIsMax() {
        assertEquals("max", CgroupConversions.pidsMax(-1));
        assertEquals("max", CgroupConversions.pidsMax(0));
        assertEquals("100", CgroupConversions.pidsMax(100));
    }
}
