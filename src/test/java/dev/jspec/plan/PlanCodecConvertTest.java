package dev.jspec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** How the reflective decoder fills a step record's number fields from JSON values. */
class PlanCodecConvertTest {

    @Test
    void anAbsentBoxedNumberIsNullAndAnAbsentPrimitiveIsZero() {
        // A nested conditional once unboxed the null for Integer and Long, which threw.
        assertNull(PlanCodec.convert(null, Integer.class));
        assertNull(PlanCodec.convert(null, Long.class));
        assertEquals(0, PlanCodec.convert(null, int.class));
        assertEquals(0L, PlanCodec.convert(null, long.class));
    }

    @Test
    void aPresentNumberTakesTheFieldsWidth() {
        assertEquals(7, PlanCodec.convert(7L, Integer.class));
        assertEquals(7, PlanCodec.convert(7L, int.class));
        assertEquals(7L, PlanCodec.convert(7, Long.class));
    }
}
