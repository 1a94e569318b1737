package dev.pgvigil.collector.fleet;

import dev.pgvigil.schema.TargetStatus;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each target's last cycle began, as pgvigil.targets.status says (whichever collector ran it). A target that
 * comes to this collector, moved from one that left or died, or back after this collector restarted, has its first
 * cycle one interval after that one, not at once: no interval of a target gets two snapshots. A target whose
 * next cycle is already due starts within {@link #OVERDUE_WITHIN}, the most overdue first: a takeover makes many
 * such first reads at once, and they queue on the collector's pool, so the target that has waited longest for its
 * snapshot should not also wait at the end of that queue. A target with no status is not this class's to place.
 *
 * <p>The targets a rebalance hands over arrive within a few polls, so the topic is read at most once per
 * {@link #FRESH_FOR}. A status from a clock ahead of this one delays a target by at most one interval.
 */
public final class LastCycles {
    static final Duration FRESH_FOR = Duration.ofSeconds(5);
    static final Duration OVERDUE_WITHIN = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(LastCycles.class);

    private final Supplier<Map<String, TargetStatus>> statuses;
    /** Null until the topic is first read. */
    private Map<String, Instant> lastCycleAt;
    private long readAtNanos;

    public LastCycles(TargetsTopic topic) {
        this(topic::statuses);
    }

    LastCycles(Supplier<Map<String, TargetStatus>> statuses) {
        this.statuses = statuses;
    }

    /**
     * How long from {@code now} the first cycle of {@code targetId}, collected every {@code interval}, should wait;
     * empty when the target has no status (never collected, or the topic could not be read).
     */
    public synchronized Optional<Duration> firstCycleIn(String targetId, Duration interval, Instant now) {
        if (lastCycleAt == null || System.nanoTime() - readAtNanos > FRESH_FOR.toNanos()) {
            lastCycleAt = readStatuses();
            readAtNanos = System.nanoTime();
        }
        Instant last = lastCycleAt.get(targetId);
        if (last == null) {
            return Optional.empty();
        }
        Duration wait = Duration.between(now, last.plus(interval));
        if (!wait.isNegative()) {
            return Optional.of(wait.compareTo(interval) > 0 ? interval : wait);
        }
        double overdueShare = Math.min(1.0, (double) wait.negated().toMillis() / interval.toMillis());
        return Optional.of(Duration.ofMillis(Math.round(OVERDUE_WITHIN.toMillis() * (1 - overdueShare))));
    }

    private Map<String, Instant> readStatuses() {
        try {
            Map<String, Instant> byTarget = new HashMap<>();
            statuses.get().forEach((id, s) -> byTarget.put(id, s.getLastCycleAt()));
            return byTarget;
        } catch (RuntimeException e) {
            // then a moved target may get a second snapshot in the interval its previous owner had begun: better than none
            log.warn("cannot read {}, so targets that come here start at once: {}", Topics.TARGETS_STATUS, e.getMessage());
            return Map.of();
        }
    }
}
