package dev.pgvigil.collector.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.publish.CollectorTopicsBroker;
import dev.pgvigil.collector.publish.KafkaSnapshotPublisher;
import dev.pgvigil.collector.publish.Publication;
import dev.pgvigil.collector.publish.SnapshotRecords;
import dev.pgvigil.collector.publish.StatusRecords;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A collector that gives targets up, in a rebalance or by leaving, hands their last snapshots over instead of dropping
 * them: it still owns the targets while their running cycles commit, and the group gives them to another collector only
 * then. Snapshots of targets that stay, caught in a transaction while the group's generation moves on, are committed
 * under the new generation. A real broker and real group members; each member's "cycle" is a snapshot handed to its
 * publisher, the last one when the group takes the target away (as {@code Collector} does with a cycle still running).
 */
class FleetHandoverTest {
    /** Long enough that every handover finds its last snapshot still waiting for its transaction. */
    private static final Duration LINGER = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final CollectorTopicsBroker broker = new CollectorTopicsBroker();

    @Test
    void aCollectorThatLeavesCommitsTheSnapshotsOfItsLastCyclesFirst() throws Exception {
        int fleet = addTargets("leave", 6);
        Member member = new Member("leave");
        try {
            await(() -> member.targets.size() == fleet, "the only member collects all " + fleet + " targets");
            member.membership.close();

            assertThat(member.lastSnapshots).hasSize(fleet);
            for (var last : member.lastSnapshots.entrySet()) {
                assertThat(outcome(last.getValue().done())).as("last snapshot of " + last.getKey()).isNull();
            }
            assertThat(committedEnvelopeKeys()).containsAll(member.lastSnapshots.values().stream().map(Snapshot::key).toList());
        } finally {
            member.close();
        }
    }

    @Test
    void inARebalanceTheTargetsThatMoveCommitBeforeTheyMoveAndTheOthersLoseNothing() throws Exception {
        int fleet = addTargets("move", 24);
        Member first = new Member("move");
        Member second = null;
        List<Snapshot> cycles = new ArrayList<>();
        try {
            await(() -> first.targets.size() == fleet, "the first member collects all " + fleet + " targets");
            Thread cycling = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    first.targets.forEach(id -> cycles.add(first.collect(id)));
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            cycling.start();
            Thread.sleep(LINGER.toMillis()); // a transaction is under way when the second member joins
            Member joined = second = new Member("move");
            await(() -> !joined.targets.isEmpty() && joined.targets.size() + first.targets.size() == fleet, "the targets are shared");
            Thread.sleep(LINGER.toMillis() * 2); // the first member's snapshots that were under way when the group settled
            cycling.interrupt();
            cycling.join();

            assertThat(first.lastSnapshots.keySet()).as("the first member gave up what the second took").isEqualTo(joined.targets);
            for (String moved : joined.targets) {
                Snapshot last = first.lastSnapshots.get(moved);
                assertThat(outcome(last.done())).as("last snapshot of " + moved).isNull();
                assertThat(last.committedAt()).as(moved + ": committed by its first owner before its second started").isPositive()
                        .isLessThan(joined.startedAt.get(moved));
            }
            for (Snapshot cycle : cycles) {
                Throwable failure = outcome(cycle.done());
                if (failure != null) {
                    assertThat(failure).as("a snapshot of " + cycle.target() + " is dropped only when its target moved").isInstanceOf(
                            KafkaSnapshotPublisher.PublishException.class).matches(e -> ((KafkaSnapshotPublisher.PublishException) e).targetMoved());
                    assertThat(joined.targets).contains(cycle.target());
                }
            }
            assertThat(cycles).as("snapshots taken while the group rebalanced").hasSizeGreaterThan(fleet * 5);
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void aSnapshotFencedUnderTheGenerationBeforeARebalanceIsCommittedUnderTheNextOne() throws Exception {
        addTargets("generation", 2);
        try (KafkaConsumer<String, byte[]> stays = member("generation")) {
            org.apache.kafka.clients.consumer.ConsumerGroupMetadata before = awaitJoined(stays);
            org.apache.kafka.clients.consumer.ConsumerGroupMetadata after;
            try (KafkaConsumer<String, byte[]> joins = member("generation")) {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (stays.groupMetadata().generationId() == before.generationId() || joins.assignment().isEmpty()) {
                    assertThat(System.nanoTime()).as("the group rebalanced").isLessThan(deadline);
                    stays.poll(Duration.ofMillis(100));
                    joins.poll(Duration.ofMillis(100));
                }
                after = stays.groupMetadata();
            }
            assertThat(after.memberId()).isEqualTo(before.memberId());
            var offsets = Map.of(new TopicPartition(Topics.TARGETS, 0), new org.apache.kafka.clients.consumer.OffsetAndMetadata(0));
            java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
            Fencing fencing = id -> new Fencing.Fence(asked.getAndIncrement() == 0 ? before : after, offsets);
            try (KafkaSnapshotPublisher publisher = new KafkaSnapshotPublisher(broker.settings(), Duration.ofSeconds(10), fencing, "generation",
                    KafkaSnapshotPublisher.Batching.NONE, new StatusRecords("test"))) {
                Publication p = SnapshotRecords.failed(new SnapshotRef("generation-x", UUID.randomUUID().toString(), Instant.now()), Map.of(), "test",
                        Duration.ZERO);
                publisher.publish(p);
            }
            assertThat(asked.get()).as("fenced again after the refusal").isEqualTo(2);
        }
    }

    private static KafkaConsumer<String, byte[]> member(String group) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName()),
                new StringDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(Topics.TARGETS));
        return c;
    }

    private static org.apache.kafka.clients.consumer.ConsumerGroupMetadata awaitJoined(KafkaConsumer<String, byte[]> c) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (c.assignment().isEmpty()) {
            assertThat(System.nanoTime()).as("joined the group").isLessThan(deadline);
            c.poll(Duration.ofMillis(200));
        }
        return c.groupMetadata();
    }

    /** A snapshot handed to a publisher: when it committed (nanoTime, 0 until then). */
    private record Snapshot(String target, String key, CompletableFuture<Void> done, long[] committed) {
        long committedAt() {
            return committed[0];
        }
    }

    /** A collector's stand-in: its membership, its publisher, and which targets it collects since when. */
    private static final class Member implements FleetMembership.Listener, AutoCloseable {
        final Set<String> targets = ConcurrentHashMap.newKeySet();
        final Map<String, Long> startedAt = new ConcurrentHashMap<>();
        final Map<String, Snapshot> lastSnapshots = new ConcurrentHashMap<>();
        final FleetMembership membership;
        final KafkaSnapshotPublisher publisher;

        Member(String group) {
            membership = new FleetMembership(broker.settings(), group, this);
            publisher = new KafkaSnapshotPublisher(broker.settings(), Duration.ofSeconds(10), membership, group,
                    new KafkaSnapshotPublisher.Batching(256, LINGER), new StatusRecords(membership.name()));
            membership.start();
        }

        Snapshot collect(String target) {
            String ref = UUID.randomUUID().toString();
            Publication p = SnapshotRecords.failed(new SnapshotRef(target, ref, Instant.now()), Map.of(), "test", Duration.ZERO);
            long[] committed = {0};
            CompletableFuture<Void> done = publisher.submit(p).whenComplete((ok, failure) -> committed[0] = failure == null ? System.nanoTime() : -1);
            return new Snapshot(target, p.envelope().key() + "/" + ref, done, committed);
        }

        @Override
        public void start(TargetConfig target) {
            startedAt.put(target.id(), System.nanoTime());
            targets.add(target.id());
        }

        @Override
        public CompletableFuture<Void> stop(String targetId) {
            if (!targets.remove(targetId)) {
                return CompletableFuture.completedFuture(null); // stopped already, as Collector does
            }
            Snapshot last = collect(targetId); // the cycle that was running when the group took the target away
            lastSnapshots.put(targetId, last);
            return last.done();
        }

        @Override
        public void removed(String targetId) {
            targets.remove(targetId);
        }

        @Override
        public void denied(dev.pgvigil.common.kafka.KafkaDenied refusal) {
            throw new AssertionError(refusal);
        }

        @Override
        public void close() {
            membership.close();
            publisher.close();
        }
    }

    /** Adds {@code count} targets; returns how many the topic holds now (every member of every group sees them all). */
    private static int addTargets(String prefix, int count) {
        TargetsTopic topic = new TargetsTopic(broker.settings());
        topic.applyAdditive(IntStream.rangeClosed(1, count).mapToObj(i -> new TargetConfig(prefix + "-" + i,
                "jdbc:postgresql://127.0.0.1:1/postgres", "monitor", null, null, null, null, Map.of(), null, null)).toList());
        return topic.read().size();
    }

    /** Null when it committed, else why not. */
    private static Throwable outcome(CompletableFuture<Void> done) throws InterruptedException {
        try {
            done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT, e);
        }
    }

    /** Envelope key and snapshot id of every committed envelope, as {@link Snapshot#key()} spells them. */
    private static Set<String> committedEnvelopeKeys() {
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.kafka().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(Topics.SNAPSHOTS, 0);
            c.assign(List.of(p));
            c.seekToBeginning(List.of(p));
            long end = c.endOffsets(List.of(p)).get(p);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (c.position(p) < end && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key() + "/"
                        + dev.pgvigil.schema.kafka.Serdes.snapshotInfo().deserializer().deserialize(r.topic(), r.value()).getRef().getSnapshotId()));
            }
        }
        return keys;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
