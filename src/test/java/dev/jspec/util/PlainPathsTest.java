package dev.jspec.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlainPathsTest {

    @Test
    void aPathIsPlainWhenAbsoluteWithNoDotComponents() {
        for (String plain : List.of("/", "/sys/fs/cgroup/pids/jspec/x", "/a//b", "/a/", "/a/.b", "/a/..b", "/a/b..", "/.../x")) {
            assertTrue(PlainPaths.absolute(plain), plain);
        }
        for (String bad : List.of("", "sys/fs", "/a/./b", "/a/../b", "/..", "/.", "/a/.", "/a/..", "/a\0b", "./a")) {
            assertFalse(PlainPaths.absolute(bad), bad);
        }
    }
}
