package dev.jspec.lifecycle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * One directory per container under the state root ({@code /run/jspec} by default, runc's
 * {@code --root}): {@code <root>/<id>/state.json}. Creating the directory is what reserves
 * the ID, so two runs with one ID cannot both start.
 */
public final class StateStore {

    public static final String DEFAULT_ROOT = "/run/jspec";
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}");

    private final Path root;

    public StateStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Why an ID is not acceptable, or null when it is. */
    public static String checkId(String id) {
        if (!VALID_ID.matcher(id).matches()) {
            return "invalid container ID \"" + id + "\": use letters, digits and _ . + - (at most 128), starting with a letter or digit";
        }
        return null;
    }

    /** Reserves the ID; fails when a container with it exists. */
    public void reserve(String id) throws IOException {
        Files.createDirectories(root);
        try {
            Files.createDirectory(root.resolve(id));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("container \"" + id + "\" already exists (state in " + root.resolve(id) + ")");
        }
    }

    public void write(ContainerState state) throws IOException {
        Path dir = root.resolve(state.id());
        Path tmp = dir.resolve("state.json.tmp");
        Files.writeString(tmp, state.toJson(), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The recorded state, or null when no container has this ID. */
    public ContainerState read(String id) throws IOException {
        Path file = root.resolve(id).resolve("state.json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        return ContainerState.fromJson(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** IDs of every container with a state directory, sorted. */
    public java.util.List<String> ids() throws IOException {
        if (!Files.isDirectory(root)) {
            return java.util.List.of();
        }
        try (var s = Files.list(root)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    public boolean exists(String id) {
        return Files.isDirectory(root.resolve(id));
    }

    /** Removes the container's state directory and everything in it. */
    public void remove(String id) {
        Path dir = root.resolve(id);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // Already gone, or never made.
        }
    }
}
