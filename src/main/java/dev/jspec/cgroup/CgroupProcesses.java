package dev.jspec.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The processes in a container's cgroups, as {@code runc ps} and {@code kill --all} see them. */
final class CgroupProcesses {

    private CgroupProcesses() {}

    /**
     * Every pid in {@code cgroup.procs} of the directories and of the cgroups below them,
     * once each, in ascending order. On v1 every hierarchy holds the container's processes,
     * so reading them all only adds what one hierarchy lacks. A directory that is gone adds nothing.
     */
    public static List<Integer> pids(List<String> dirs) {
        TreeSet<Integer> out = new TreeSet<>();
        for (String dir : dirs) {
            collect(Path.of(dir), out, 0);
        }
        return new ArrayList<>(out);
    }

    private static void collect(Path dir, TreeSet<Integer> out, int depth) {
        try {
            for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                String pid = line.strip();
                if (!pid.isEmpty()) {
                    out.add(Integer.parseInt(pid));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return;
        }
        if (depth > 64) {
            return;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    collect(child, out, depth + 1);
                }
            }
        } catch (IOException e) {
            // Removed meanwhile: its processes have gone with it.
        }
    }
}
