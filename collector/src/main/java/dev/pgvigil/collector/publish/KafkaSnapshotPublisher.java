package dev.pgvigil.collector.publish;

import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.kafka.KafkaDenied;
import dev.pgvigil.schema.kafka.Topics;
import dev.pgvigil.schema.kafka.TopicSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.pgvigil.collector.fleet.Fencing;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.kafka.clients.admin.Admin;
import dev.pgvigil.common.metrics.ServiceMeters;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes snapshots, each one Kafka transaction: its chunks and its envelope become visible to
 * {@code read_committed} consumers together or not at all. The transaction also commits the owning group
 * member's position on pgvigil.targets with the group's metadata ({@link Fencing}), so the group
 * coordinator refuses the snapshot of a collector that lost the target (a zombie after a long pause).
 * A transactional producer runs one transaction at a time, so a small pool serves the collector's workers.
 */
public final class KafkaSnapshotPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaSnapshotPublisher.class);
    /** The collector's topics: the envelopes, one per stats kind, and the targets' status. */
    public static final List<String> TOPICS = topics();

    private final KafkaSettings kafka;
    private final Duration sendTimeout;
    private final Fencing fencing;
    private final String transactionalIdPrefix;
    private final StatusRecords status;
    private final BlockingQueue<KafkaProducer<String, byte[]>> idle;
    private final List<KafkaProducer<String, byte[]>> all = new CopyOnWriteArrayList<>();
    private final AtomicInteger created = new AtomicInteger();
    private ServiceMeters meters;

    /**
     * @param producers how many snapshots may be in flight at once (one transactional producer each)
     * @param groupId the collectors' group: transactional ids are unique per process within it
     * @param status each snapshot's target status, written in the snapshot's transaction
     */
    public KafkaSnapshotPublisher(KafkaSettings kafka, Duration sendTimeout, Fencing fencing, String groupId, int producers,
                                  StatusRecords status) {
        this.kafka = kafka;
        this.status = status;
        this.sendTimeout = sendTimeout;
        this.fencing = fencing;
        this.transactionalIdPrefix = "pgvigil-collector-" + groupId + "-" + UUID.randomUUID() + "-";
        this.idle = new ArrayBlockingQueue<>(producers);
        for (int i = 0; i < producers; i++) {
            idle.add(newProducer());
        }
    }

    private KafkaProducer<String, byte[]> newProducer() {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                producerProperties(kafka, sendTimeout, transactionalIdPrefix + created.incrementAndGet()),
                new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
        all.add(producer);
        if (meters != null) {
            meters.bindKafkaProducer(producer);
        }
        return producer;
    }

    /**
     * Our settings are defaults a pass-through property may override (say zstd instead of lz4), except
     * the ones correctness rests on: idempotence, acks=all and the transactional id.
     */
    static Map<String, Object> producerProperties(KafkaSettings kafka, Duration sendTimeout, String transactionalId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        int timeoutMs = Math.toIntExact(sendTimeout.toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, timeoutMs / 2));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs + 10);
        // a collector killed mid-snapshot leaves its transaction open: the broker aborts it after this,
        // and read_committed consumers of the stats topics wait for it until then
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeoutMs + 5_000);
        props.putAll(kafka.clientProperties());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return props;
    }

    /** Creates whichever collector topics are missing. */
    public static void ensureTopics(KafkaSettings kafka) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            TopicSetup.ensure(admin, TopicSetup.all().stream().filter(s -> TOPICS.contains(s.name())).toList(),
                    kafka.topicPartitions(), kafka.topicReplicationFactor(), kafka.topicMinInsyncReplicas());
        }
    }

    /**
     * Publishes one snapshot as one transaction; throws with the reason (fenced, Kafka down) when it did not commit,
     * or {@link KafkaDenied} when Kafka refused an ACL (only an operator can fix that: the collector stops).
     */
    public void publish(Publication publication) throws PublishException {
        String target = publication.envelope().key();
        Fencing.Fence fence = fencing.fence(target);
        if (fence == null) {
            throw new PublishException("target " + target + " is no longer this collector's (moved to another): snapshot dropped", null);
        }
        inTransaction("snapshot", producer -> {
            for (OutRecord r : publication.chunks()) {
                send(producer, r);
            }
            send(producer, publication.envelope());
            send(producer, status.of(publication.info())); // fenced with the snapshot: a zombie cannot claim the target either
            if (fence.metadata() != null) {
                producer.sendOffsetsToTransaction(fence.offsets(), fence.metadata());
            }
        });
    }

    /**
     * Removes a target's status (a tombstone on pgvigil.targets.status) once it left the fleet; called after
     * its last cycle ended, so no status of that cycle can follow the tombstone.
     */
    public void forget(String targetId) throws PublishException {
        inTransaction("status removal of " + targetId, producer -> send(producer, status.tombstone(targetId)));
    }

    /** Runs {@code sends} as one transaction on a pooled producer; a producer left unusable is replaced. */
    private void inTransaction(String what, java.util.function.Consumer<KafkaProducer<String, byte[]>> sends) throws PublishException {
        KafkaProducer<String, byte[]> producer = borrow();
        boolean usable = true;
        try {
            producer.beginTransaction();
            sends.accept(producer);
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException
                 | InvalidProducerEpochException e) {
            usable = false; // this producer can do nothing more: a new one takes its place
            throwIfDenied(e);
            throw new PublishException(what + " not committed, producer unusable: " + e.getMessage(), e);
        } catch (KafkaException e) {
            usable = abort(producer);
            throwIfDenied(e); // a send refused on one topic (no WRITE): the commit fails with it as the cause
            throw new PublishException((e instanceof CommitFailedException || e.getCause() instanceof CommitFailedException
                    ? "fenced: this collector is no longer the target's owner in the group; " : "Kafka did not take the " + what + ": ")
                    + e.getMessage(), e);
        } finally {
            giveBack(producer, usable);
        }
    }

    /** A refused ACL is not a publish failure to log and retry next cycle: nothing but an operator can fix it. */
    private void throwIfDenied(KafkaException e) {
        KafkaDenied.in(e, kafka).ifPresent(denied -> {
            throw denied;
        });
    }

    private static void send(KafkaProducer<String, byte[]> producer, OutRecord r) {
        producer.send(new ProducerRecord<>(r.topic(), null, r.timestamp().toEpochMilli(), r.key(), r.bytes()));
    }

    private boolean abort(KafkaProducer<String, byte[]> producer) {
        try {
            producer.abortTransaction();
            return true;
        } catch (KafkaException e) {
            log.warn("cannot abort a snapshot's transaction ({}): a new producer takes over", e.getMessage());
            return false;
        }
    }

    private KafkaProducer<String, byte[]> borrow() throws PublishException {
        try {
            KafkaProducer<String, byte[]> p = idle.poll(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (p == null) {
                throw new PublishException("no producer free within " + sendTimeout.toSeconds() + " s", null);
            }
            return p;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing", e);
        }
    }

    private void giveBack(KafkaProducer<String, byte[]> producer, boolean usable) {
        if (usable) {
            idle.add(producer);
            return;
        }
        all.remove(producer);
        producer.close(Duration.ZERO);
        try {
            idle.add(newProducer());
        } catch (KafkaException e) {
            idle.add(producer); // closed: its next use fails and tries again
            throwIfDenied(e); // its transactional id is no longer granted
            log.error("cannot replace a snapshot producer: {}", e.getMessage());
        }
    }

    /** The producer's own metrics (record send rate, errors, latency) join the service's /metrics. */
    public void bindMetrics(ServiceMeters meters) {
        this.meters = meters;
        all.forEach(meters::bindKafkaProducer);
    }

    @Override
    public void close() {
        all.forEach(p -> p.close(Duration.ofSeconds(10)));
    }

    private static List<String> topics() {
        List<String> topics = new ArrayList<>(Topics.STATS);
        topics.add(Topics.SNAPSHOTS);
        topics.add(Topics.TARGETS_STATUS);
        return List.copyOf(topics);
    }

    /** A snapshot that did not reach Kafka (or was refused: fenced). */
    public static final class PublishException extends Exception {
        private static final long serialVersionUID = 1L;

        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
