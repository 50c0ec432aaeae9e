package dev.jspec.sys;

/**
 * Sets JNA up ahead of the first system call. A class of its own, with no static state:
 * naming {@link LinuxSyscalls} would run its static initializer, which sets JNA up on the
 * caller's thread, the very thing this moves off it.
 */
public final class JnaSetup {

    private JnaSetup() {}

    /**
     * Starts setting JNA up (its native library, the java.util.logging its logger starts,
     * libc) on a thread of its own and returns at once, so that a start whose first system
     * call comes some milliseconds later finds it done: about 20 ms of a cold JVM. The
     * thread initializes JNA's classes and {@code LibC} only, whose initialization needs no
     * class of the caller's, so no two class initializations can wait on each other.
     */
    public static void inBackground() {
        Thread t = new Thread(() -> {
            try {
                Class.forName("dev.jspec.sys.LibC", true, JnaSetup.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // The first real call meets the same problem and reports it.
            }
        }, "jspec-jna-setup");
        t.setDaemon(true);
        t.start();
    }
}
