package dev.jspec.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file of one's own next to the file it will replace by rename(2), made without
 * {@code Files.createTempFile}: that one names its files from a {@code SecureRandom}, whose
 * first use seeds it and loads the security providers, 15-20 ms of a cold JVM, on every
 * `start` and every `create`. The name needs to be unique, not unguessable: it is created
 * with O_EXCL (which follows no link, so nothing planted at the name is written through)
 * in a directory only root writes, and another name is tried when it is taken.
 */
public final class TempFiles {

    private static final AtomicLong COUNTER = new AtomicLong();

    private TempFiles() {}

    /** A file made in dir with O_CREAT|O_EXCL and the given mode, open for writing; its path is {@link Created#path}. */
    public static Created create(Path dir, String prefix, Set<PosixFilePermission> mode) throws IOException {
        String pid = pid();
        for (int attempt = 0; ; attempt++) {
            Path path = dir.resolve(prefix + pid + "." + Long.toHexString(System.nanoTime()) + "."
                    + COUNTER.incrementAndGet() + ".tmp");
            try {
                FileChannel ch = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(mode));
                return new Created(path, ch);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /**
     * This process's pid, for names that say whose they are: read from /proc/self rather than
     * ProcessHandle, whose class starts a process reaper's executor (some 30 classes of a
     * cold JVM) for a number; "0" when /proc is not there.
     */
    public static String pid() {
        try {
            String self = Files.readSymbolicLink(Path.of("/proc/self")).toString();
            for (int i = 0; i < self.length(); i++) {
                if (self.charAt(i) < '0' || self.charAt(i) > '9') {
                    return "0";
                }
            }
            return self.isEmpty() ? "0" : self;
        } catch (IOException | UnsupportedOperationException e) {
            return "0";
        }
    }

    /** A file {@link #create} made, and its descriptor, open for writing. */
    public record Created(Path path, FileChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
