package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeccompRuleTest {

    @Test
    void everyOperatorReadsBackFromItsText() {
        SeccompRule rule = new SeccompRule("SCMP_ACT_ERRNO(1)", List.of("kill", "tkill"), List.of(
                new SeccompRule.Condition(0, "SCMP_CMP_NE", 1, 0),
                new SeccompRule.Condition(1, "SCMP_CMP_LT", 2, 0),
                new SeccompRule.Condition(2, "SCMP_CMP_LE", 3, 0),
                new SeccompRule.Condition(3, "SCMP_CMP_EQ", -1, 0),
                new SeccompRule.Condition(4, "SCMP_CMP_GE", 5, 0),
                new SeccompRule.Condition(5, "SCMP_CMP_GT", 6, 0)));
        assertEquals("SCMP_ACT_ERRNO(1) kill,tkill a0!=1 a1<2 a2<=3 a3==18446744073709551615 a4>=5 a5>6", rule.text());
        assertEquals(rule, SeccompRule.parse(rule.text()));
    }

    @Test
    void aMaskedComparisonShowsItsMaskInHex() {
        SeccompRule rule = new SeccompRule("SCMP_ACT_ALLOW", List.of("clone"),
                List.of(new SeccompRule.Condition(0, "SCMP_CMP_MASKED_EQ", 2114060288L, 0)));
        assertEquals("SCMP_ACT_ALLOW clone a0&0x7e020000==0", rule.text());
        assertEquals(rule, SeccompRule.parse(rule.text()));
        assertEquals(new SeccompRule.Condition(1, "SCMP_CMP_MASKED_EQ", 0xffffffffffffffffL, 8),
                SeccompRule.parse("SCMP_ACT_ALLOW x a1&0xffffffffffffffff==8").conditions().getFirst());
    }

    @Test
    void textThatIsNoRuleIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SeccompRule.parse("SCMP_ACT_ALLOW"));
        assertThrows(IllegalArgumentException.class, () -> SeccompRule.parse("SCMP_ACT_ALLOW kill a6==1"));
        assertThrows(IllegalArgumentException.class, () -> SeccompRule.parse("SCMP_ACT_ALLOW kill a0=~1"));
        assertThrows(IllegalArgumentException.class, () -> SeccompRule.parse("SCMP_ACT_ALLOW ki/ll"));
    }

    @Test
    void syscallNamesAreLettersDigitsAndUnderscores() {
        assertTrue(SeccompRule.isSyscallName("_llseek"));
        assertTrue(SeccompRule.isSyscallName("epoll_pwait2"));
        assertFalse(SeccompRule.isSyscallName("kill,tkill"));
        assertFalse(SeccompRule.isSyscallName("a b"));
        assertFalse(SeccompRule.isSyscallName(""));
    }
}
