package dev.pgvigil.collector;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counters per target for operations (and, later, Micrometer gauges): cycles run, cycles failed, ticks
 * skipped because the previous cycle was still running or began less than half an interval before, and the last
 * cycle's wall time and status.
 */
public final class CollectorStats {
    /** A consistent-enough reading of one target's counters. */
    public record TargetStats(long cycles, long failures, long overruns, long publishFailures, long lastCycleMs, String lastStatus,
            Instant lastCycleAt) {}

    private static final class Counters {
        final AtomicLong cycles = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong overruns = new AtomicLong();
        final AtomicLong publishFailures = new AtomicLong();
        final AtomicLong lastCycleMs = new AtomicLong();
        final AtomicReference<String> lastStatus = new AtomicReference<>();
        final AtomicReference<Instant> lastCycleAt = new AtomicReference<>();
    }

    private final Map<String, Counters> targets = new ConcurrentHashMap<>();

    private Counters of(String targetId) {
        return targets.computeIfAbsent(targetId, id -> new Counters());
    }

    void cycle(String targetId, String status, long durationMs, Instant at) {
        Counters c = of(targetId);
        c.cycles.incrementAndGet();
        if ("FAILED".equals(status)) {
            c.failures.incrementAndGet();
        }
        c.lastCycleMs.set(durationMs);
        c.lastStatus.set(status);
        c.lastCycleAt.set(at);
    }

    void overrun(String targetId) {
        of(targetId).overruns.incrementAndGet();
    }

    void publishFailure(String targetId) {
        of(targetId).publishFailures.incrementAndGet();
    }

    public TargetStats get(String targetId) {
        Counters c = of(targetId);
        return new TargetStats(c.cycles.get(), c.failures.get(), c.overruns.get(), c.publishFailures.get(), c.lastCycleMs.get(),
                c.lastStatus.get(), c.lastCycleAt.get());
    }

    /** Every target's counters, by id. */
    public Map<String, TargetStats> all() {
        Map<String, TargetStats> out = new TreeMap<>();
        targets.keySet().forEach(id -> out.put(id, get(id)));
        return out;
    }

    public long totalOverruns() {
        return targets.values().stream().mapToLong(c -> c.overruns.get()).sum();
    }
}
