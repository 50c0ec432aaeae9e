package dev.jspec.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void stringsWithAndWithoutEscapesGoBothWays() {
        for (String s : List.of("", "plain /usr/lib/x.so", "a \"quoted\" word", "back\\slash", "tab\tand\nnewline",
                "\u0001control", "ünïcödé", "ends with backslash \\", "\"")) {
            String json = Json.quote(s);
            assertEquals(s, Json.parse(json), json);
            assertEquals(List.of(s, "next"), Json.parse("[" + json + ",\"next\"]"), json);
        }
    }

    @Test
    void anEscapeAfterTheStringsEndIsNotItsOwn() {
        // The fast path looks for a backslash only up to the string's closing quote.
        assertEquals(Map.of("a", "x", "b", "y\"z"), Json.parse("{\"a\":\"x\",\"b\":\"y\\\"z\"}"));
    }

    @Test
    void anUnterminatedStringIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("[\"abc"));
        assertTrue(e.getMessage().contains("unterminated string"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[\"ab\\\"c"));
    }
}
