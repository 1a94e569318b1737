package dev.pgvigil.collector.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.schema.TargetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A target that comes here waits for the rest of the interval its last cycle began, and no longer than an interval;
 * overdue ones start within a second, the most overdue first.
 */
class LastCyclesTest {
    private static final Duration INTERVAL = Duration.ofSeconds(60);
    private static final Instant NOW = Instant.parse("2026-12-07T16:00:00Z");

    private static TargetStatus lastCycleAt(Instant at) {
        return TargetStatus.newBuilder().setCollector("pgvigil-collector-a").setLastCycleAt(at).build();
    }

    @Test
    void aMovedTargetResumesOneIntervalAfterItsLastCycle() {
        AtomicInteger reads = new AtomicInteger();
        LastCycles cycles = new LastCycles(() -> {
            reads.incrementAndGet();
            return Map.of("recent", lastCycleAt(NOW.minusSeconds(20)), "long-overdue", lastCycleAt(NOW.minusSeconds(150)),
                    "overdue-35s", lastCycleAt(NOW.minusSeconds(95)), "overdue-5s", lastCycleAt(NOW.minusSeconds(65)),
                    "ahead", lastCycleAt(NOW.plusSeconds(30)));
        });
        assertThat(cycles.firstCycleIn("recent", INTERVAL, NOW)).contains(Duration.ofSeconds(40));
        assertThat(cycles.firstCycleIn("long-overdue", INTERVAL, NOW)).as("overdue by more than an interval").contains(Duration.ZERO);
        assertThat(cycles.firstCycleIn("overdue-35s", INTERVAL, NOW)).as("1 s x (1 - 35/60)").contains(Duration.ofMillis(417));
        assertThat(cycles.firstCycleIn("overdue-5s", INTERVAL, NOW)).as("1 s x (1 - 5/60)").contains(Duration.ofMillis(917));
        assertThat(cycles.firstCycleIn("new", INTERVAL, NOW)).as("never collected: not placed here").isEmpty();
        assertThat(cycles.firstCycleIn("ahead", INTERVAL, NOW)).as("a clock ahead of ours costs at most an interval").contains(INTERVAL);
        assertThat(reads).as("the targets of one rebalance share one read of the topic").hasValue(1);
    }

    @Test
    void withoutTheStatusesTargetsStartAtOnce() {
        LastCycles cycles = new LastCycles(() -> {
            throw new IllegalStateException("cannot read pgvigil.targets.status to its end within 30 s");
        });
        assertThat(cycles.firstCycleIn("recent", INTERVAL, NOW)).isEmpty();
    }
}
