package dev.pgvigil.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.collector.fleet.Fencing;
import dev.pgvigil.collector.fleet.TargetsPlan;
import dev.pgvigil.collector.fleet.TargetsTopic;
import dev.pgvigil.collector.publish.KafkaSnapshotPublisher;
import dev.pgvigil.collector.publish.SnapshotRecords;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collectors as one consumer group on pgvigil.targets, with a real broker and a real PostgreSQL: they
 * share the fleet, pick up a target added on the topic, drop a removed one, take over a departed
 * collector's targets; a member that left the group cannot publish (its transaction is refused).
 */
class CollectorGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static LocalPostgres pg;
    static EmbeddedKafka kafka;
    static KafkaSettings settings;
    static Path password;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start();
        pg.execute("postgres", "CREATE ROLE monitor LOGIN PASSWORD 'monitor-pw-1'", "GRANT pg_monitor TO monitor");
        password = dir.resolve("monitor.pw");
        Files.writeString(password, "monitor-pw-1\n");
        kafka = EmbeddedKafka.startTemporary();
        settings = new KafkaSettings(kafka.bootstrapServers(), null, 1, null);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static TargetConfig target(String id) {
        return new TargetConfig(id, "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", "monitor", null, null, password.toString(),
                null, Map.of(), null, null);
    }

    private static CollectorConfig config(String group, List<TargetConfig> fileTargets) {
        return new CollectorConfig(2, null, null, null, null, 2, null, null, null, null, null, fileTargets, false, null, group);
    }

    @Test
    void collectorsShareTheFleetFollowTheTopicAndTakeOver() throws Exception {
        List<TargetConfig> fleet = IntStream.rangeClosed(1, 8).mapToObj(i -> target("share-" + i)).toList();
        TargetsTopic topic = new TargetsTopic(settings);
        Collector a = new Collector(config("share", fleet), settings); // its file's targets go on the topic at start
        Collector b = new Collector(config("share", List.of()), settings);
        try (StatsTopics out = new StatsTopics(kafka.bootstrapServers())) {
            a.start();
            b.start();
            Set<String> ids = new HashSet<>(fleet.stream().map(TargetConfig::id).toList());
            await(() -> union(a, b).equals(ids) && !a.targets().isEmpty() && !b.targets().isEmpty(), "both collectors share the 8 targets");
            assertThat(a.targets()).doesNotContainAnyElementsOf(b.targets());
            Map<String, String> owners = topic.owners("share", ids); // what 'pgvigil targets list' shows
            assertThat(owners).containsOnlyKeys(ids);
            assertThat(new HashSet<>(owners.values())).hasSize(2);
            assertThat(owners.get(a.targets().iterator().next())).isNotEqualTo(owners.get(b.targets().iterator().next()));
            for (String id : ids) {
                out.await(i -> i.getRef().getInstanceId().equals(id), WAIT, "of " + id);
            }

            // a target added on the topic is collected within an interval, with no restart
            long addedAt = System.nanoTime();
            topic.write(TargetsPlan.of(topic.read(), List.of(target("share-new")), false));
            out.await(i -> i.getRef().getInstanceId().equals("share-new"), WAIT, "of the added target");
            // one 2 s interval, plus slack for a shared 2-core machine running other suites (8 s was seen there)
            assertThat(Duration.ofNanos(System.nanoTime() - addedAt)).isLessThan(Duration.ofSeconds(2 + 13));

            // a removed one stops
            topic.write(TargetsPlan.removal("share-1"));
            await(() -> !union(a, b).contains("share-1"), "share-1 no longer collected");
            Thread.sleep(2_500); // a cycle already running may still end
            long before = count(out, "share-1");
            Thread.sleep(5_000);
            assertThat(count(out, "share-1")).as("envelopes of a removed target").isEqualTo(before);

            // a collector that leaves: the other takes its targets over, well within the session timeout
            Set<String> moved = a.targets();
            Instant closedAt = Instant.now();
            a.close();
            await(() -> b.targets().containsAll(moved), "b took over a's targets");
            for (String id : moved) {
                out.await(i -> i.getRef().getInstanceId().equals(id) && i.getRef().getCollectedAt().isAfter(closedAt), WAIT,
                        "of " + id + " from the collector that took it over");
            }
            assertThat(Duration.between(closedAt, Instant.now())).isLessThan(Duration.ofSeconds(20));
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aMemberThatLeftTheGroupCannotPublish() throws Exception {
        new TargetsTopic(settings).ensure();
        KafkaSnapshotPublisher.ensureTopics(settings);
        ConsumerGroupMetadata stale;
        try (KafkaConsumer<String, byte[]> zombie = member("fence")) {
            stale = awaitJoined(zombie);
        }
        try (KafkaConsumer<String, byte[]> successor = member("fence")) {
            ConsumerGroupMetadata current = awaitJoined(successor);
            assertThat(current.generationId()).isGreaterThan(stale.generationId());
            Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition(Topics.TARGETS, 0), new OffsetAndMetadata(0));

            String zombieSnapshot = publishWith(new Fencing.Fence(stale, offsets), false);
            String ownerSnapshot = publishWith(new Fencing.Fence(current, offsets), true);

            // the zombie's records were aborted (or never left its producer): no read_committed consumer sees them
            assertThat(envelopes()).contains(ownerSnapshot).doesNotContain(zombieSnapshot);
        }
    }

    @Test
    void aFileTargetWithAPasswordIsCollectedHereButNeverReachesTheTopic() throws Exception {
        TargetsTopic topic = new TargetsTopic(settings);
        TargetConfig inUrl = new TargetConfig("secret-url", "postgresql://monitor:monitor-pw-1@127.0.0.1:" + pg.port() + "/postgres", null,
                null, null, null, null, null, null, null);
        try (Collector c = new Collector(config("secret", List.of(target("fine-one"), inUrl)), settings);
             StatsTopics out = new StatsTopics(kafka.bootstrapServers())) {
            c.start();
            out.await(i -> i.getRef().getInstanceId().equals("secret-url") && i.getError() == null, WAIT, "of the pinned target");
            out.await(i -> i.getRef().getInstanceId().equals("fine-one"), WAIT, "of the shared target");
            Map<String, dev.pgvigil.schema.Target> onTopic = topic.read();
            assertThat(onTopic).containsKey("fine-one").doesNotContainKey("secret-url");
            assertThat(onTopic.toString()).doesNotContain("monitor-pw-1");
            assertThatThrownBy(() -> TargetsPlan.of(onTopic, List.of(inUrl), false))
                    .hasMessageContaining("secret-url").hasMessageContaining("passwordEnv").hasMessageNotContaining("monitor-pw-1");
        } finally {
            topic.write(TargetsPlan.removal("fine-one"));
        }
    }

    /** Publishes a one-envelope snapshot fenced by {@code fence}; returns its snapshot id. */
    private static String publishWith(Fencing.Fence fence, boolean expectCommitted) throws Exception {
        SnapshotRef ref = new SnapshotRef("fenced-target", UUID.randomUUID().toString(), Instant.now());
        try (KafkaSnapshotPublisher publisher = new KafkaSnapshotPublisher(settings, Duration.ofSeconds(10), id -> fence, "fence", 1)) {
            var publication = SnapshotRecords.failed(ref, Map.of(), "test", Duration.ZERO);
            if (expectCommitted) {
                publisher.publish(publication);
            } else {
                assertThatThrownBy(() -> publisher.publish(publication)).isInstanceOf(KafkaSnapshotPublisher.PublishException.class)
                        .hasMessageContaining("fenced");
            }
        }
        return ref.getSnapshotId();
    }

    private static KafkaConsumer<String, byte[]> member(String group) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(Topics.TARGETS));
        return c;
    }

    private static ConsumerGroupMetadata awaitJoined(KafkaConsumer<String, byte[]> c) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (c.assignment().isEmpty() && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200));
        }
        assertThat(c.assignment()).isNotEmpty();
        return c.groupMetadata();
    }

    private static List<String> envelopes() {
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.SNAPSHOTS).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            for (int empty = 0; empty < 5; ) {
                var batch = c.poll(Duration.ofMillis(300));
                empty = batch.isEmpty() ? empty + 1 : 0;
                batch.forEach(r -> {
                    SnapshotInfo info = Serdes.snapshotInfo().deserialize(r.topic(), r.value());
                    ids.add(info.getRef().getSnapshotId());
                });
            }
        }
        return ids;
    }

    private static Set<String> union(Collector a, Collector b) {
        Set<String> all = new HashSet<>(a.targets());
        all.addAll(b.targets());
        return all;
    }

    private static long count(StatsTopics out, String id) {
        return out.envelopes().stream().filter(i -> i.getRef().getInstanceId().equals(id)).count();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(200);
        }
    }
}
