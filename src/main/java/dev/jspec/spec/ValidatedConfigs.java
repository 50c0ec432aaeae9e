package dev.jspec.spec;

import dev.jspec.util.TempFiles;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The configs whose schema check already passed, so that starting one again does not build
 * the JSON-schema validator (tens of milliseconds of a cold JVM) to learn the same answer.
 * Only the schema check is skipped: sizes are normalized, the semantic checks run and their
 * warnings are printed at every start, and a config with any schema problem or unknown key
 * is never recorded, so its diagnostics are printed every time too.
 *
 * <p>An entry is the exact bytes that passed, after a line naming the jspec and validator
 * builds that passed them; a start that finds an entry compares it byte for byte with its
 * own config, so no hash collision can let another config through, and a rebuilt jspec or
 * schema never matches an old entry. Entries live in a directory beside jspec's jar that
 * only root may write (the caller names it; whoever can write the jar's directory can
 * replace the jar itself, so it is trusted no less); an entry or directory that is not
 * root's alone, or a link, is not believed. Not in the state root: that holds containers'
 * state alone, so that nothing of a container (its config's bytes) is left there once it is
 * gone; this cache is the build's, and goes with it.
 */
final class ValidatedConfigs {

    /** More than this many entries and the directory is emptied before the next is added. */
    static final int MAX_ENTRIES = 64;

    private final Path dir;

    ValidatedConfigs(Path dir) {
        this.dir = dir;
    }

    /** The entry for a config of these bytes. */
    Entry entry(byte[] config) {
        byte[] content = content(config);
        String hex = Long.toHexString(fnv1a(content));
        return new Entry(dir.resolve("0".repeat(16 - hex.length()) + hex), content);
    }

    /** A config's place in the directory: whether it passed before, and recording that it did. */
    final class Entry {
        private final Path file;
        private final byte[] content;

        private Entry(Path file, byte[] content) {
            this.file = file;
            this.content = content;
        }

        /** Set once {@link #known} found the entry or {@link #record} wrote it. */
        private boolean passed;

        /** Whether exactly these bytes passed the schema check of this very jspec before. */
        boolean known() {
            try {
                if (!trusted(dir, true) || !trusted(file, false)) {
                    return false;
                }
                passed = Files.size(file) == content.length && Arrays.equals(Files.readAllBytes(file), content);
                return passed;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /** Whether this config is recorded as passed: found so, or recorded by this start. */
        boolean passed() {
            return passed;
        }

        /**
         * Tells the launcher that the config of the bundle at this path (as the command line
         * named it, made absolute) passed: an empty file named after the path, no older than
         * the config. The launcher, which cannot compare bytes, then starts the JVM without
         * the AOT cache layer of what a config seen for the first time loads (the schema
         * validator), a layer that costs every start that maps it some 20 ms. Only a choice
         * of cache rests on it: a wrong hint costs time, never a check. Best effort.
         */
        void hint(Path bundleOrConfig, Path config) {
            try {
                Path hint = hintFile(dir, bundleOrConfig);
                if (hint == null || !trusted(dir, true)) {
                    return;
                }
                if (Files.isRegularFile(hint, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(hint, LinkOption.NOFOLLOW_LINKS).compareTo(Files.getLastModifiedTime(config)) >= 0) {
                    return;
                }
                Files.deleteIfExists(hint);
                Files.createFile(hint, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (IOException | RuntimeException e) {
                // No hint: the next start maps the validator's layer, as a first one does.
            }
        }

        /** Records that these bytes passed; best effort (a start never fails for its cache). */
        void record() {
            try {
                if (!Files.isDirectory(dir.getParent(), LinkOption.NOFOLLOW_LINKS)) {
                    return; // Its parent (the jar's directory) is not made here.
                }
                if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    } catch (java.nio.file.FileAlreadyExistsException e) {
                        // Made meanwhile by another start.
                    }
                }
                if (!trusted(dir, true)) {
                    return;
                }
                prune();
                TempFiles.Created created = TempFiles.create(dir, ".entry.", PosixFilePermissions.fromString("rw-------"));
                Path tmp = created.path();
                try {
                    try (created) {
                        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
                        while (b.hasRemaining()) {
                            created.channel().write(b);
                        }
                    }
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    passed = true;
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException | RuntimeException e) {
                // Not recorded: the next start checks the schema again.
            }
        }

        private void prune() throws IOException {
            long count;
            try (var s = Files.list(dir)) {
                count = s.count();
            }
            if (count < MAX_ENTRIES) {
                return;
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path p : s) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * The hint for a bundle named {@code bundleOrConfig}: "@" and its absolute path, not
     * normalized, with each "/" as "%", as the launcher spells it from its arguments; null
     * when the name would be too long for a file name.
     */
    static Path hintFile(Path dir, Path bundleOrConfig) {
        String name = "@" + bundleOrConfig.toAbsolutePath().toString().replace('/', '%');
        return name.getBytes(StandardCharsets.UTF_8).length > 255 ? null : dir.resolve(name);
    }

    /** A directory or regular file (no link followed) owned by root and writable by no one else. */
    private static boolean trusted(Path p, boolean directory) throws IOException {
        var attrs = Files.readAttributes(p, "unix:uid,mode,isDirectory,isRegularFile", LinkOption.NOFOLLOW_LINKS);
        boolean kind = directory ? (Boolean) attrs.get("isDirectory") : (Boolean) attrs.get("isRegularFile");
        return kind && (Integer) attrs.get("uid") == 0 && ((Integer) attrs.get("mode") & 0022) == 0;
    }

    /** What an entry holds: the builds' line, then the config's bytes. */
    private static byte[] content(byte[] config) {
        byte[] head = (BUILD + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(head, head.length + config.length);
        System.arraycopy(config, 0, out, head.length, config.length);
        return out;
    }

    /**
     * The jspec build (its jar or classes, with the schema in it) and the validator's, each
     * by path, size and modification time: what decides whether a config passes.
     */
    private static final String BUILD = "jspec validated v1 " + origin(SchemaValidator.class) + " "
            + origin(com.networknt.schema.Schema.class) + " " + resource(SchemaValidator.SCHEMA_RESOURCE);

    private static String origin(Class<?> c) {
        try {
            return stamp(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return "unknown:" + System.nanoTime(); // Never matches a recorded entry.
        }
    }

    private static String resource(String name) {
        URL url = SchemaValidator.class.getClassLoader().getResource(name);
        if (url == null || !url.getProtocol().equals("file")) {
            return "-"; // In the jar, which origin() stamped.
        }
        try {
            return stamp(Path.of(url.toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return "unknown:" + System.nanoTime();
        }
    }

    private static String stamp(Path p) {
        try {
            return p + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return "unknown:" + System.nanoTime();
        }
    }

    /** FNV-1a, 64 bits: only an entry's name; a match is decided by comparing the bytes. */
    static long fnv1a(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
