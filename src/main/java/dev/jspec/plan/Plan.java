package dev.jspec.plan;

import java.util.List;

/** The ordered steps of one container start. Step numbers are 1-based positions in {@link #entries}. */
public record Plan(List<Entry> entries) {

    public Plan {
        entries = List.copyOf(entries);
    }

    /** A step and the process that runs it. */
    public record Entry(Actor actor, Step step) {}

    public List<Entry> by(Actor actor) {
        return entries.stream().filter(e -> e.actor() == actor).toList();
    }

    /** The 1-based number of an entry, as printed by {@code jspec plan} and in errors. */
    @SuppressWarnings("ReferenceEquality") // this entry, not an equal one elsewhere in the plan
    public int numberOf(Entry entry) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) == entry) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("entry is not in this plan");
    }
}
