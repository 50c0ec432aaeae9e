package dev.jspec.spec;

import java.util.List;

/** A config that cannot be used, with every problem found in it, in file order. */
public final class ConfigException extends Exception {

    private final List<Diagnostic> diagnostics;

    public ConfigException(List<Diagnostic> diagnostics) {
        super(diagnostics.isEmpty() ? "invalid config" : diagnostics.get(0).toString());
        this.diagnostics = List.copyOf(diagnostics);
    }

    public ConfigException(Diagnostic diagnostic) {
        this(List.of(diagnostic));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
