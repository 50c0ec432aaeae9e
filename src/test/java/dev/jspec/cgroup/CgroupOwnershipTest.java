package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On plain directories: their inode numbers behave as a cgroup directory's do for this purpose. */
class CgroupOwnershipTest {

    @Test
    void onlyTheDirectoryThisContainerMadeIsItsToEmpty(@TempDir Path tmp) throws Exception {
        String mine = Files.createDirectory(tmp.resolve("mine")).toString();
        String replaced = Files.createDirectory(tmp.resolve("replaced")).toString();
        String unrecorded = Files.createDirectory(tmp.resolve("unrecorded")).toString();
        String gone = tmp.resolve("gone").toString();
        Map<String, Long> inodes = CgroupOwnership.inodes(List.of(mine, replaced, gone));
        assertEquals(List.of(mine, replaced), List.copyOf(inodes.keySet()));
        // Another directory at the same path: another inode (here by hand; kernfs never reuses one).
        Map<String, Long> recorded = Map.of(mine, inodes.get(mine), replaced, inodes.get(replaced) + 1);
        assertEquals(new CgroupOwnership.Split(List.of(mine), List.of(unrecorded), List.of(replaced)),
                CgroupOwnership.split(List.of(mine, replaced, unrecorded, gone), recorded));
    }
}
