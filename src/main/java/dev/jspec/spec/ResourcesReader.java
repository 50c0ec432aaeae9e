package dev.jspec.spec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code linux.resources} object on its own, as {@code jspec update --resources} reads it
 * (podman's {@code update} sends one): validated by the same schema, size rules and checks
 * as inside a config. Problems are located in the given text: it is placed on the first
 * line of a wrapping config, after the wrapper's opening, so lines keep their numbers.
 */
public final class ResourcesReader {

    private static final String OPENING = "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \".\"}, \"linux\": {\"resources\": ";

    private ResourcesReader() {}

    /**
     * @param file the name problems are reported against ({@code -} for standard input)
     * @throws ConfigException every problem, located
     */
    public static Spec.Resources read(byte[] json, String file) throws ConfigException {
        String text = new String(json, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            text = "{}";
        }
        byte[] wrapped = (OPENING + text + "\n}}\n").getBytes(StandardCharsets.UTF_8);
        try {
            ConfigReader.Parsed parsed = ConfigReader.parse(wrapped, file);
            Spec spec = BundleLoader.check(parsed, null, new ArrayList<>());
            return spec.linux().resources();
        } catch (ConfigException e) {
            // Columns on the first line count from the wrapper's opening; put them back in the caller's text.
            List<Diagnostic> located = new ArrayList<>();
            for (Diagnostic d : e.diagnostics()) {
                located.add(d.line() == 1 && d.column() > OPENING.length()
                        ? new Diagnostic(d.file(), 1, d.column() - OPENING.length(), d.jsonPath(), d.message()) : d);
            }
            throw new ConfigException(located);
        }
    }
}
