package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ByteSizeTest {

    private static long bytes(String s) {
        return ByteSize.parse(s).longValueExact();
    }

    @Test
    void binarySuffixesArePowersOf1024() {
        assertEquals(512L * 1024, bytes("512Ki"));
        assertEquals(64L << 20, bytes("64Mi"));
        assertEquals(1610612736L, bytes("1.5Gi"));
        assertEquals(2L << 40, bytes("2Ti"));
    }

    @Test
    void decimalSuffixesArePowersOf1000() {
        assertEquals(512_000, bytes("512k"));
        assertEquals(512_000, bytes("512K"));
        assertEquals(64_000_000, bytes("64M"));
        assertEquals(1_000_000_000, bytes("1G"));
        assertEquals(3_000_000_000_000L, bytes("3T"));
        assertEquals(1500, bytes("1.5k"));
    }

    @Test
    void aPlainNumberIsBytes() {
        assertEquals(4096, bytes("4096"));
    }

    @Test
    void refusesWhatIsNotASize() {
        for (String bad : new String[] {"64MB", "64m", "Mi", "-1Mi", "1.5", "0.1k5", "64 Mi x", "", "1e3"}) {
            assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(bad), bad);
        }
    }

    @Test
    void refusesFractionsOfAByte() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("1.0001k"));
        assertEquals("\"1.0001k\" is 1000.1 bytes; a size must come to a whole number of bytes", e.getMessage());
        // The fraction as written, less its trailing zeros; a leading 0 kept.
        for (String[] c : new String[][] {{"0.5", "0.5"}, {"1.50", "1.5"}, {"0.0001Ki", "0.1024"}, {"7.0005K", "7000.5"}}) {
            e = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(c[0]));
            assertEquals("\"" + c[0] + "\" is " + c[1] + " bytes; a size must come to a whole number of bytes", e.getMessage());
        }
        assertEquals(1536, ByteSize.parse("1.5Ki").longValueExact());
        assertEquals(1_500_000, ByteSize.parse("1.500M").longValueExact());
    }

    @Test
    void sizesBeyondALongAreKeptExactly() {
        assertEquals(new BigInteger("20000000000000000000"), ByteSize.parse("20000000T"));
    }

    @Test
    void configSizesAreNormalizedBeforeValidation() {
        Spec spec = Configs.load(Configs.minimal("""
                linux:
                  resources:
                    memory: {limit: 64Mi, reservation: 1.5Gi, swap: -1, kernelTCP: 512k}
                    hugepageLimits: [{pageSize: 2MB, limit: 1Gi}]
                    blockIO:
                      throttleWriteBpsDevice: [{major: 8, minor: 0, rate: 10M}]
                """));
        Spec.Memory memory = spec.linux().resources().memory();
        assertEquals(67108864L, memory.limit());
        assertEquals(1610612736L, memory.reservation());
        assertEquals(-1L, memory.swap());
        assertEquals(512000L, memory.kernelTCP());
        assertEquals(1L << 30, spec.linux().resources().hugepageLimits().getFirst().limit());
        assertEquals(10_000_000L, spec.linux().resources().blockIO().throttleWriteBpsDevice().getFirst().rate());
    }

    @Test
    void anUnparseableSizeIsOneLocatedError() {
        assertEquals("8:21: \"64MB\" is not a size; write a number of bytes, or a number with a unit: Ki Mi Gi Ti (powers of 1024) "
                + "or k M G T (powers of 1000), e.g. 64Mi (at linux.resources.memory.limit)",
                Configs.problem(Configs.minimal("linux:\n  resources:\n    memory: {limit: 64MB}\n")));
    }

    @Test
    void sizesAreOnlyTakenWhereBytesAre() {
        // pids.limit counts tasks, not bytes: "64k" there is a type error, not 64000.
        assertEquals("8:19: \"64k\" is a string; limit must be an integer (at linux.resources.pids.limit)",
                Configs.problem(Configs.minimal("linux:\n  resources:\n    pids: {limit: 64k}\n")));
    }
}
