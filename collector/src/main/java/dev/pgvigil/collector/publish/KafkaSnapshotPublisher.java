package dev.pgvigil.collector.publish;

import dev.pgvigil.collector.fleet.Fencing;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.kafka.KafkaDenied;
import dev.pgvigil.common.metrics.ServiceMeters;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes snapshots in Kafka transactions: a snapshot's chunks and its envelope become visible to
 * {@code read_committed} consumers together or not at all. Each transaction also commits the owning group
 * member's position on pgvigil.targets with the group's metadata ({@link Fencing}), so the group
 * coordinator refuses the snapshots of a collector that lost its targets (a zombie after a long pause).
 *
 * <p>The snapshots that arrive within {@link Batching#linger()} of each other share one transaction (group
 * commit): a transaction costs the broker the same handful of writes (transaction log, offsets, one marker per
 * partition) whatever it carries, so a fleet's snapshots one transaction each made the markers outnumber the
 * data. Snapshots stay atomic, each whole in one transaction. A batch Kafka refuses for one record's sake
 * (too large, invalid) is retried one snapshot per transaction, so one bad snapshot never costs the others.
 * One thread commits, on one transactional producer, in the order snapshots were handed over.
 */
public final class KafkaSnapshotPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaSnapshotPublisher.class);
    /** The collector's topics: the envelopes, one per stats kind, and the targets' status. */
    public static final List<String> TOPICS = topics();

    /**
     * How snapshots are grouped into transactions.
     *
     * @param max at most this many snapshots in one transaction
     * @param linger how long the first snapshot of a transaction waits for others to join it
     */
    public record Batching(int max, Duration linger) {
        /**
         * A quarter of a second: at 10 snapshots a second (100 targets every 10 s) about three share a
         * transaction, and a snapshot reaches the analyzer at most that much later. One committer commits at most
         * 256 per transaction, a thousand snapshots a second at a quarter of a second per commit.
         */
        public static final Batching DEFAULT = new Batching(256, Duration.ofMillis(250));
        /** One transaction per snapshot, as soon as it is handed over. */
        public static final Batching NONE = new Batching(1, Duration.ZERO);

        public Batching {
            if (max < 1 || linger.isNegative()) {
                throw new IllegalArgumentException("a batch holds at least one snapshot and lingers no less than 0: " + max + ", " + linger);
            }
        }
    }

    /** How long a batch the group coordinator refused waits for its member to see the group's newer generation. */
    private static final Duration REFENCE_WAIT = Duration.ofSeconds(3);

    /** Records waiting for a transaction: a snapshot's (fenced by its target's owner) or a status removal's (target null). */
    private record Pending(String what, String target, List<OutRecord> records, CompletableFuture<Void> done) {}

    /** A pending snapshot with the fence it commits under. */
    private record Fenced(Pending pending, Fencing.Fence fence) {}

    private final KafkaSettings kafka;
    private final Duration sendTimeout;
    private final Fencing fencing;
    private final Batching batching;
    private final String transactionalId;
    private final StatusRecords status;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread committer;
    private volatile boolean closing;
    /** Used by the committer thread alone, closed once it ended. */
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile ServiceMeters meters;

    /**
     * @param groupId the collectors' group: transactional ids are unique per process within it
     * @param status each snapshot's target status, written in the snapshot's transaction
     */
    public KafkaSnapshotPublisher(KafkaSettings kafka, Duration sendTimeout, Fencing fencing, String groupId, Batching batching,
                                  StatusRecords status) {
        this.kafka = kafka;
        this.status = status;
        this.sendTimeout = sendTimeout;
        this.fencing = fencing;
        this.batching = batching;
        this.transactionalId = "pgvigil-collector-" + groupId + "-" + UUID.randomUUID();
        this.producer = newProducer();
        this.committer = new Thread(this::commitLoop, "pgvigil-collector-commit");
        committer.setDaemon(true);
        committer.start();
    }

    /**
     * A producer under this publisher's one transactional id: a successor's {@code initTransactions} fences its
     * predecessor and aborts the transaction that one left open, so {@code read_committed} readers wait for it no
     * longer than that, not until the transaction timeout.
     */
    private KafkaProducer<String, byte[]> newProducer() {
        KafkaProducer<String, byte[]> p = new KafkaProducer<>(producerProperties(kafka, sendTimeout, transactionalId),
                new StringSerializer(), new ByteArraySerializer());
        p.initTransactions();
        if (meters != null) {
            meters.bindKafkaProducer(p);
        }
        return p;
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
     * Hands one snapshot over for publishing. The result completes once it committed, or exceptionally with a
     * {@link PublishException} saying why not (fenced, Kafka down), or with {@link KafkaDenied} when Kafka refused
     * an ACL (only an operator can fix that: the collector stops).
     */
    public CompletableFuture<Void> submit(Publication publication) {
        List<OutRecord> records = new ArrayList<>(publication.chunks());
        records.add(publication.envelope());
        records.add(status.of(publication.info())); // fenced with the snapshot: a zombie cannot claim the target either
        return enqueue(new Pending("snapshot", publication.envelope().key(), records, new CompletableFuture<>()));
    }

    /** {@link #submit} and wait: returns once the snapshot committed, throws with the reason when it did not. */
    public void publish(Publication publication) throws PublishException {
        await(submit(publication));
    }

    /**
     * Removes a target's status (a tombstone on pgvigil.targets.status) once it left the fleet; called after
     * its last cycle ended, so no status of that cycle can follow the tombstone. Waits until it committed.
     */
    public void forget(String targetId) throws PublishException {
        await(enqueue(new Pending("status removal of " + targetId, null, List.of(status.tombstone(targetId)), new CompletableFuture<>())));
    }

    private CompletableFuture<Void> enqueue(Pending pending) {
        if (closing) {
            pending.done().completeExceptionally(new PublishException("the collector is stopping: " + pending.what() + " not published", null));
        } else {
            queue.add(pending);
        }
        return pending.done();
    }

    private static void await(CompletableFuture<Void> done) throws PublishException {
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PublishException p) {
                throw p;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Takes what was handed over, lingers for more, commits; until closed and every snapshot handed over is done. */
    private void commitLoop() {
        List<Pending> batch = new ArrayList<>();
        try {
            while (true) {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + batching.linger().toNanos();
                while (batch.size() < batching.max()) {
                    Pending next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                try {
                    commit(batch);
                } catch (RuntimeException e) { // a bug, not Kafka's answer: these snapshots fail, the next ones are tried
                    log.error("cannot publish {} snapshot(s): {}", batch.size(), e.toString());
                    batch.forEach(p -> p.done().completeExceptionally(e));
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            batch.forEach(p -> p.done().completeExceptionally(new PublishException("the collector stopped before it was published", e)));
        }
    }

    /** One transaction per group metadata (nearly always one): a target no longer ours is dropped here, at commit time. */
    private void commit(List<Pending> batch) {
        List<Fenced> fenced = new ArrayList<>();
        for (Pending p : batch) {
            Fencing.Fence fence = p.target() == null ? Fencing.Fence.UNFENCED : fencing.fence(p.target());
            if (fence == null) {
                p.done().completeExceptionally(PublishException.moved(p.target()));
            } else {
                fenced.add(new Fenced(p, fence));
            }
        }
        byMember(fenced).forEach(together -> commitTogether(together, true));
    }

    /** @param mayRefence whether a refusal by the group coordinator may be retried under the group's newer metadata */
    private void commitTogether(List<Fenced> together, boolean mayRefence) {
        String what = together.size() == 1 ? together.get(0).pending().what() : together.size() + " snapshots";
        ConsumerGroupMetadata refused = together.get(0).fence().metadata();
        try {
            inTransaction(what, p -> {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (Fenced f : together) {
                    f.pending().records().forEach(r -> send(p, r));
                    offsets.putAll(f.fence().offsets());
                }
                ConsumerGroupMetadata member = together.get(0).fence().metadata();
                if (member != null) {
                    p.sendOffsetsToTransaction(offsets, member);
                }
            });
            together.forEach(f -> f.pending().done().complete(null));
        } catch (PublishException e) {
            if (together.size() > 1 && refusedForOneRecord(e)) {
                log.warn("Kafka refused a transaction of {} for one record's sake ({}): each is sent on its own", what, e.getMessage());
                together.forEach(f -> commitTogether(List.of(f), mayRefence));
            } else if (mayRefence && refused != null && refusedByGroup(e)) {
                for (List<Fenced> again : byMember(refence(together, refused, e))) {
                    log.info("the collectors' group rebalanced during a commit: {} snapshot(s) committed again under generation {}", again.size(),
                            again.get(0).fence().metadata().generationId());
                    commitTogether(again, false);
                }
            } else {
                together.forEach(f -> f.pending().done().completeExceptionally(e));
            }
        } catch (KafkaDenied e) {
            together.forEach(f -> f.pending().done().completeExceptionally(e));
        }
    }

    /**
     * A refused batch's snapshots under their owner's current fence, once the membership has seen the group's newer
     * generation (a rebalance bumps it for every member, including for targets that stay): the coordinator refused the
     * metadata, not the member. A target that moved away meanwhile is dropped; one without a later generation of the
     * same member after {@link #REFENCE_WAIT} (a member that left the group, a zombie) fails with the refusal.
     */
    private List<Fenced> refence(List<Fenced> together, ConsumerGroupMetadata refused, PublishException refusal) {
        List<Fenced> again = new ArrayList<>();
        List<Fenced> waiting = new ArrayList<>(together);
        long deadline = System.nanoTime() + REFENCE_WAIT.toNanos();
        while (true) {
            for (var it = waiting.iterator(); it.hasNext(); ) {
                Pending p = it.next().pending();
                Fencing.Fence fence = fencing.fence(p.target());
                if (fence == null) {
                    p.done().completeExceptionally(PublishException.moved(p.target()));
                    it.remove();
                } else if (fence.metadata() != null && laterGenerationOf(fence.metadata(), refused)) {
                    again.add(new Fenced(p, fence));
                    it.remove();
                }
            }
            if (waiting.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        waiting.forEach(f -> f.pending().done().completeExceptionally(refusal));
        return again;
    }

    /**
     * The same member, a later generation: it stayed in the group throughout. A member that was dropped and joined again
     * has a new id, and what it collected before may have been collected by another meanwhile.
     */
    private static boolean laterGenerationOf(ConsumerGroupMetadata current, ConsumerGroupMetadata refused) {
        return current.memberId().equals(refused.memberId()) && current.generationId() > refused.generationId();
    }

    /** One list per group metadata (nearly always one), in the order given: each becomes one transaction. */
    private static Collection<List<Fenced>> byMember(List<Fenced> fenced) {
        Map<Optional<ConsumerGroupMetadata>, List<Fenced>> byMember = new LinkedHashMap<>();
        fenced.forEach(f -> byMember.computeIfAbsent(Optional.ofNullable(f.fence().metadata()), m -> new ArrayList<>()).add(f));
        return byMember.values();
    }

    /** The group coordinator refused the transaction's offsets: the metadata was not the group's current one. */
    private static boolean refusedByGroup(Throwable e) {
        return causedBy(e, List.of(CommitFailedException.class));
    }

    /** Errors that belong to a record, not to Kafka or to this collector: the other records of the batch were fine. */
    private static boolean refusedForOneRecord(Throwable e) {
        return causedBy(e, List.of(RecordTooLargeException.class, RecordBatchTooLargeException.class, InvalidRecordException.class,
                CorruptRecordException.class));
    }

    /** Whether {@code e} or any of its causes is one of {@code kinds}. */
    private static boolean causedBy(Throwable e, List<Class<? extends Throwable>> kinds) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Throwable cause = t;
            if (kinds.stream().anyMatch(k -> k.isInstance(cause))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code sends} as one transaction; a producer left unusable is replaced. */
    private void inTransaction(String what, java.util.function.Consumer<KafkaProducer<String, byte[]>> sends) throws PublishException {
        KafkaProducer<String, byte[]> p = producer;
        boolean usable = true;
        try {
            p.beginTransaction();
            sends.accept(p);
            p.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException
                 | InvalidProducerEpochException e) {
            usable = false; // this producer can do nothing more: a new one takes its place
            throwIfDenied(e);
            throw new PublishException(what + " not committed, producer unusable: " + reason(e), e);
        } catch (IllegalStateException e) {
            // closed: an earlier replacement could not create its successor (Kafka unreachable then); try again now
            usable = false;
            throw new PublishException(what + " not published: " + e.getMessage(), e);
        } catch (KafkaException e) {
            usable = abort(p);
            throwIfDenied(e); // a send refused on one topic (no WRITE): the commit fails with it as the cause
            throw new PublishException((e instanceof CommitFailedException || e.getCause() instanceof CommitFailedException
                    ? "fenced: this collector is no longer the target's owner in the group; " : "Kafka did not take the " + what + ": ")
                    + reason(e), e);
        } finally {
            if (!usable) {
                replace(p);
            }
        }
    }

    /** The exception's message, and its cause's when it has one: "in an error state" alone does not say which. */
    private static String reason(KafkaException e) {
        Throwable cause = e.getCause();
        return cause == null || cause == e ? e.getMessage() : e.getMessage() + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
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

    private boolean abort(KafkaProducer<String, byte[]> p) {
        try {
            p.abortTransaction();
            return true;
        } catch (KafkaException | IllegalStateException e) {
            // IllegalStateException: the commit timed out (a broker lost mid-commit), and the producer would only take
            // that same commit again; a successor with the same transactional id aborts it on the broker at once
            log.warn("cannot abort a snapshot's transaction ({}): a new producer takes over", e.getMessage());
            return false;
        }
    }

    private void replace(KafkaProducer<String, byte[]> unusable) {
        unusable.close(Duration.ZERO);
        try {
            producer = newProducer();
        } catch (KafkaException e) {
            throwIfDenied(e); // its transactional id is no longer granted
            log.error("cannot replace the snapshot producer: {}", e.getMessage()); // the closed one fails next time, and is replaced then
        }
    }

    /** The producer's own metrics (record send rate, errors, latency) join the service's /metrics. */
    public void bindMetrics(ServiceMeters meters) {
        this.meters = meters;
        meters.bindKafkaProducer(producer);
    }

    /** Commits what was handed over before (waiting up to the send timeout for it), then closes the producer. */
    @Override
    public void close() {
        closing = true;
        try {
            committer.join(sendTimeout.toMillis() + batching.linger().toMillis() + 1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        committer.interrupt();
        for (Pending p = queue.poll(); p != null; p = queue.poll()) {
            p.done().completeExceptionally(new PublishException("the collector stopped before it was published", null));
        }
        producer.close(Duration.ofSeconds(10));
    }

    private static List<String> topics() {
        List<String> topics = new ArrayList<>(Topics.STATS);
        topics.add(Topics.SNAPSHOTS);
        topics.add(Topics.TARGETS_STATUS);
        return List.copyOf(topics);
    }

    /** A snapshot that did not reach Kafka (or was refused: fenced), or was dropped because its target moved. */
    public static final class PublishException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean targetMoved;

        PublishException(String message, Throwable cause) {
            this(message, cause, false);
        }

        private PublishException(String message, Throwable cause, boolean targetMoved) {
            super(message, cause);
            this.targetMoved = targetMoved;
        }

        static PublishException moved(String target) {
            return new PublishException("target " + target + " is no longer this collector's (moved to another): snapshot dropped", null, true);
        }

        /** The group gave the target to another collector before its snapshot was committed: a rebalance, not a failure. */
        public boolean targetMoved() {
            return targetMoved;
        }
    }
}
