package dev.jspec.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one way into a bundle: find its config, read it, normalize sizes, validate against the
 * schema and the semantic rules, and bind it to a {@link Spec}. Every problem found is
 * reported together, in file order, in one {@link ConfigException}.
 */
public final class BundleLoader {

    /** The config names looked for in a bundle directory, in order of preference. */
    public static final List<String> CONFIG_NAMES = List.of("config.yaml", "config.yml", "config.json");

    private BundleLoader() {}

    /**
     * Loads the bundle at {@code bundleOrConfig}: a bundle directory, or a config file whose
     * directory is the bundle.
     *
     * @throws ConfigException when the config is invalid; every diagnostic is located
     * @throws UncheckedIOException when the path does not exist, the directory holds no
     *     config, or the config cannot be read; that is not a config problem (runc exits 1 too)
     */
    public static LoadedBundle load(Path bundleOrConfig) throws ConfigException {
        return load(bundleOrConfig, false);
    }

    /**
     * As {@link #load(Path)}, for running the bundle: a key the schema does not know is
     * ignored with a located warning instead of failing the load, as the OCI runtime-spec
     * requires of runtimes (config.md, "Extensibility"). `jspec validate` stays strict.
     */
    public static LoadedBundle loadLenient(Path bundleOrConfig) throws ConfigException {
        return load(bundleOrConfig, true, null);
    }

    /**
     * As {@link #loadLenient(Path)}, skipping the schema check for a config whose exact bytes
     * passed it before, as recorded in {@code validatedDir} (see {@link ValidatedConfigs});
     * a config that passes now is recorded there.
     */
    public static LoadedBundle loadLenient(Path bundleOrConfig, Path validatedDir) throws ConfigException {
        return load(bundleOrConfig, true, validatedDir);
    }

    private static LoadedBundle load(Path bundleOrConfig, boolean ignoreUnknown) throws ConfigException {
        return load(bundleOrConfig, ignoreUnknown, null);
    }

    private static LoadedBundle load(Path bundleOrConfig, boolean ignoreUnknown, Path validatedDir) throws ConfigException {
        Path configFile = configFile(bundleOrConfig);
        Path bundleDir = configFile.toAbsolutePath().normalize().getParent();
        byte[] bytes;
        try {
            // One byte past the limit, so that a larger file is told apart (ConfigReader.read's way).
            bytes = ConfigFile.read(configFile, ConfigReader.MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + configFile + ": " + e.getMessage(), e);
        }
        ValidatedConfigs.Entry validated = validatedDir == null ? null : new ValidatedConfigs(validatedDir).entry(bytes);
        boolean known = validated != null && validated.known();
        if (!known) {
            BigDecimalAhead.start(); // the schema check will run; meanwhile the config is read
        }
        ConfigReader.Parsed parsed = ConfigReader.parse(bytes, configFile.toString());
        List<Diagnostic> warnings = new ArrayList<>();
        Spec spec = check(parsed, bundleDir, warnings, ignoreUnknown, validated, known);
        if (validated != null && validated.passed()) {
            validated.hint(bundleOrConfig, configFile);
        }
        return new LoadedBundle(bundleDir, configFile, spec, Diagnostics.sorted(warnings));
    }

    /**
     * Initializes {@link java.math.BigDecimal} on a thread of its own while this one reads the
     * config, for a load that will run the schema check. The validator's first Jackson value
     * node initializes it (Jackson's ValueNode keeps BigDecimal constants), and JDK 25's
     * BigDecimal initializer squares its way to 5^65536: 20-40 ms of a cold JVM's CPU that the
     * check would wait for. A config known to have passed the check never needs it: its tree
     * is a {@link ConfigNode} one, and Jackson is not used at all.
     * The thread touches no class of jspec's or Jackson's, so no class initialization can
     * wait on it in a cycle; a check that gets there first merely waits for it to finish.
     */
    private static final class BigDecimalAhead implements Runnable {
        private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();
        @SuppressWarnings("unused") // written only to make the initialization happen
        private static volatile Object initialized;

        static void start() {
            if (STARTED.compareAndSet(false, true)) {
                Thread t = new Thread(new BigDecimalAhead(), "jspec-bigdecimal");
                t.setDaemon(true);
                t.start();
            }
        }

        @Override
        public void run() {
            initialized = java.math.BigDecimal.ONE;
        }
    }

    /**
     * Validates a parsed config and binds it. {@code bundleDir} anchors {@code root.path};
     * null skips the root filesystem check (for configs checked away from their bundle).
     */
    static Spec check(ConfigReader.Parsed parsed, Path bundleDir) throws ConfigException {
        return check(parsed, bundleDir, new ArrayList<>());
    }

    /** As {@link #check(ConfigReader.Parsed, Path)}, adding warnings to {@code warnings}. */
    static Spec check(ConfigReader.Parsed parsed, Path bundleDir, List<Diagnostic> warnings) throws ConfigException {
        return check(parsed, bundleDir, warnings, false);
    }

    /** As {@link #check(ConfigReader.Parsed, Path, List)}; {@code ignoreUnknown}: see {@link #loadLenient}. */
    static Spec check(ConfigReader.Parsed parsed, Path bundleDir, List<Diagnostic> warnings, boolean ignoreUnknown)
            throws ConfigException {
        return check(parsed, bundleDir, warnings, ignoreUnknown, null, false);
    }

    /**
     * As {@link #check(ConfigReader.Parsed, Path, List, boolean)}; {@code validated}: this config's record of passing the
     * schema, or null; {@code known}: whether the record says it passed.
     */
    private static Spec check(ConfigReader.Parsed parsed, Path bundleDir, List<Diagnostic> warnings, boolean ignoreUnknown,
            ValidatedConfigs.Entry validated, boolean known) throws ConfigException {
        List<Diagnostic> problems = new ArrayList<>();
        ByteSize.normalize(parsed.tree(), parsed.sourceMap(), parsed.file(), problems);
        // A size that did not parse was reported above; the schema's "does not match" would repeat it.
        Set<String> reported = new HashSet<>();
        problems.forEach(d -> reported.add(d.jsonPath()));
        boolean skipSchema = known && problems.isEmpty();
        SchemaValidator.Split schema = skipSchema ? new SchemaValidator.Split(List.of(), List.of())
                : SchemaValidator.get().validateSplit(parsed);
        if (!skipSchema && validated != null && problems.isEmpty() && schema.problems().isEmpty() && schema.unknownKeys().isEmpty()) {
            validated.record();
        }
        List<Diagnostic> schemaProblems = new ArrayList<>(schema.problems());
        if (ignoreUnknown) {
            // Gone from the tree, so that nothing after this sees them.
            for (SchemaValidator.UnknownKey u : schema.unknownKeys()) {
                ((ConfigNode.ObjectValue) parsed.tree().at(u.owner())).remove(u.key());
                warnings.add(u.warning());
            }
        } else {
            schema.unknownKeys().forEach(u -> schemaProblems.add(u.strict()));
        }
        for (Diagnostic d : schemaProblems) {
            if (!reported.contains(d.jsonPath())) {
                problems.add(d);
            }
        }
        problems.addAll(SemanticChecks.check(parsed.tree(), parsed.sourceMap(), parsed.file(), bundleDir, warnings));
        if (!problems.isEmpty()) {
            throw new ConfigException(Diagnostics.sorted(problems));
        }
        return SpecBinder.bind(parsed.tree());
    }

    /**
     * A process spec on its own (runc's {@code exec --process FILE}): an OCI {@code process}
     * object, validated by the config's schema and rules, its problems located in {@code file}.
     */
    public static Spec.Process loadProcess(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(regular(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        // Wrapped on the file's first line, so that every line number stays the file's own.
        byte[] head = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"/\"}, \"process\": ".getBytes(StandardCharsets.UTF_8);
        byte[] doc = new byte[head.length + bytes.length + 2];
        System.arraycopy(head, 0, doc, 0, head.length);
        System.arraycopy(bytes, 0, doc, head.length, bytes.length);
        doc[doc.length - 2] = '\n';
        doc[doc.length - 1] = '}';
        Spec spec = check(ConfigReader.parse(doc, file.toString()), null);
        if (spec.process() == null) {
            throw new UncheckedIOException(file + ": no process in it", new IOException("no process"));
        }
        return spec.process();
    }

    /** An exception whose message is the sentence a user reads: {@code PATH: reason}. */
    private static UncheckedIOException missing(Path path, String reason) {
        return new UncheckedIOException(path + ": " + reason, new NoSuchFileException(path.toString(), null, reason));
    }

    /** The config file {@code bundleOrConfig} names: itself, or the preferred config in that directory. */
    static Path configFile(Path bundleOrConfig) {
        if (Files.isDirectory(bundleOrConfig)) {
            for (String name : CONFIG_NAMES) {
                Path candidate = bundleOrConfig.resolve(name);
                if (Files.exists(candidate)) {
                    return regular(candidate);
                }
            }
            throw missing(bundleOrConfig, "no config.yaml, config.yml or config.json in this bundle directory");
        }
        if (!Files.exists(bundleOrConfig)) {
            throw missing(bundleOrConfig, "no such bundle or config file");
        }
        return regular(bundleOrConfig);
    }

    /**
     * {@code config} when it is a regular file. A FIFO or device in a config's place is
     * refused, not skipped for the next name: it is not a config, and reading it would block.
     */
    private static Path regular(Path config) {
        String kind;
        try {
            kind = ConfigFile.notRegular(config);
        } catch (IOException e) {
            throw new UncheckedIOException(config + ": " + e.getMessage(), e);
        }
        if (kind != null) {
            throw new UncheckedIOException(config + " is " + kind + ", not a regular file; a config must be a regular file",
                    new IOException(kind));
        }
        return config;
    }
}
