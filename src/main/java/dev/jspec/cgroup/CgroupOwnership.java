package dev.jspec.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of the cgroup directories a state names are still the container's. A cgroup
 * directory's inode number is new each time the directory is made (kernfs does not reuse
 * them), so the number recorded when jspec made it tells that directory apart from one made
 * later at the same path, by another container with the same cgroup path (the same ID under
 * another {@code --root}).
 */
public final class CgroupOwnership {

    private CgroupOwnership() {}

    /**
     * What delete may do with each directory.
     *
     * @param owned made by this container and still the same directory: emptied (its processes killed) and removed
     * @param unproven no inode was recorded (the start stopped before it could be): removed only when empty, nothing killed
     * @param foreign another directory now stands at the path: left alone
     */
    public record Split(List<String> owned, List<String> unproven, List<String> foreign) {}

    /** The inode number of each directory that exists. */
    public static Map<String, Long> inodes(List<String> dirs) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String dir : dirs) {
            Long ino = inode(dir);
            if (ino != null) {
                out.put(dir, ino);
            }
        }
        return out;
    }

    /**
     * @param dirs the container's directories, as recorded
     * @param recorded the inode number recorded for each when it was made
     */
    public static Split split(List<String> dirs, Map<String, Long> recorded) {
        List<String> owned = new ArrayList<>();
        List<String> unproven = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        for (String dir : dirs) {
            Long made = recorded.get(dir);
            Long now = inode(dir);
            if (now == null) {
                continue;
            }
            if (made == null) {
                unproven.add(dir);
            } else if (made.equals(now)) {
                owned.add(dir);
            } else {
                foreign.add(dir);
            }
        }
        return new Split(owned, unproven, foreign);
    }

    private static Long inode(String dir) {
        try {
            Path p = Path.of(dir);
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            return ((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
