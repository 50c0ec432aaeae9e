package dev.jspec.util;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Run by {@link TempFilesTest} in a JVM of its own: makes one file and says so. */
final class TempFilesProbe {

    private TempFilesProbe() {}

    public static void main(String[] args) throws Exception {
        try (TempFiles.Created c = TempFiles.create(Path.of(args[0]), ".probe.", PosixFilePermissions.fromString("rw-------"))) {
            System.out.println("made " + c.path());
        }
    }
}
