package dev.pgvigil.analyzer.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where one kind of stats of one instance stands: the snapshot being received (and how many of its
 * chunks have arrived), the previous one (the start of the interval), running totals for the
 * instance-wide metrics of the snapshot, and which entities have conditions (to sweep when they are
 * absent).
 */
public final class KindCursor {
    public String snapshotId;
    public long collectedAtMs = -1;
    public long previousCollectedAtMs = -1;
    public int chunkCount;
    public int chunksReceived;
    public boolean full;
    public boolean completed;
    /** Running totals of the snapshot, by name. */
    public Map<String, Double> totals = new HashMap<>();
    /** Keys of entities whose rules hold a condition. */
    public Set<String> withConditions = new HashSet<>();
    /** The statements that cost the most lately (statements cursor only), for the missing-index finding. */
    public List<TopStatement> top = new ArrayList<>();

    /** A statement worth naming: its text and how much time it took lately. */
    public record TopStatement(long queryId, String query, long calls, double totalTimeMs) {}

    /** The store key of one kind's cursor of one instance. */
    public static String key(String instanceId, String kind) {
        return instanceId + '\u0000' + kind;
    }

    public enum Arrival { NEW_SNAPSHOT, SAME_SNAPSHOT, STALE }

    /** Places a chunk of snapshot {@code id} taken at {@code atMs}. A chunk older than the current snapshot is stale. */
    public Arrival arrive(String id, long atMs, int count, boolean isFull) {
        if (id.equals(snapshotId)) {
            chunksReceived++;
            return Arrival.SAME_SNAPSHOT;
        }
        if (atMs <= collectedAtMs) {
            return Arrival.STALE;
        }
        previousCollectedAtMs = collectedAtMs;
        snapshotId = id;
        collectedAtMs = atMs;
        chunkCount = count;
        chunksReceived = 1;
        full = isFull;
        completed = false;
        totals = new HashMap<>();
        return Arrival.NEW_SNAPSHOT;
    }

    /** True once, when the last chunk of the current snapshot has arrived. */
    public boolean completeNow() {
        if (!completed && chunksReceived >= chunkCount) {
            completed = true;
            return true;
        }
        return false;
    }

    public boolean hasInterval() {
        return previousCollectedAtMs >= 0 && collectedAtMs > previousCollectedAtMs;
    }

    public double intervalSeconds() {
        return hasInterval() ? (collectedAtMs - previousCollectedAtMs) / 1000.0 : 0;
    }

    /** Remembers whether the entity under {@code key} has conditions, so the end-of-snapshot sweep knows where to look. */
    public void track(String key, Entity<?> e) {
        if (e.conditions.isEmpty()) {
            withConditions.remove(key);
        } else {
            withConditions.add(key);
        }
    }

    public void add(String total, double value) {
        totals.merge(total, value, Double::sum);
    }

    public double total(String name) {
        return totals.getOrDefault(name, 0.0);
    }
}
