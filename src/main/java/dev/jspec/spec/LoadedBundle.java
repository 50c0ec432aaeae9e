package dev.jspec.spec;

import java.nio.file.Path;
import java.util.List;

/**
 * A bundle whose config was read, validated and bound. {@code bundleDir} is absolute and
 * normalized; {@code configFile} is the file that was read; the root filesystem is
 * {@code bundleDir.resolve(spec.root().path())}. {@code warnings} are located notes about
 * things the config asks for that the kernel will not do (runc ignores them silently).
 */
public record LoadedBundle(Path bundleDir, Path configFile, Spec spec, List<Diagnostic> warnings) {

    public LoadedBundle {
        warnings = List.copyOf(warnings);
    }
}
