package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupCleanupTest {

    @Test
    void parentsAreRemovedDeepestFirstEachOnceInTheirOrderOtherwise() {
        CgroupCleanup c = new CgroupCleanup(List.of("/cg/pids/a/b/c"),
                List.of("/cg/pids/a", "/cg/memory/a/b", "/cg/pids/a/b", "/cg/memory/a", "/cg/pids/a/b", "/cg/cpu/x/y"));
        assertEquals(List.of("/cg/memory/a/b", "/cg/pids/a/b", "/cg/cpu/x/y", "/cg/pids/a", "/cg/memory/a"), c.parentDirs());
    }
}
