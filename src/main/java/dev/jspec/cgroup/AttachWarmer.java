package dev.jspec.cgroup;

import dev.jspec.sys.Syscalls;
import dev.jspec.util.PlainPaths;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the kernel's cgroup attach path warm while the init boots, so that the init's join
 * (its pid written to each cgroup.procs, once it asks) does not wait for an RCU grace period.
 *
 * <p>Every write to a cgroup.procs file takes one lock shared by all cgroups of the host,
 * and taking it after a while of nobody taking it waits for a grace period first: 5 to 16
 * ms on these hosts, the longest step of a start (runc meets the same wait, but its first
 * write overlaps its init's start). Once taken, it is taken at once again until a grace
 * period after its last release. The init joins as late as it can (see the planner: its
 * threads and memory must not count against the container's limits while it builds the
 * root), so that wait would be the parent's alone, on the start's critical path.
 *
 * <p>While the init builds its root, a thread of the parent writes "0" (the writer's own
 * process) to the cgroup.procs of the cgroup this process is already in, every few
 * milliseconds: a move that moves nothing, as the lock is taken before the kernel finds
 * there is nothing to do. Only ever this process's own cgroup, never the container's, and
 * never another process, and only while the process is still there: its cgroup is read
 * again before each write, and a move by anything else ends the warming. Best effort: the
 * first write that fails ends it (a read-only cgroupfs, a cgroup namespace whose paths do
 * not match the mount), and so does {@link #stop} or a bound on its run; the start itself
 * never depends on it.
 */
public final class AttachWarmer implements Runnable {

    /** Between two writes: shorter than the shortest grace period measured, so the lock never cools in between. */
    static final long PERIOD_MILLIS = 3;

    /** The longest it runs: an init that asks later (a slow hook) pays the wait as if there were no warmer. */
    static final long LIMIT_MILLIS = 2_000;

    private final Syscalls sys;
    private final CgroupLayout layout;
    private final Map<String, String> v1Mounts;
    private final String v2Mount;
    private volatile String procsFile;
    private volatile boolean stopped;
    private final AtomicInteger writes = new AtomicInteger();

    private AttachWarmer(Syscalls sys, CgroupLayout layout, Map<String, String> v1Mounts, String v2Mount) {
        this.sys = sys;
        this.layout = layout;
        this.v1Mounts = v1Mounts;
        this.v2Mount = v2Mount;
    }

    /**
     * Starts warming on a daemon thread of its own, which first names this process's own
     * cgroup ({@link #ownProcsFile}, from /proc/self/cgroup) and ends at once when it cannot.
     */
    public static AttachWarmer start(Syscalls sys, CgroupLayout layout, Map<String, String> v1Mounts, String v2Mount) {
        AttachWarmer warmer = new AttachWarmer(sys, layout, v1Mounts, v2Mount);
        Thread t = new Thread(warmer, "jspec-attach-warmer");
        t.setDaemon(true);
        t.start();
        return warmer;
    }

    /**
     * The cgroup.procs file of the cgroup this process is in: on v2 the unified one, on v1 the
     * first hierarchy of /proc/self/cgroup whose controller is mounted. Null when none is, or
     * the path is not a plain one below its mount.
     */
    static String ownProcsFile(CgroupLayout layout, Map<String, String> v1Mounts, String v2Mount, String procSelfCgroup) {
        int at = 0;
        while (at < procSelfCgroup.length()) {
            int end = procSelfCgroup.indexOf('\n', at);
            if (end < 0) {
                end = procSelfCgroup.length();
            }
            String line = procSelfCgroup.substring(at, end);
            at = end + 1;
            int first = line.indexOf(':');
            int second = first < 0 ? -1 : line.indexOf(':', first + 1);
            if (second < 0) {
                continue;
            }
            String controllers = line.substring(first + 1, second);
            String path = line.substring(second + 1);
            if (!PlainPaths.absolute(path)) {
                continue;
            }
            String mount = null;
            if (layout == CgroupLayout.V2) {
                if (controllers.isEmpty() && line.startsWith("0:")) {
                    mount = v2Mount;
                }
            } else {
                for (String c : controllers.split(",")) {
                    mount = v1Mounts.get(c);
                    if (mount != null) {
                        break;
                    }
                }
            }
            if (mount != null && !mount.isEmpty()) {
                return (path.equals("/") ? mount : mount + path) + "/cgroup.procs";
            }
        }
        return null;
    }

    @Override
    public void run() {
        long deadline = System.nanoTime() + LIMIT_MILLIS * 1_000_000L;
        try {
            while (!stopped && System.nanoTime() < deadline) {
                // Named before each write: if something moved this process meanwhile (a
                // service manager), the write would move it back, so the warming ends instead.
                String file = ownProcsFile(layout, v1Mounts, v2Mount, sys.readFile("/proc/self/cgroup"));
                if (procsFile == null) {
                    procsFile = file;
                }
                if (file == null || !file.equals(procsFile)) {
                    break;
                }
                sys.writeFile(file, "0");
                writes.incrementAndGet();
                // Not Thread.sleep, whose JFR event classes no AOT cache holds: loaded from the
                // JDK's modules at the first sleep, some milliseconds of a cold JVM.
                LockSupport.parkNanos(PERIOD_MILLIS * 1_000_000L);
            }
        } catch (RuntimeException e) {
            // Nothing to warm here: the init's join waits as it would without this.
        }
        stopped = true;
    }

    /** Ends the warming; a write under way finishes first, on its own thread. */
    public void stop() {
        stopped = true;
    }

    /** How many writes went through so far. */
    public int writes() {
        return writes.get();
    }

    /** Whether it ended: stopped, failed or past its bound. */
    public boolean stopped() {
        return stopped;
    }

    /** The file it writes to, once its thread named it; null before, or when it could not. */
    public String procsFile() {
        return procsFile;
    }
}
