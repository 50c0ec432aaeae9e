package dev.jspec.spec;

import java.nio.file.Path;

/**
 * A bundle whose config was read, validated and bound. {@code bundleDir} is absolute and
 * normalized; {@code configFile} is the file that was read; the root filesystem is
 * {@code bundleDir.resolve(spec.root().path())}.
 */
public record LoadedBundle(Path bundleDir, Path configFile, Spec spec) {}
