package dev.jspec.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OomKillsTest {

    @Test
    void aV1OomKillIsExplainedWithTheLimit(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        Files.writeString(dir.resolve("memory.limit_in_bytes"), "50331648\n");
        assertEquals("the kernel's OOM killer stopped the container at its memory limit (50331648 bytes, " + dir + ")",
                OomKills.explain(List.of(dir.toString())));
    }

    @Test
    void aV2OomKillIsReadFromMemoryEvents(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n");
        Files.writeString(dir.resolve("memory.max"), "50331648\n");
        assertEquals("the kernel's OOM killer stopped the container at its memory limit (50331648 bytes, " + dir + ")",
                OomKills.explain(List.of(dir.toString())));
    }

    @Test
    void noOomKillNoExplanation(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        assertNull(OomKills.explain(List.of(dir.toString(), dir.resolve("absent").toString())));
    }
}
