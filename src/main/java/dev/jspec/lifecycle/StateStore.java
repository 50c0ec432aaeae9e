package dev.jspec.lifecycle;

import dev.jspec.util.TempFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * One directory per container under the state root ({@code /run/jspec} by default, runc's
 * {@code --root}): {@code <root>/<id>/state.json}. Creating the directory is what reserves
 * the ID, so two runs with one ID cannot both start.
 *
 * <p>Every method checks the ID ({@link ContainerId}) before it makes a path of it, and
 * never follows a symbolic link in place of a container's directory or state file. What
 * jspec creates here is its own whatever the caller's umask: directories 0700, files 0600.
 * A state file is replaced whole (a temporary file, then rename), so a reader sees the
 * old state or the new one, never half of one. Nothing is fsync'd, as runc does not: the
 * rename is what makes a write atomic; the state root is a tmpfs on a usual host (/run),
 * where an fsync does nothing, and after a power loss every container is gone anyway.
 */
public final class StateStore {

    public static final String DEFAULT_ROOT = "/run/jspec";
    private static final String STATE_FILE = "state.json";
    private static final String EXEC_FIFO = "exec.fifo";
    private static final String LOCK_FILE = "lock";
    /** Far more than any state; a bigger file is not one jspec wrote. */
    private static final long MAX_STATE_BYTES = 1024 * 1024;
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path root;

    public StateStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** A state file that exists but is not a state jspec wrote: reported for its container alone. */
    public static final class CorruptStateException extends IOException {
        public CorruptStateException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reserves the ID; fails when a container with it exists. */
    public void reserve(String id) throws IOException {
        Path dir = dir(id);
        createRoot();
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("container \"" + id + "\" already exists (state in " + dir + ")");
        }
        // The umask can only have taken bits away; this makes the mode exact.
        Files.setPosixFilePermissions(dir, DIR_MODE);
    }

    /** Makes the state root and any missing parent, each 0700; a directory that exists is left as it is (--root may be shared). */
    private void createRoot() throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = root.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(DIR_MODE);
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p, mode);
                Files.setPosixFilePermissions(p, DIR_MODE);
            } catch (FileAlreadyExistsException e) {
                // Made meanwhile by another jspec.
            }
        }
    }

    public void write(ContainerState state) throws IOException {
        Path dir = dir(state.id());
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(dir.toString(), null, "the container's state directory is gone");
        }
        // A name of its own per writer, made with O_EXCL, so nothing else is written through it.
        TempFiles.Created created = TempFiles.create(dir, "." + STATE_FILE + ".", FILE_MODE);
        Path tmp = created.path();
        try {
            try (FileChannel ch = created.channel()) {
                // The mode asked for at creation passed through the umask; this is the one meant.
                Files.setPosixFilePermissions(tmp, FILE_MODE);
                ByteBuffer bytes = ByteBuffer.wrap(state.toJson().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
            }
            Files.move(tmp, dir.resolve(STATE_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The recorded state, or null when no container has this ID (or its start never got as
     * far as recording one).
     *
     * @throws CorruptStateException when the state file is there but is not a state jspec wrote
     */
    public ContainerState read(String id) throws IOException {
        Path dir = dir(id);
        Path file = dir.resolve(STATE_FILE);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new CorruptStateException(file + " is not a regular file", null);
        }
        byte[] bytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() > MAX_STATE_BYTES) {
                throw new CorruptStateException(file + " is larger than any state jspec writes", null);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // Read it all.
            }
            bytes = java.util.Arrays.copyOf(buf.array(), buf.position());
        }
        ContainerState state;
        try {
            state = ContainerState.fromJson(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new CorruptStateException(file + " is not a container state: " + e.getMessage(), e);
        }
        if (!state.id().equals(id)) {
            throw new CorruptStateException(file + " is the state of " + ContainerState.quote(state.id()) + ", not of " + id, null);
        }
        return state;
    }

    /** IDs of every container with a state directory, sorted; names that are not IDs (or not directories) are not containers. */
    public List<String> ids() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (ContainerId.problem(name) == null && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    ids.add(name);
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    /** A held lock on one container; closing it lets the next command on that container go on. */
    public interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits for, then holds, the container's lock: commands on one container (create's
     * recording, start, delete, pause, ...) happen one at a time, as runc serializes them.
     * A container without a directory has nothing to lock: a lock that does nothing is
     * returned, and the command finds no container.
     *
     * <p>The lock is a record lock (fcntl, through {@link FileChannel#lock()}) on a file of
     * the container's directory, "lock", so that taking it needs nothing but
     * Java's own file API: the commands an engine sends after {@code create} (start,
     * delete) then need no native binding at all. Record locks belong to the process, and
     * closing any descriptor of the file drops them, so threads of one JVM queue for the
     * file in {@link #IN_JVM} first and only the holder ever has it open.
     */
    public Lock lock(String id) {
        Path dir = dir(id);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return () -> { };
        }
        Path file = dir.resolve(LOCK_FILE);
        java.util.concurrent.Semaphore inJvm;
        try {
            inJvm = IN_JVM.computeIfAbsent(dir.toRealPath(LinkOption.NOFOLLOW_LINKS).resolve(LOCK_FILE),
                    k -> new java.util.concurrent.Semaphore(1));
        } catch (IOException e) {
            return () -> { }; // The directory went away meanwhile.
        }
        inJvm.acquireUninterruptibly();
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(FILE_MODE));
            ch.lock();
        } catch (IOException | RuntimeException e) {
            // The directory went away meanwhile (a delete): the command finds no container.
            closeQuietly(ch);
            inJvm.release();
            return () -> { };
        }
        FileChannel held = ch;
        return () -> {
            // Closing the channel releases the record lock.
            closeQuietly(held);
            inJvm.release();
        };
    }

    /** One permit per lock file: the threads of this JVM that want it queue here (see {@link #lock}). */
    private static final java.util.Map<Path, java.util.concurrent.Semaphore> IN_JVM = new java.util.concurrent.ConcurrentHashMap<>();

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            // Closed or not, the process lets go of the lock when it ends.
        }
    }

    /** The container's exec FIFO: `create`'s init waits on it until `start` opens it (runc's exec.fifo). */
    public Path execFifo(String id) {
        return dir(id).resolve(EXEC_FIFO);
    }

    /**
     * Makes the exec FIFO, 0622 whatever the umask: the init opens it for writing after it
     * has become the container's user, through its descriptor, not through this 0700 directory.
     */
    public void makeExecFifo(String id) throws IOException {
        Path fifo = execFifo(id);
        dev.jspec.sys.LinuxSyscalls sys = new dev.jspec.sys.LinuxSyscalls();
        sys.mkfifo(fifo.toString(), 0622);
        sys.chmod(fifo.toString(), 0622);
    }

    public boolean exists(String id) {
        return Files.isDirectory(dir(id), LinkOption.NOFOLLOW_LINKS);
    }

    /** Removes the container's state directory and everything in it (no link in it is followed). */
    public void remove(String id) {
        Path dir = dir(id);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Already gone, or never made.
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // Something jspec did not put there stays, and so does the directory.
        }
    }

    /** The container's directory; the ID is checked first, so the path is one plain name under the root. */
    private Path dir(String id) {
        return root.resolve(ContainerId.require(id));
    }
}
