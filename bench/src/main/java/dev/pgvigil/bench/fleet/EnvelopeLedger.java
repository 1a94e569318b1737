package dev.pgvigil.bench.fleet;

import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.TargetStatus;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the collectors committed, as a consumer sees it: every envelope on pgvigil.snapshots (read_committed) with the
 * collector that wrote it, from pgvigil.targets.status (written in the same transaction, matched by the cycle's
 * start). Only these two small topics are read while the fleet runs, so the bench's own CPU stays out of the way;
 * the stats topics are audited once the run is over ({@link TransactionAudit}).
 */
final class EnvelopeLedger implements AutoCloseable {
    /** One committed snapshot of a target: when its cycle began, its status, and which collector published it. */
    record Envelope(long collectedAt, String status, String collector) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final Map<String, List<Long>> collectedAt = new ConcurrentHashMap<>();
    private final Map<String, List<String>> statuses = new ConcurrentHashMap<>();
    private final Map<String, Map<Long, String>> owners = new ConcurrentHashMap<>();
    private final AtomicLong envelopes = new AtomicLong();
    private final Thread reader;
    private volatile boolean running = true;

    EnvelopeLedger(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        for (String topic : List.of(Topics.SNAPSHOTS, Topics.TARGETS_STATUS)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader = new Thread(this::read, "fleet-bench-ledger");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        while (running) {
            synchronized (consumer) {
                consumer.poll(Duration.ofMillis(500)).forEach(this::take);
            }
        }
    }

    private void take(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return; // a status tombstone: a target left the fleet
        }
        if (r.topic().equals(Topics.SNAPSHOTS)) {
            SnapshotInfo info = Serdes.snapshotInfo().deserialize(r.topic(), r.value());
            String target = info.getRef().getInstanceId();
            collectedAt.computeIfAbsent(target, k -> new ArrayList<>()).add(info.getRef().getCollectedAt().toEpochMilli());
            statuses.computeIfAbsent(target, k -> new ArrayList<>()).add(info.getStatus().name());
            envelopes.incrementAndGet();
        } else {
            TargetStatus s = Serdes.targetStatus().deserialize(r.topic(), r.value());
            owners.computeIfAbsent(r.key(), k -> new ConcurrentHashMap<>()).put(s.getLastCycleAt().toEpochMilli(), s.getCollector());
        }
    }

    long envelopes() {
        return envelopes.get();
    }

    int targetsSeen() {
        return collectedAt.size();
    }

    /** Reads on until it has everything committed so far (the last stable offset of every partition). */
    void catchUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (consumer) {
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                if (end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    return;
                }
            }
            dev.pgvigil.embedded.LocalFleet.sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException("the envelope reader did not catch up within " + timeout);
    }

    /** Every target's committed envelopes in the order they began, each with its publisher (or "?" if no status matched). */
    Map<String, List<Envelope>> byTarget() {
        synchronized (consumer) {
            Map<String, List<Envelope>> all = new HashMap<>();
            collectedAt.forEach((target, times) -> {
                Map<Long, String> owner = owners.getOrDefault(target, Map.of());
                List<String> status = statuses.get(target);
                List<Envelope> list = new ArrayList<>();
                for (int i = 0; i < times.size(); i++) {
                    list.add(new Envelope(times.get(i), status.get(i), owner.getOrDefault(times.get(i), "?")));
                }
                list.sort(java.util.Comparator.comparingLong(Envelope::collectedAt));
                all.put(target, list);
            });
            return all;
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
    }
}
