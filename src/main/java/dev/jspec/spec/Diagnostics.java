package dev.jspec.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Helpers for lists of {@link Diagnostic}s: the order they are shown in. */
final class Diagnostics {

    static final Comparator<Diagnostic> FILE_ORDER = Comparator.comparing(Diagnostic::file)
            .thenComparingInt(Diagnostic::line)
            .thenComparingInt(Diagnostic::column)
            .thenComparing(Diagnostic::message);

    private Diagnostics() {}

    /** In file order, each distinct problem once. */
    static List<Diagnostic> sorted(List<Diagnostic> diagnostics) {
        List<Diagnostic> out = new ArrayList<>(diagnostics.stream().distinct().toList());
        out.sort(FILE_ORDER);
        return out;
    }
}
