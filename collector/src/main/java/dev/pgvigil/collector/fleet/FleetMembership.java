package dev.pgvigil.collector.fleet;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.kafka.KafkaDenied;
import dev.pgvigil.schema.Target;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This collector's share of the fleet: a member of the consumer group {@code collector.groupId} on
 * pgvigil.targets (cooperative-sticky, so a rebalance moves only what must move). For every partition it
 * is assigned it reads the partition from its start (the topic is compacted and small, so no offset is
 * relied on) and keeps reading, telling the {@link Listener} which targets start, change and stop.
 *
 * <p>It also fences snapshots ({@link Fencing}): a snapshot's transaction carries the group's current
 * metadata, so the coordinator refuses the transaction of a member that is no longer in the group.
 * One thread owns the consumer; the metadata and positions it hands out are copies made after each poll.
 */
public final class FleetMembership implements Fencing, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FleetMembership.class);
    /** A dead or hung collector's targets move after this: within the 20 s the fleet promises. */
    public static final int SESSION_TIMEOUT_MS = 15_000;
    /**
     * How long a member giving targets up (a rebalance, or leaving) holds them while their running cycles commit:
     * a cycle's snapshot commits under the targets' owner, so it is handed over, not dropped. The group waits for it.
     */
    static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(5);

    /** What the collector does with its share. Called on the membership thread; must be quick. */
    public interface Listener {
        /** Start collecting {@code target}, or restart it if it changed. */
        void start(TargetConfig target);

        /**
         * Stop collecting a target that moves to another collector (or that this one gives up).
         *
         * @return completed once the target's running cycle, if any, ended: its snapshot committed or failed
         */
        CompletableFuture<Void> stop(String targetId);

        /** Stop collecting a target that left the fleet (removed from the topic, or disabled). */
        void removed(String targetId);

        /** Kafka refused this member's login or an ACL (its group, pgvigil.targets): it left the group for good. */
        void denied(KafkaDenied refusal);
    }

    private final KafkaSettings kafka;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Listener listener;
    private final Thread thread;
    private final CountDownLatch firstAssignment = new CountDownLatch(1);
    /** Per owned partition, its targets by id (membership thread only). */
    private final Map<Integer, Map<String, TargetConfig>> owned = new HashMap<>();
    private final Map<String, Integer> partitionOf = new ConcurrentHashMap<>();
    private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
    private volatile ConsumerGroupMetadata metadata;
    private volatile boolean running = true;
    private final String name;

    public FleetMembership(KafkaSettings kafka, String groupId, Listener listener) {
        this.kafka = kafka;
        this.listener = listener;
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        // one per collector, so 'pgvigil targets list' can tell the members apart
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "pgvigil-collector-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        this.name = String.valueOf(props.get(ConsumerConfig.CLIENT_ID_CONFIG));
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "pgvigil-collector-membership");
        this.thread.setDaemon(true);
    }

    /** This collector's name in the group (its client id): the owner that target statuses name. */
    public String name() {
        return name;
    }

    public void start() {
        consumer.subscribe(List.of(Topics.TARGETS), new Rebalance());
        thread.start();
    }

    /** Waits until the group first gave this member its share (possibly none); false on timeout. */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return firstAssignment.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                for (Integer p : owned.keySet()) {
                    positions.put(p, consumer.position(new TopicPartition(Topics.TARGETS, p)));
                }
                metadata = consumer.groupMetadata();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            KafkaDenied.in(e, kafka).ifPresentOrElse(listener::denied,
                    () -> log.error("collector left the group on an error: {}", e.toString()));
        } finally {
            // leaving hands this member's targets over (Rebalance.onPartitionsRevoked), or drops them when it is no
            // longer a member; the group's answer may take a few seconds more than the handover
            try {
                consumer.close(HANDOVER_TIMEOUT.plusSeconds(5));
            } finally {
                dropAll(); // whatever the close did not reach
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        Map<String, TargetConfig> targets = owned.get(r.partition());
        if (targets == null || r.key() == null) {
            return;
        }
        TargetConfig target = null;
        if (r.value() != null) {
            try {
                Target record = Serdes.target().deserializer().deserialize(r.topic(), r.value());
                target = record.getEnabled() ? TargetRecords.fromRecord(record) : null;
            } catch (RuntimeException e) {
                log.warn("target {} on {} is not usable, not collected: {}", r.key(), r.topic(), e.getMessage());
            }
        }
        if (target == null) {
            if (targets.remove(r.key()) != null) {
                partitionOf.remove(r.key());
                listener.removed(r.key());
            }
        } else if (!target.equals(targets.get(r.key()))) {
            targets.put(r.key(), target);
            partitionOf.put(r.key(), r.partition());
            listener.start(target);
        }
    }

    /**
     * Gives up the targets of {@code partitions} while still their owner: stops them, lets their running cycles commit
     * under this member's fence (up to {@link #HANDOVER_TIMEOUT}), and only then removes the fence. The group hands
     * the partitions to another member once this returns, so a target never has two collectors at once.
     */
    private void handOver(Collection<TopicPartition> partitions) {
        // in a rebalance the group's generation has moved on: the last snapshots commit under the new one, with
        // positions that may not have been taken yet (a close right after an assignment)
        metadata = consumer.groupMetadata();
        List<CompletableFuture<Void>> lastCycles = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Map<String, TargetConfig> targets = owned.get(tp.partition());
            if (targets != null) {
                positions.computeIfAbsent(tp.partition(), p -> consumer.position(tp));
                targets.keySet().forEach(id -> lastCycles.add(listener.stop(id)));
            }
        }
        if (!lastCycles.isEmpty()) {
            log.info("handing over {} target(s) of {} partition(s) of {}: their running cycles commit first", lastCycles.size(), partitions.size(),
                    Topics.TARGETS);
        }
        try {
            CompletableFuture.allOf(lastCycles.toArray(CompletableFuture[]::new)).get(HANDOVER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("{} of {} target(s) still in a cycle after {} s: their snapshots are dropped, the targets move now",
                    lastCycles.stream().filter(f -> !f.isDone()).count(), lastCycles.size(), HANDOVER_TIMEOUT.toSeconds());
        } catch (ExecutionException e) {
            // a failed last cycle was logged where it failed; the target moves all the same
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drop(partitions);
    }

    /** Removes the fences of {@code partitions} first (they are not ours: nothing more may be published), then stops their targets. */
    private void drop(Collection<TopicPartition> partitions) {
        List<String> dropped = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Map<String, TargetConfig> targets = owned.remove(tp.partition());
            positions.remove(tp.partition());
            if (targets != null) {
                targets.keySet().forEach(id -> {
                    partitionOf.remove(id);
                    dropped.add(id);
                });
            }
        }
        dropped.forEach(listener::stop); // a target already handed over is stopped already: nothing happens
    }

    private void dropAll() {
        drop(owned.keySet().stream().map(p -> new TopicPartition(Topics.TARGETS, p)).toList());
    }

    @Override
    public Fence fence(String targetId) {
        Integer partition = partitionOf.get(targetId);
        ConsumerGroupMetadata m = metadata;
        if (partition == null || m == null) {
            return null;
        }
        Long position = positions.get(partition);
        if (position == null) {
            return null;
        }
        return new Fence(m, Map.of(new TopicPartition(Topics.TARGETS, partition), new OffsetAndMetadata(position)));
    }

    /** Leaves the group after handing every target of this member over: their running cycles commit first (up to {@link #HANDOVER_TIMEOUT}). */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                owned.put(tp.partition(), new HashMap<>());
            }
            consumer.seekToBeginning(partitions);
            metadata = consumer.groupMetadata();
            if (!partitions.isEmpty()) {
                log.info("collecting the targets of {} partition(s) of {}: {}", partitions.size(), Topics.TARGETS,
                        partitions.stream().map(TopicPartition::partition).sorted().toList());
            }
            firstAssignment.countDown();
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            handOver(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("lost {} partition(s) of {} (out of the group): their targets stop here", partitions.size(), Topics.TARGETS);
            drop(partitions);
        }
    }
}
