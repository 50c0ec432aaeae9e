package dev.jspec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leftover check's cgroup part, on a fake cgroup root: it judges what the tests make and
 * nothing else, so other runtimes' containers may start and stop on the host during a test.
 */
class HostSnapshotTest {

    /** Names the tests gave jspec: a command word, a bundle, its directory name and an ID. */
    private static final Set<String> NAMES = Set.of("run", "/tmp/b/web", "web", "held-c");

    @TempDir
    Path root;

    private void mkdirs(String... dirs) throws IOException {
        for (String d : dirs) {
            Files.createDirectories(root.resolve(d));
        }
    }

    private List<String> changes(Runnable duringTheTest) {
        HostSnapshot before = HostSnapshot.cgroupsOnly(root);
        duringTheTest.run();
        return before.diff(HostSnapshot.cgroupsOnly(root), NAMES);
    }

    private Runnable make(String... dirs) {
        return () -> {
            try {
                mkdirs(dirs);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Test
    void anotherRuntimesCgroupsComingAndGoingAreNotReported() throws IOException {
        mkdirs("pids", "memory", "pids/runc-old", "pids/jspec/someone-elses");
        List<String> diff = changes(() -> {
            make("pids/runc-new", "memory/kubepods/pod1", "pids/jspec/another-jspecs", "memory/jspec/another-jspecs").run();
            try {
                Files.delete(root.resolve("pids/runc-old"));
                Files.delete(root.resolve("pids/jspec/someone-elses"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(List.of(), diff);
    }

    @Test
    void aCgroupNamedLikeATestsContainerIsReported() throws IOException {
        mkdirs("pids", "memory", "pids/jspec/someone-elses");
        List<String> diff = changes(make("pids/jspec/web", "memory/jspec-it-held/held-c", "pids/unrelated"));
        assertEquals(List.of(
                "left behind: cgroup " + root.resolve("memory/jspec-it-held"),
                "left behind: cgroup " + root.resolve("memory/jspec-it-held/held-c"),
                "left behind: cgroup " + root.resolve("pids/jspec/web")), diff);
    }

    @Test
    void theSharedParentIsNotJudgedOnlyWhatIsInIt() throws IOException {
        // Seen in CI: runc's containers in /jspec/neighbour made and emptied the parent
        // between the two snapshots; the parent coming or going is nobody's leftover.
        mkdirs("pids", "memory", "cpu", "unified/jspec/neighbour");
        List<String> diff = changes(() -> {
            make("pids/jspec", "memory/jspec/web", "cpu/jspec/another-jspecs").run();
            try {
                Files.delete(root.resolve("unified/jspec/neighbour"));
                Files.delete(root.resolve("unified/jspec"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(List.of("left behind: cgroup " + root.resolve("memory/jspec/web")), diff);
    }

    @Test
    void onAV2HostTheRootIsTheHierarchy() throws IOException {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        mkdirs("jspec/someone-elses");
        assertEquals(List.of("left behind: cgroup " + root.resolve("jspec/web")),
                changes(make("jspec/web", "jspec/another", "system.slice/runc-x.scope")));
    }
}
