package dev.jspec.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bundles for integration tests: a config written by the test in a temporary directory,
 * whose root is a busybox root filesystem assembled once per build by bundles/mkrootfs.sh.
 */
final class TestBundles {

    private static Path rootfs;

    private TestBundles() {}

    /** The shared busybox root filesystem (made on first use under target/). */
    static synchronized Path rootfs() {
        if (rootfs == null) {
            Path dir = Jspec.PROJECT.resolve("target/it-rootfs");
            if (!Files.isDirectory(dir)) {
                try {
                    Process p = new ProcessBuilder(Jspec.PROJECT.resolve("bundles/mkrootfs.sh").toString(), dir.toString())
                            .inheritIO().start();
                    if (p.waitFor() != 0) {
                        throw new IllegalStateException("mkrootfs.sh failed");
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            rootfs = dir;
        }
        return rootfs;
    }

    /** One of the repository's bundles, its root filesystem assembled as the launcher does. */
    static Path projectBundle(String name) {
        Path bundle = Jspec.PROJECT.resolve("bundles").resolve(name);
        if (!Files.isDirectory(bundle.resolve("rootfs"))) {
            try {
                Process p = new ProcessBuilder(Jspec.PROJECT.resolve("bundles/mkrootfs.sh").toString(),
                        bundle.resolve("rootfs").toString()).inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("mkrootfs.sh failed for " + bundle);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return bundle;
    }

    /**
     * A bundle directory holding {@code config.yaml}; {@code ROOTFS} in the text is replaced
     * by the shared root filesystem's path.
     */
    static Path write(Path parent, String name, String yaml) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        Files.writeString(dir.resolve("config.yaml"), yaml.replace("ROOTFS", rootfs().toString()));
        return dir;
    }

    /** A standard container config around {@code processYaml} (the process block, indented by two). */
    static String config(String hostname, String processYaml, String extraMounts, String extraLinux) {
        return """
                ociVersion: 1.2.0
                root: {path: ROOTFS, readonly: true}
                hostname: %s
                process:
                %s
                mounts:
                  - {destination: /proc, type: proc, source: proc, options: [nosuid, noexec, nodev]}
                  - {destination: /dev, type: tmpfs, source: tmpfs, options: [nosuid, strictatime, mode=755, size=65536k]}
                %s
                linux:
                  namespaces: [{type: pid}, {type: mount}, {type: uts}, {type: ipc}, {type: network}, {type: cgroup}]
                %s
                """.formatted(hostname, processYaml.indent(2).stripTrailing(), extraMounts.indent(2).stripTrailing(),
                extraLinux.indent(2).stripTrailing());
    }
}
