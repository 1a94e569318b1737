package dev.pgvigil.collector.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.collector.fleet.Fencing;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Snapshots handed over together share a transaction; one that Kafka refuses for its own sake, or whose target moved,
 * costs the others nothing; a broker lost mid-commit does not leave the publisher stuck. On one partition per topic a committed transaction leaves one marker after its records,
 * so the envelope topic's end offset counts the envelopes plus the transactions.
 */
class KafkaSnapshotPublisherTest {
    private static final Duration LONG_LINGER = Duration.ofSeconds(1);
    @RegisterExtension
    static final CollectorTopicsBroker broker = new CollectorTopicsBroker();

    @Test
    void snapshotsHandedOverTogetherShareOneTransactionAndOneAtATimeEachHaveTheirOwn() throws Exception {
        long before = endOffset();
        try (KafkaSnapshotPublisher publisher = publisher(new KafkaSnapshotPublisher.Batching(64, LONG_LINGER), id -> Fencing.Fence.UNFENCED)) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Publication p = snapshot("t" + i);
                ids.add(p.envelope().key());
                done.add(publisher.submit(p));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            awaitCommitted(ids);
            assertThat(endOffset() - before).as("5 envelopes and one commit marker").isEqualTo(6);
        }
        long middle = endOffset();
        List<String> ids = new ArrayList<>();
        try (KafkaSnapshotPublisher publisher = publisher(KafkaSnapshotPublisher.Batching.NONE, id -> Fencing.Fence.UNFENCED)) {
            for (int i = 0; i < 3; i++) {
                Publication p = snapshot("u" + i);
                ids.add(p.envelope().key());
                publisher.publish(p);
            }
        }
        awaitCommitted(ids);
        assertThat(endOffset() - middle).as("3 envelopes, 3 transactions").isEqualTo(6);
    }

    /**
     * The commit returns once the transaction is decided; its markers are written just after. A read_committed reader
     * sees the records once the marker is there, and from then on the end offset counts it.
     */
    private static void awaitCommitted(List<String> keys) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!committedEnvelopeKeys().containsAll(keys)) {
            assertThat(System.nanoTime()).as("envelopes %s visible to read_committed readers", keys).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aSnapshotKafkaRefusesAndOneWhoseTargetMovedCostTheirBatchNothing() throws Exception {
        Publication tooLarge = withChunkOf(snapshot("large"), 2 * 1024 * 1024); // over the producer's 1 MiB request limit
        Publication moved = snapshot("moved");
        Publication fine = snapshot("fine");
        Publication alsoFine = snapshot("also-fine");
        try (KafkaSnapshotPublisher publisher = publisher(new KafkaSnapshotPublisher.Batching(64, LONG_LINGER),
                id -> id.startsWith("moved") ? null : Fencing.Fence.UNFENCED)) {
            CompletableFuture<Void> large = publisher.submit(tooLarge);
            CompletableFuture<Void> gone = publisher.submit(moved);
            CompletableFuture<Void> first = publisher.submit(fine);
            CompletableFuture<Void> second = publisher.submit(alsoFine);

            first.get(60, TimeUnit.SECONDS);
            second.get(60, TimeUnit.SECONDS);
            assertThat(failure(large)).isInstanceOf(KafkaSnapshotPublisher.PublishException.class).hasMessageContaining("RecordTooLarge");
            assertThat(failure(gone)).isInstanceOf(KafkaSnapshotPublisher.PublishException.class).hasMessageContaining("no longer this collector's")
                    .matches(e -> ((KafkaSnapshotPublisher.PublishException) e).targetMoved(), "a move, not a failure");
            assertThat(failure(large)).matches(e -> !((KafkaSnapshotPublisher.PublishException) e).targetMoved(), "a failure, not a move");
        }
        awaitCommitted(List.of(fine.envelope().key(), alsoFine.envelope().key()));
        assertThat(committedEnvelopeKeys()).doesNotContain(tooLarge.envelope().key(), moved.envelope().key());
    }

    @Test
    void closingCommitsWhatWasHandedOverFirst() throws Exception {
        Publication last = snapshot("last");
        CompletableFuture<Void> done;
        try (KafkaSnapshotPublisher publisher = publisher(new KafkaSnapshotPublisher.Batching(64, LONG_LINGER), id -> Fencing.Fence.UNFENCED)) {
            done = publisher.submit(last);
        }
        assertThat(done).isCompleted().isNotCompletedExceptionally();
        awaitCommitted(List.of(last.envelope().key()));
    }

    /**
     * A broker lost in the middle of a commit leaves the producer stuck on that commit (it only accepts the same commit
     * again); the publisher replaces it, and publishes again once the broker is back.
     */
    @Test
    void aPublisherWhoseBrokerWentAwayMidTransactionPublishesAgainOnceItIsBack() throws Exception {
        try (KafkaSnapshotPublisher publisher = new KafkaSnapshotPublisher(broker.settings(), Duration.ofSeconds(3), id -> Fencing.Fence.UNFENCED,
                "publisher-test", KafkaSnapshotPublisher.Batching.NONE, new StatusRecords("test"))) {
            publisher.publish(snapshot("before"));
            broker.kafka().stopBroker(1); // the class's broker: started again below, on its ports and data
            try {
                assertThat(failure(publisher.submit(snapshot("while-down")))).isInstanceOf(KafkaSnapshotPublisher.PublishException.class);
            } finally {
                broker.kafka().startBroker(1);
            }
            Publication after = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (after == null) {
                Publication attempt = snapshot("after");
                try {
                    publisher.publish(attempt);
                    after = attempt;
                } catch (KafkaSnapshotPublisher.PublishException e) {
                    assertThat(System.nanoTime()).as("published again within 90 s of the broker's return; last: %s", e.getMessage())
                            .isLessThan(deadline);
                }
            }
            awaitCommitted(List.of(after.envelope().key()));
        }
    }

    private static KafkaSnapshotPublisher publisher(KafkaSnapshotPublisher.Batching batching, Fencing fencing) {
        return new KafkaSnapshotPublisher(broker.settings(), Duration.ofSeconds(10), fencing, "publisher-test", batching, new StatusRecords("test"));
    }

    /** A one-envelope snapshot of a target of its own (ids are unique per test run). */
    private static Publication snapshot(String target) {
        String id = target + "-" + UUID.randomUUID().toString().substring(0, 8);
        return SnapshotRecords.failed(new SnapshotRef(id, UUID.randomUUID().toString(), Instant.now()), Map.of(), "test", Duration.ZERO);
    }

    private static Publication withChunkOf(Publication p, int bytes) {
        OutRecord e = p.envelope();
        return new Publication(List.of(new OutRecord(Topics.STATS_STATEMENTS, e.key(), e.timestamp(), e.value(), new byte[bytes])), e);
    }

    private static Throwable failure(CompletableFuture<Void> f) throws InterruptedException {
        try {
            f.get(60, TimeUnit.SECONDS);
            throw new AssertionError("published, though it should not have been");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within 60 s", e);
        }
    }

    private static long endOffset() {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            TopicPartition p = new TopicPartition(Topics.SNAPSHOTS, 0);
            return c.endOffsets(List.of(p)).get(p);
        }
    }

    private static Set<String> committedEnvelopeKeys() {
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            TopicPartition p = new TopicPartition(Topics.SNAPSHOTS, 0);
            c.assign(List.of(p));
            c.seekToBeginning(List.of(p));
            long end = c.endOffsets(List.of(p)).get(p);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (c.position(p) < end && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
            }
        }
        return keys;
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.kafka().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
    }
}
