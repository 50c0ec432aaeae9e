package dev.jspec.spec;

import dev.jspec.sys.Errno;
import dev.jspec.sys.LinuxSyscalls;
import dev.jspec.sys.SyscallException;
import dev.jspec.sys.Syscalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading a config file without trusting what the path names: a FIFO would block the read
 * (or the open) forever, and a device is not a file at all. A config must be a regular file;
 * anything else is refused before it is opened, and, should the path be swapped meanwhile,
 * again after the open (which does not wait, O_NONBLOCK) by what the descriptor is.
 */
final class ConfigFile {

    private ConfigFile() {}

    /** What {@code path} is when it is not a regular file ("a FIFO", "a directory", ...), or null when it is one. Follows links. */
    static String notRegular(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        return switch (mode & 0xF000) {
            case 0x8000 -> null;
            case 0x4000 -> "a directory";
            case 0x1000 -> "a FIFO";
            case 0xC000 -> "a socket";
            case 0x2000 -> "a character device";
            case 0x6000 -> "a block device";
            default -> "not a file";
        };
    }

    /** At most {@code limit} bytes of the regular file {@code path}. */
    static byte[] read(Path path, int limit) throws IOException {
        String kind = notRegular(path);
        if (kind != null) {
            throw new IOException("it is " + kind + ", not a regular file");
        }
        Syscalls sys = new LinuxSyscalls();
        int fd;
        try {
            fd = sys.openNonBlocking(path.toString());
        } catch (SyscallException e) {
            throw new IOException(Errno.describe(e.errno()), e);
        }
        try {
            if (sys.fstat(fd).kind() != Syscalls.FileKind.REGULAR) {
                throw new IOException("it is not a regular file (it was replaced while being opened)");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            while (out.size() < limit && (n = sys.read(fd, buf)) > 0) {
                out.write(buf, 0, Math.min(n, limit - out.size()));
            }
            return out.toByteArray();
        } catch (SyscallException e) {
            throw new IOException(e.call() + ": " + Errno.describe(e.errno()), e);
        } finally {
            sys.close(fd);
        }
    }
}
