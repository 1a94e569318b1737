package dev.pgvigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.collector.fleet.Fencing;
import dev.pgvigil.collector.publish.CollectorTopicsBroker;
import dev.pgvigil.collector.publish.KafkaSnapshotPublisher;
import dev.pgvigil.collector.publish.StatusRecords;
import dev.pgvigil.schema.SnapshotInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cycle that began late (queued behind other targets' on a busy pool) is followed by one on time; the second
 * would put two snapshots in one interval, so it is skipped as an overrun, and the cycle after it runs. The
 * snapshots are counted on the real topic. The target is a closed port: its cycles are FAILED snapshots, which
 * are published like any other.
 */
class CycleSpacingTest {
    private static final int INTERVAL_SECONDS = 20;
    @RegisterExtension
    static final CollectorTopicsBroker broker = new CollectorTopicsBroker();

    @Test
    void aCycleDueLessThanHalfAnIntervalAfterThePreviousBeganIsSkippedAndTheOneAfterRuns() throws Exception {
        CollectorConfig config = new CollectorConfig(INTERVAL_SECONDS, null, null, 1, null, 1, null, null, null, null, null,
                List.of(), false, null);
        TargetConfig target = TargetConfig.of("spacing", "jdbc:postgresql://127.0.0.1:" + ClosedPort.any() + "/x", "monitor", null, null);
        CollectorStats stats = new CollectorStats();
        try (KafkaSnapshotPublisher publisher = new KafkaSnapshotPublisher(broker.settings(), Duration.ofSeconds(10),
                id -> Fencing.Fence.UNFENCED, "spacing-test", KafkaSnapshotPublisher.Batching.NONE, new StatusRecords("test"));
                TargetRunner runner = new TargetRunner(target, config);
                StatsTopics topics = new StatsTopics(broker.kafka().bootstrapServers())) {
            long firstBegan = System.nanoTime();
            Instant firstBeganAt = Instant.now();
            runner.runCycle(publisher, stats).get(30, TimeUnit.SECONDS);
            runner.runCycle(publisher, stats).get(30, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - firstBegan))
                    .as("the test's premise: both were due within half an interval").isLessThan(Duration.ofSeconds(INTERVAL_SECONDS / 2));
            assertThat(stats.get("spacing").cycles()).as("cycles run").isEqualTo(1);
            assertThat(stats.get("spacing").overruns()).as("the second counted as an overrun").isEqualTo(1);

            // the runner took its start a moment after firstBegan
            Thread.sleep(Math.max(0, Duration.ofSeconds(INTERVAL_SECONDS / 2).plusMillis(200).toMillis()
                    - Duration.ofNanos(System.nanoTime() - firstBegan).toMillis()));
            runner.runCycle(publisher, stats).get(30, TimeUnit.SECONDS);
            assertThat(stats.get("spacing").cycles()).as("half an interval after the first began, a cycle runs").isEqualTo(2);

            // a commit's markers land just after it returns: wait for the last cycle's envelope, then count them all
            topics.await(i -> i.getRef().getInstanceId().equals("spacing") && i.getRef().getCollectedAt().isAfter(firstBeganAt.plusSeconds(5)),
                    Duration.ofSeconds(30), "of the cycle half an interval after the first");
            List<SnapshotInfo> envelopes = topics.envelopes().stream().filter(i -> i.getRef().getInstanceId().equals("spacing")).toList();
            assertThat(envelopes).as("snapshots on the topic").hasSize(2);
            assertThat(Duration.between(envelopes.get(0).getRef().getCollectedAt(), envelopes.get(1).getRef().getCollectedAt()))
                    .as("half an interval apart, by the wall clock the envelopes carry")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(INTERVAL_SECONDS / 2));
        }
    }
}
