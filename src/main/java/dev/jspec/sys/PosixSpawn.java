package dev.jspec.sys;

import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import java.util.List;

/** See {@link Syscalls#spawn}: posix_spawn(3) with its file actions. */
final class PosixSpawn {

    /** posix_spawn_file_actions_t is 80 bytes in glibc; leave room. */
    private static final int FILE_ACTIONS_SIZE = 256;

    private PosixSpawn() {}

    static int spawn(String path, List<String> argv, List<String> env, int[] dup2s) {
        try (Memory actions = new Memory(FILE_ACTIONS_SIZE)) {
            LibC.posix_spawn_file_actions_init(actions);
            try {
                int highest = 2;
                int scratch = 2;
                for (int i = 0; i < dup2s.length; i += 2) {
                    highest = Math.max(highest, dup2s[i + 1]);
                    scratch = Math.max(scratch, Math.max(dup2s[i], dup2s[i + 1]));
                }
                // Through descriptors above every source and target, so that no dup2 overwrites
                // one a later dup2 still reads (a preserved fd 10 and a pipe at 10, say).
                scratch++;
                for (int pass = 0; pass < 2; pass++) {
                    for (int i = 0; i < dup2s.length; i += 2) {
                        int from = pass == 0 ? dup2s[i] : scratch + i / 2;
                        int to = pass == 0 ? scratch + i / 2 : dup2s[i + 1];
                        int rc = LibC.posix_spawn_file_actions_adddup2(actions, from, to);
                        if (rc != 0) {
                            throw new SyscallException("posix_spawn_file_actions_adddup2(" + from + ", " + to + ")", rc);
                        }
                    }
                }
                // Nothing else of this process reaches the child: not the JVM's jars (the JDK
                // opens them without O_CLOEXEC, through the host's writable mounts), and not
                // whatever jspec's caller left open without close-on-exec.
                int rc = LibC.posix_spawn_file_actions_addclosefrom_np(actions, highest + 1);
                if (rc != 0) {
                    throw new SyscallException("posix_spawn_file_actions_addclosefrom_np(" + (highest + 1) + ")", rc);
                }
                int[] pid = new int[1];
                rc = LibC.posix_spawn(pid, path, actions, null, new StringArray(argv.toArray(new String[0])),
                        new StringArray(env.toArray(new String[0])));
                if (rc != 0) {
                    throw new SyscallException("posix_spawn(" + CallText.q(path) + ", " + quoted(argv) + ")", rc);
                }
                return pid[0];
            } finally {
                LibC.posix_spawn_file_actions_destroy(actions);
            }
        }
    }

    private static String quoted(List<String> argv) {
        StringBuilder b = new StringBuilder("[");
        for (String a : argv) {
            b.append(b.length() > 1 ? ", " : "").append(CallText.q(a));
        }
        return b.append(']').toString();
    }
}
