package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpecPathTest {

    @Test
    void identifiersFollowADotAndOtherKeysAreQuoted() {
        assertEquals("process.rlimits[0].type", SpecPath.ROOT.key("process").key("rlimits").index(0).key("type").toString());
        assertEquals("_x.A9_b", SpecPath.ROOT.key("_x").key("A9_b").toString());
        assertEquals("annotations[\"org.example.key\"][\"0day\"][\"a-b\"][\"\"]",
                SpecPath.ROOT.key("annotations").key("org.example.key").key("0day").key("a-b").key("").toString());
        assertEquals("x[\"caf\u00e9\"][\"q\\\"uote\"]", SpecPath.ROOT.key("x").key("caf\u00e9").key("q\"uote").toString());
    }
}
