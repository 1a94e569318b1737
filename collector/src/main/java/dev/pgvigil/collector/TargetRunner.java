package dev.pgvigil.collector;

import dev.pgvigil.catalogue.read.DatabaseScope;
import dev.pgvigil.catalogue.TargetConnection;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.publish.ChangeTracker;
import dev.pgvigil.collector.publish.KafkaSnapshotPublisher;
import dev.pgvigil.collector.publish.Publication;
import dev.pgvigil.collector.publish.SnapshotRecords;
import dev.pgvigil.common.kafka.KafkaDenied;
import dev.pgvigil.catalogue.read.ActivityReader;
import dev.pgvigil.catalogue.read.ServerInfo;
import dev.pgvigil.catalogue.read.Snapshot;
import dev.pgvigil.catalogue.read.ClusterStatements;
import dev.pgvigil.catalogue.read.SnapshotReader;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One target's collection cycle: read a snapshot over the target's connection, pick what to send
 * (full every fullSnapshotEvery cycles, after a restart and after a failed publish; only moved entities
 * otherwise), build the records. A cycle never throws: whatever goes wrong becomes a FAILED or PARTIAL
 * snapshot with its reason, free of secrets.
 */
public final class TargetRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TargetRunner.class);

    private final TargetConfig target;
    private final CollectorConfig config;
    private final TargetConnection connection;
    private final SnapshotReader reader;
    private final SnapshotRecords records;
    private final ChangeTracker tracker = new ChangeTracker();
    private final ExecutorService encoder;
    private final boolean ownEncoder;
    /** Warnings already logged, so a lasting condition is logged once, not every cycle. */
    private final Set<String> loggedWarnings = new HashSet<>();
    /** Set while a cycle is queued or running; a tick that finds it set is an overrun. */
    final AtomicBoolean busy = new AtomicBoolean();
    /** Cycles skipped since the last one that ran: a collector behind its fleet would log one line a target a tick. */
    private final AtomicInteger overrunsInARow = new AtomicInteger();
    /** Set when the target left this collector; the runner closes once no cycle runs. */
    private volatile boolean retired;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Runnable afterClose = () -> {};
    private long cycle;
    /** When the last cycle that ran began (System.nanoTime), or null before the first. */
    private Long lastStartNanos;
    private Instant lastPostmasterStart;
    private boolean lastFailed;

    /** A runner of its own, building records on a thread of its own (closed with it). */
    public TargetRunner(TargetConfig target, CollectorConfig config) {
        this(target, config, null);
    }

    /**
     * @param encoder where this target's records are built while its next query runs (see
     *     {@link SnapshotRecords}); shared by the targets of a collector. Null for a thread of this runner's own.
     */
    public TargetRunner(TargetConfig target, CollectorConfig config, ExecutorService encoder) {
        this(target, config, encoder, null);
    }

    /**
     * @param encoder as above
     * @param cluster what this target shares of pg_stat_statements with the collector's other targets on the same server, or null
     */
    TargetRunner(TargetConfig target, CollectorConfig config, ExecutorService encoder, ClusterStatements cluster) {
        this.ownEncoder = encoder == null;
        this.encoder = encoder != null ? encoder : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pgvigil-collector-encode-" + target.id());
            t.setDaemon(true);
            return t;
        });
        this.target = target;
        this.config = config;
        this.connection = new TargetConnection(target, config.connectionLimits(), true);
        // index definitions read afresh as often as full snapshots are sent: a safety net under their signatures
        this.reader = new SnapshotReader(new SnapshotReader.Options(config.queryTextMaxLength(),
                new ActivityReader.Options(config.maxSessions(), config.sessionMinAgeSeconds(), config.queryTextMaxLength()),
                config.fullSnapshotEvery(), Duration.ofSeconds(config.sizeRefreshSeconds())), target.databaseScope(), cluster);
        this.records = new SnapshotRecords(config.chunkMaxBytes());
    }

    public TargetConfig target() {
        return target;
    }

    /** Reads one snapshot and builds its records; the records of a failed read are a FAILED envelope. */
    public Publication collect() {
        long start = System.nanoTime();
        SnapshotRef ref = new SnapshotRef(target.id(), UUID.randomUUID().toString(), Instant.now());
        ServerInfo server;
        SnapshotRecords.Pending pending = null;
        Snapshot snapshot;
        boolean full;
        try {
            Connection c = connection.get();
            server = reader.server(c);
            boolean restarted = lastPostmasterStart != null && !lastPostmasterStart.equals(server.postmasterStartTime());
            full = !tracker.primed() || cycle % config.fullSnapshotEvery() == 0 || restarted;
            pending = records.begin(ref, tracker, full, encoder);
            snapshot = reader.read(c, ref, server, pending);
        } catch (TargetConnection.NotConnectedException e) {
            return failed(ref, e.getMessage(), start);
        } catch (SQLException | RuntimeException e) {
            if (pending != null) {
                pending.abandon();
            }
            String error = connection.redact("cannot read " + target.parsedUrl().redacted() + ": " + SnapshotReader.firstLine(e.getMessage()));
            connection.invalidate(error);
            return failed(ref, error, start);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (lastFailed) {
            log.info("{}: collecting again", target.id());
            lastFailed = false;
        }
        logNewWarnings(snapshot);
        lastPostmasterStart = server.postmasterStartTime();
        cycle++;
        return pending.finish(snapshot, target.labels(), elapsed);
    }

    /**
     * collect(), then hand the snapshot to the publisher; unless the previous cycle began less than half an interval
     * ago, when this one is skipped as an overrun. The result completes once Kafka took it or refused it; the
     * tracker moves on only when Kafka took it. It completes exceptionally only with {@link KafkaDenied}.
     */
    public CompletableFuture<Void> runCycle(KafkaSnapshotPublisher publisher, CollectorStats stats) {
        long now = System.nanoTime();
        long sincePrevious = lastStartNanos == null ? Long.MAX_VALUE : now - lastStartNanos;
        long interval = Duration.ofSeconds(target.intervalSeconds(config.intervalSeconds())).toNanos();
        if (sincePrevious < interval / 2) {
            // the previous cycle began late (queued behind others on the pool), and this one is on time: two
            // snapshots in one interval would be a double; the next tick is at least half an interval after it
            overrun(stats, "this cycle would begin " + Duration.ofNanos(sincePrevious).toMillis()
                    + " ms after the previous one, which began late");
            return CompletableFuture.completedFuture(null);
        }
        int skipped = overrunsInARow.getAndSet(0);
        if (skipped > 0) {
            log.info("{}: caught up after {} skipped cycle{}", target.id(), skipped, skipped == 1 ? "" : "s");
        }
        lastStartNanos = now;
        Publication publication = collect();
        SnapshotInfo info = publication.info();
        return publisher.submit(publication).handle((published, failure) -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause == null) {
                tracker.commit();
            } else {
                tracker.reset();
                if (cause instanceof KafkaDenied denied) {
                    throw denied;
                }
                if (cause instanceof KafkaSnapshotPublisher.PublishException p && p.targetMoved()) {
                    log.info("{}: snapshot dropped, the target moved to another collector (its new owner starts with a full one)", target.id());
                } else {
                    stats.publishFailure(target.id());
                    log.error("{}: snapshot not published: {}", target.id(), cause.getMessage());
                }
            }
            stats.cycle(target.id(), info.getStatus().name(), info.getDurationMs(), info.getRef().getCollectedAt());
            return null;
        });
    }

    /**
     * Counts a skipped cycle; the first of a run of them is logged as a warning, the rest only at debug, and the
     * next cycle that runs says how many there were.
     */
    void overrun(CollectorStats stats, String why) {
        stats.overrun(target.id());
        if (overrunsInARow.getAndIncrement() == 0) {
            log.warn("{}: {}; skipped (overrun {}; the next ones until it catches up are counted, not logged)", target.id(), why,
                    stats.get(target.id()).overruns());
        } else {
            log.debug("{}: {}; skipped", target.id(), why);
        }
    }

    private Publication failed(SnapshotRef ref, String error, long startNanos) {
        if (!lastFailed) {
            log.warn("{}: {}", target.id(), error);
            lastFailed = true;
        } else {
            log.debug("{}: {}", target.id(), error);
        }
        tracker.reset(); // whatever comes back may have restarted: send it whole
        return SnapshotRecords.failed(ref, target.labels(), error, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private void logNewWarnings(Snapshot snapshot) {
        Set<String> current = new HashSet<>(snapshot.warnings());
        for (String warning : snapshot.warnings()) {
            if (!loggedWarnings.contains(warning)) {
                log.warn("{}: {}", target.id(), connection.redact(warning));
            }
        }
        loggedWarnings.retainAll(current);
        loggedWarnings.addAll(current);
    }

    /**
     * This target is no longer ours: close now if idle, else when the running cycle ends ({@link #closeIfRetired});
     * then run {@code afterLastCycle}.
     */
    void retire(Runnable afterLastCycle) {
        this.afterClose = afterLastCycle;
        retired = true;
        if (busy.compareAndSet(false, true)) {
            close();
        }
    }

    void closeIfRetired() {
        if (retired) {
            close();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        connection.close();
        if (ownEncoder) {
            encoder.shutdown();
        }
        afterClose.run();
    }
}
