package dev.jspec.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Suspending every process of a cgroup, as {@code runc pause} does. cgroup v1 has a freezer
 * hierarchy ({@code freezer.state}: write FROZEN, then wait until it reads FROZEN, not
 * FREEZING); cgroup v2 has {@code cgroup.freeze} in every non-root cgroup (write 1, then wait
 * for {@code frozen 1} in {@code cgroup.events}). Either way the processes stop where they
 * are, and thawing lets them go on.
 */
final class Freezer {

    /** How long a freeze may take before it is given up (and undone). */
    static final long TIMEOUT_MS = 5_000;

    private Freezer() {}

    /** The directory among {@code dirs} that can freeze the container: v1's freezer, else a v2 cgroup; null when none. */
    public static String dir(List<String> dirs) {
        for (String d : dirs) {
            if (Files.exists(Path.of(d, "freezer.state"))) {
                return d;
            }
        }
        for (String d : dirs) {
            if (Files.exists(Path.of(d, "cgroup.freeze"))) {
                return d;
            }
        }
        return null;
    }

    /** Whether the cgroup is frozen or freezing (a freeze that was asked for counts: runc reports such a container paused too). */
    public static boolean frozen(String dir) {
        try {
            Path v1 = Path.of(dir, "freezer.state");
            if (Files.exists(v1)) {
                String s = Files.readString(v1).strip();
                return s.equals("FROZEN") || s.equals("FREEZING");
            }
            Path v2 = Path.of(dir, "cgroup.freeze");
            return Files.exists(v2) && Files.readString(v2).strip().equals("1");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Freezes the cgroup and returns once every process in it is stopped.
     *
     * @throws IOException naming the file when a write fails, or when the freeze does not
     *     complete in time (it is undone first, so nothing stays half frozen)
     */
    public static void freeze(String dir) throws IOException, InterruptedException {
        freeze(dir, TIMEOUT_MS);
    }

    static void freeze(String dir, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        if (Files.exists(Path.of(dir, "freezer.state"))) {
            for (int round = 0; ; round++) {
                // The kernel can leave a v1 freeze at FREEZING while tasks fork; asking again moves it on.
                if (round % 10 == 0) {
                    write(Path.of(dir, "freezer.state"), "FROZEN");
                }
                if (Files.readString(Path.of(dir, "freezer.state")).strip().equals("FROZEN")) {
                    return;
                }
                giveUpAfter(deadline, dir, timeoutMs);
                Thread.sleep(1);
            }
        }
        write(Path.of(dir, "cgroup.freeze"), "1");
        while (!flag(Path.of(dir, "cgroup.events"), "frozen")) {
            giveUpAfter(deadline, dir, timeoutMs);
            Thread.sleep(1);
        }
    }

    /** Lets the cgroup's processes run again. */
    public static void thaw(String dir) throws IOException {
        if (Files.exists(Path.of(dir, "freezer.state"))) {
            write(Path.of(dir, "freezer.state"), "THAWED");
        } else {
            write(Path.of(dir, "cgroup.freeze"), "0");
        }
    }

    private static void giveUpAfter(long deadline, String dir, long timeoutMs) throws IOException {
        if (System.nanoTime() - deadline > 0) {
            thaw(dir);
            throw new IOException("the processes in " + dir + " did not all freeze within " + timeoutMs + " ms; thawed again");
        }
    }

    /** Whether {@code key 1} is a line of a flat-keyed file such as cgroup.events. */
    static boolean flag(Path file, String key) throws IOException {
        for (String line : Files.readAllLines(file)) {
            String[] kv = line.trim().split(" ");
            if (kv.length == 2 && kv[0].equals(key)) {
                return kv[1].equals("1");
            }
        }
        return false;
    }

    private static void write(Path file, String value) throws IOException {
        try {
            Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("write(" + file + ", \"" + value + "\"): " + e.getMessage(), e);
        }
    }
}
