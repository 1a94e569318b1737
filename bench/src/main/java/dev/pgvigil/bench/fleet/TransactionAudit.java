package dev.pgvigil.bench.fleet;

import dev.pgvigil.collector.publish.Kind;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.kafka.AvroSerde;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * No half-published snapshot, checked on the topics once the run is over: every stats record and envelope is read
 * twice from the beginning, {@code read_committed} (what pgvigil's consumers see) and {@code read_uncommitted}
 * (everything written, aborted transactions included). Committed, every envelope must have exactly the chunks its
 * {@code chunkCounts} announce and no chunk may belong to a snapshot without a committed envelope; the snapshots
 * seen only uncommitted (aborted: a killed or fenced collector's) show the check had something to catch.
 */
final class TransactionAudit {
    /** The result. {@code abortedSnapshots}: snapshot ids written but never committed. */
    record Result(long committedEnvelopes, long committedChunks, long incompleteEnvelopes, long orphanChunks,
                  long uncommittedRecords, long abortedSnapshots, long abortedChunksVisible) {
        boolean clean() {
            return incompleteEnvelopes == 0 && orphanChunks == 0 && abortedChunksVisible == 0;
        }
    }

    /** One record as written: kept for the transaction-cost comparison. */
    record Raw(String topic, String key, byte[] value, String snapshotId) {}

    private static final Map<String, AvroSerde<? extends SpecificRecord>> CHUNK_SERDES = Map.of(
            Topics.STATS_DATABASE, Serdes.databaseStats(), Topics.STATS_STATEMENTS, Serdes.statements(),
            Topics.STATS_TABLES, Serdes.tables(), Topics.STATS_INDEXES, Serdes.indexes(),
            Topics.STATS_ACTIVITY, Serdes.activity(), Topics.STATS_SETTINGS, Serdes.settings(),
            Topics.STATS_REPLICATION, Serdes.replication());
    private static final Map<String, String> KIND_OF_TOPIC = kinds();

    private TransactionAudit() {}

    /**
     * @param sample records of these targets (the record key) are handed to {@code keep} in committed order
     */
    static Result run(String bootstrapServers, Duration timeout, Set<String> sample, Consumer<Raw> keep) {
        // first everything written, then the committed view up to the same offsets: a transaction a killed
        // collector left open holds read_committed back until the broker aborts it (transaction timeout)
        Set<String> uncommittedIds = new HashSet<>();
        long[] uncommitted = {0};
        Map<TopicPartition, Long> written = read(bootstrapServers, "read_uncommitted", Map.of(), timeout, r -> {
            uncommitted[0]++;
            uncommittedIds.add(r.topic().equals(Topics.SNAPSHOTS)
                    ? Serdes.snapshotInfo().deserialize(r.topic(), r.value()).getRef().getSnapshotId()
                    : ((SnapshotRef) CHUNK_SERDES.get(r.topic()).deserialize(r.topic(), r.value()).get(0)).getSnapshotId());
        });
        // snapshot id -> kind -> committed chunks; snapshot id -> announced counts
        Map<String, Map<String, Integer>> chunks = new HashMap<>();
        Map<String, Map<String, Integer>> announced = new HashMap<>();
        long[] committedChunks = {0};
        read(bootstrapServers, "read_committed", written, timeout, r -> {
            String id;
            if (r.topic().equals(Topics.SNAPSHOTS)) {
                SnapshotInfo info = Serdes.snapshotInfo().deserialize(r.topic(), r.value());
                id = info.getRef().getSnapshotId();
                Map<String, Integer> counts = new HashMap<>(info.getChunkCounts());
                counts.values().removeIf(n -> n == 0); // a kind with nothing changed announces 0 chunks
                announced.put(id, counts);
            } else {
                SpecificRecord chunk = CHUNK_SERDES.get(r.topic()).deserialize(r.topic(), r.value());
                id = ((SnapshotRef) chunk.get(0)).getSnapshotId();
                chunks.computeIfAbsent(id, k -> new HashMap<>()).merge(KIND_OF_TOPIC.get(r.topic()), 1, Integer::sum);
                committedChunks[0]++;
            }
            if (sample.contains(r.key())) {
                keep.accept(new Raw(r.topic(), r.key(), r.value(), id));
            }
        });
        long incomplete = announced.entrySet().stream()
                .filter(e -> !e.getValue().equals(chunks.getOrDefault(e.getKey(), Map.of()))).count();
        long orphans = chunks.keySet().stream().filter(id -> !announced.containsKey(id)).count();

        uncommittedIds.removeAll(announced.keySet());
        long abortedVisible = uncommittedIds.stream().filter(chunks::containsKey).count();
        return new Result(announced.size(), committedChunks[0], incomplete, orphans, uncommitted[0], uncommittedIds.size(), abortedVisible);
    }

    /**
     * Every record of the envelope and stats topics up to their end, and at least up to {@code atLeast}; returns the
     * end offsets it reached.
     */
    private static Map<TopicPartition, Long> read(String bootstrapServers, String isolation, Map<TopicPartition, Long> atLeast,
                                                  Duration timeout, Consumer<ConsumerRecord<String, byte[]>> each) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> topics = new ArrayList<>(CHUNK_SERDES.keySet());
            topics.add(Topics.SNAPSHOTS);
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        each.accept(r);
                    }
                }
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                if (end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= Math.max(e.getValue(),
                        atLeast.getOrDefault(e.getKey(), 0L)))) {
                    return end;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(isolation + " reader did not reach the end of the topics within " + timeout
                            + " (a transaction still open?)");
                }
            }
        }
    }

    private static Map<String, String> kinds() {
        Map<String, String> m = new HashMap<>();
        for (Kind k : Kind.values()) {
            m.put(k.topic(), k.key());
        }
        return Map.copyOf(m);
    }
}
