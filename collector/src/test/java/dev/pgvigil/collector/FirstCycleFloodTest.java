package dev.pgvigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.collector.fleet.TargetsTopic;
import dev.pgvigil.collector.publish.CollectorTopicsBroker;
import dev.pgvigil.schema.SnapshotInfo;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many targets handed to a collector at once (as {@code pgvigil targets apply} or a takeover does) must not make
 * the targets it already collects miss their intervals. The new targets are servers that take the connection and
 * never answer, so each first cycle holds a worker for the whole login timeout; in arrival order they would hold
 * both workers for many seconds. The collected target is a closed port: its cycles are quick FAILED snapshots,
 * one an interval, counted on the real topic.
 */
class FirstCycleFloodTest {
    private static final int NEW_TARGETS = 12;
    private static final int LOGIN_TIMEOUT_SECONDS = 2;
    private static final int THREADS = 2;
    @RegisterExtension
    static final CollectorTopicsBroker broker = new CollectorTopicsBroker();

    @Test
    void aCollectedTargetKeepsItsIntervalWhileNewTargetsFirstReadsQueue() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 4 * NEW_TARGETS, InetAddress.getLoopbackAddress())) {
            // never accepted: the kernel completes the handshakes, and the driver waits for an answer to its login
            CollectorConfig config = new CollectorConfig(1, null, null, LOGIN_TIMEOUT_SECONDS, null, THREADS, null, null, null,
                    null, null, List.of(target("steady", ClosedPort.any(), 1)), false, null);
            try (Collector collector = new Collector(config, broker.settings());
                    StatsTopics topics = new StatsTopics(broker.kafka().bootstrapServers())) {
                collector.start();
                Instant steadyRuns = Instant.now();
                topics.await(i -> isFrom(i, "steady") && i.getRef().getCollectedAt().isAfter(steadyRuns.plusSeconds(2)),
                        Duration.ofSeconds(60), "steady collected for two seconds");

                Instant flood = Instant.now();
                new TargetsTopic(broker.settings()).applyAdditive(IntStream.rangeClosed(1, NEW_TARGETS)
                        .mapToObj(i -> target("new-" + i, silent.getLocalPort(), 600)).toList());
                for (int i = 1; i <= NEW_TARGETS; i++) {
                    String id = "new-" + i;
                    topics.await(s -> isFrom(s, id), Duration.ofSeconds(90), "the first (failed) snapshot of " + id);
                }
                Instant floodOver = Instant.now();
                List<Instant> firstReads = topics.envelopes().stream().filter(s -> s.getRef().getInstanceId().startsWith("new-"))
                        .map(s -> s.getRef().getCollectedAt()).sorted().toList();
                assertThat(Duration.between(firstReads.get(0), firstReads.get(firstReads.size() - 1)))
                        .as("the premise: the first reads held both workers for a while, one login timeout each")
                        .isGreaterThanOrEqualTo(Duration.ofSeconds((long) LOGIN_TIMEOUT_SECONDS * NEW_TARGETS / THREADS - 3));

                List<Instant> steady = topics.envelopes().stream().filter(s -> isFrom(s, "steady"))
                        .map(s -> s.getRef().getCollectedAt())
                        .filter(t -> t.isAfter(flood.minusSeconds(1)) && t.isBefore(floodOver)).sorted().toList();
                Duration longest = IntStream.range(1, steady.size()).mapToObj(i -> Duration.between(steady.get(i - 1), steady.get(i)))
                        .max(Comparator.naturalOrder()).orElseThrow();
                // waiting in line behind the queued first reads would be about 12 s; at most one login timeout of
                // a worker already busy is allowed, and its own interval
                assertThat(longest).as("the longest gap between steady's snapshots while %d first reads queued", NEW_TARGETS)
                        .isLessThan(Duration.ofSeconds(LOGIN_TIMEOUT_SECONDS + 3));
            }
        }
    }

    private static boolean isFrom(SnapshotInfo info, String id) {
        return info.getRef().getInstanceId().equals(id);
    }

    private static TargetConfig target(String id, int port, int intervalSeconds) {
        return new TargetConfig(id, "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "monitor", null, null, null,
                intervalSeconds, Map.of(), null, null);
    }
}
