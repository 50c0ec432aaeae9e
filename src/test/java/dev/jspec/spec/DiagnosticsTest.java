package dev.jspec.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DiagnosticsTest {

    /** What sorted() did before it was written without streams: distinct, then a stable sort. */
    private static List<Diagnostic> reference(List<Diagnostic> diagnostics) {
        List<Diagnostic> out = new ArrayList<>(diagnostics.stream().distinct().toList());
        out.sort(Comparator.comparing(Diagnostic::file).thenComparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column)
                .thenComparing(Diagnostic::message));
        return out;
    }

    @Test
    void sortsAndDropsRepeatsAsDistinctThenSortDid() {
        Random r = new Random(3);
        String[] files = {"a.json", "b.yaml"};
        String[] paths = {"", "process", "process.args[0]", null};
        String[] messages = {"m", "n", "o"};
        for (int round = 0; round < 2000; round++) {
            List<Diagnostic> in = new ArrayList<>();
            int n = r.nextInt(12);
            for (int i = 0; i < n; i++) {
                in.add(new Diagnostic(files[r.nextInt(2)], 1 + r.nextInt(3), 1 + r.nextInt(2), paths[r.nextInt(paths.length)],
                        messages[r.nextInt(messages.length)]));
            }
            List<Diagnostic> expected = reference(in);
            List<Diagnostic> actual = Diagnostics.sorted(in);
            assertEquals(expected.size(), actual.size(), in.toString());
            for (int i = 0; i < expected.size(); i++) {
                // The same objects, not only equal ones: the first of equal problems is kept.
                assertSame(expected.get(i), actual.get(i), in.toString());
            }
        }
    }

    @Test
    void printsTheFormEditorsJumpTo() {
        assertEquals("c.json:3:7: bad (at process.args[0])", new Diagnostic("c.json", 3, 7, "process.args[0]", "bad").toString());
        assertEquals("c.json:1:1: bad", new Diagnostic("c.json", 1, 1, "", "bad").toString());
        assertEquals("c.json:1:1: bad", new Diagnostic("c.json", 1, 1, null, "bad").toString());
    }
}
