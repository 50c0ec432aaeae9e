package dev.jspec.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Helpers for lists of {@link Diagnostic}s: the order they are shown in.
 *
 * <p>Written without lambdas, streams or a record's generated equals: each of those is an
 * invokedynamic call site whose first use in a cold JVM spins classes, about 10 ms for the
 * warnings of every start.
 */
final class Diagnostics {

    /** By file, line, column, then message. */
    static final Comparator<Diagnostic> FILE_ORDER = new FileOrder();

    private static final class FileOrder implements Comparator<Diagnostic> {
        @Override
        public int compare(Diagnostic a, Diagnostic b) {
            int c = a.file().compareTo(b.file());
            if (c == 0) {
                c = Integer.compare(a.line(), b.line());
            }
            if (c == 0) {
                c = Integer.compare(a.column(), b.column());
            }
            return c != 0 ? c : a.message().compareTo(b.message());
        }
    }

    private Diagnostics() {}

    /** In file order, each distinct problem once. */
    static List<Diagnostic> sorted(List<Diagnostic> diagnostics) {
        List<Diagnostic> all = new ArrayList<>(diagnostics);
        all.sort(FILE_ORDER); // stable: equal problems keep their order, the first one first
        List<Diagnostic> out = new ArrayList<>(all.size());
        for (Diagnostic d : all) {
            // An equal problem sorts among those of the same file, line, column and message.
            boolean repeat = false;
            for (int i = out.size() - 1; i >= 0 && FILE_ORDER.compare(out.get(i), d) == 0; i--) {
                if (Objects.equals(out.get(i).jsonPath(), d.jsonPath())) {
                    repeat = true;
                    break;
                }
            }
            if (!repeat) {
                out.add(d);
            }
        }
        return out;
    }
}
