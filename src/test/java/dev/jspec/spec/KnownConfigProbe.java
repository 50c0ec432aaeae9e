package dev.jspec.spec;

import java.nio.file.Path;

/** Run by {@link KnownConfigTest} in a JVM of its own: loads a bundle as a start does, and says how. */
final class KnownConfigProbe {

    private KnownConfigProbe() {}

    public static void main(String[] args) throws Exception {
        Path validated = Path.of(args[1]);
        byte[] bytes = ConfigFile.read(BundleLoader.configFile(Path.of(args[0])), ConfigReader.MAX_BYTES + 1);
        boolean known = new ValidatedConfigs(validated).entry(bytes).known();
        LoadedBundle loaded = BundleLoader.loadLenient(Path.of(args[0]), validated);
        System.out.println("loaded " + (known ? "known " : "new ") + loaded.spec().process().args());
    }
}
