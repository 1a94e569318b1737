package dev.pgvigil.collector.publish;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Remembers, per kind, a fingerprint of every entity last published for one target, so that a non-full
 * snapshot carries only the entities whose counters (or anything else) moved. Fingerprints are kept
 * rather than the entities to keep a fleet's memory small; a rare collision only delays an update to
 * the next full snapshot. Changes are staged and become the reference only once the snapshot was
 * published ({@link #commit()}); a failed publish {@link #reset()}s, so the next snapshot is full.
 *
 * <p>Not thread-safe: one thread at a time, handed over with a happens-before edge (the steps of
 * {@link SnapshotRecords.Pending} run one after another, and the cycle joins them before committing).
 */
public final class ChangeTracker {
    private final Map<Kind, Map<Object, Integer>> sent = new EnumMap<>(Kind.class);
    private final Map<Kind, Map<Object, Integer>> staged = new EnumMap<>(Kind.class);
    private boolean primed;

    /** False until a snapshot was published: the first one must be full. */
    public boolean primed() {
        return primed;
    }

    /** All of {@code entities} when {@code full}, else those that differ from what was last published. */
    <E> List<E> select(Kind kind, List<E> entities, Function<E, Object> key, boolean full) {
        Map<Object, Integer> previous = sent.getOrDefault(kind, Map.of());
        Map<Object, Integer> next = full ? new HashMap<>() : new HashMap<>(previous);
        List<E> out = new ArrayList<>();
        for (E entity : entities) {
            Integer fingerprint = entity.hashCode();
            next.put(key.apply(entity), fingerprint);
            if (full || !fingerprint.equals(previous.get(key.apply(entity)))) {
                out.add(entity);
            }
        }
        staged.put(kind, next);
        return out;
    }

    public void commit() {
        sent.putAll(staged);
        staged.clear();
        primed = true;
    }

    public void reset() {
        sent.clear();
        staged.clear();
        primed = false;
    }
}
