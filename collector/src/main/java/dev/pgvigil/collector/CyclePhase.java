package dev.pgvigil.collector;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * When a target's cycles fall: the first at once, the next ones at a place in the interval of its own, the
 * same on every collector, so a fleet's cycles spread evenly over the interval instead of all coming due in
 * the same second. A pool handed a thousand cycles at once begins the last of them most of an interval late,
 * and the next interval's order differs, so one target's snapshots came anywhere from a few seconds to nearly
 * two intervals apart (a double or a gap). A target that moves keeps its place, so its new owner resumes in
 * step with its old one.
 */
final class CyclePhase {
    private CyclePhase() {}

    /**
     * How long the first cycle of a target never collected waits: at once, spread over at most a second so that a
     * collector's new targets do not all connect in the same millisecond. (One collected before resumes as
     * {@link dev.pgvigil.collector.fleet.LastCycles} says.)
     */
    static long firstIn(String targetId, long intervalMs) {
        return Math.floorMod(targetId.hashCode(), 1000) % intervalMs;
    }

    /** This target's place in an interval of {@code intervalMs}: ms after each multiple of the interval since the epoch. */
    static long of(String targetId, long intervalMs) {
        // a digest, not String.hashCode: ids that differ in their last character would sit a millisecond apart
        long bits = UUID.nameUUIDFromBytes(targetId.getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
        return Math.floorMod(bits, intervalMs);
    }

    /**
     * How long from {@code nowEpochMs}, when the target's first cycle begins, until its first periodic tick: the
     * first moment at its place in the interval that is at least half an interval later.
     */
    static long periodicStartIn(String targetId, long intervalMs, long nowEpochMs) {
        long earliest = nowEpochMs + intervalMs / 2;
        long wait = Math.floorMod(of(targetId, intervalMs) - earliest, intervalMs);
        return earliest + wait - nowEpochMs;
    }
}
