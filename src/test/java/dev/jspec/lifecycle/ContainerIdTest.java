package dev.jspec.lifecycle;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContainerIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"hello", "a", "web-1", "my_container", "c.1", "x+y", "-leading-dash", ".hidden", "...",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void runcsIdsAreAccepted(String id) {
        assertNull(ContainerId.problem(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "../victim", "a/b", "/abs", "a b", "a\nb", "a\0b", "caf\u00e9", "a:b", "*"})
    void anythingThatIsNotOnePlainNameIsRefused(String id) {
        String problem = ContainerId.problem(id);
        assertNotNull(problem);
        assertTrue(problem.startsWith("invalid container ID "), problem);
        assertTrue(problem.chars().noneMatch(c -> c < 0x20), "control characters are escaped: " + problem);
    }

    @ParameterizedTest
    @ValueSource(ints = {255, 256})
    void atMostAFileNamesLength(int length) {
        String id = "a".repeat(length);
        if (length <= ContainerId.MAX_LENGTH) {
            assertNull(ContainerId.problem(id));
        } else {
            assertNotNull(ContainerId.problem(id));
        }
    }
}
