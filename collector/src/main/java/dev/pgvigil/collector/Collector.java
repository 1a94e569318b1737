package dev.pgvigil.collector;

import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.publish.KafkaSnapshotPublisher;
import dev.pgvigil.collector.publish.StatusRecords;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.kafka.KafkaDenied;
import java.time.Duration;
import java.time.Instant;
import dev.pgvigil.collector.fleet.Fencing;
import dev.pgvigil.collector.fleet.FleetMembership;
import dev.pgvigil.collector.fleet.LastCycles;
import dev.pgvigil.collector.fleet.TargetRecords;
import dev.pgvigil.collector.fleet.TargetsPlan;
import dev.pgvigil.collector.fleet.TargetsApi;
import dev.pgvigil.collector.fleet.TargetsTopic;
import dev.pgvigil.schema.kafka.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import dev.pgvigil.common.http.HealthChecks;
import dev.pgvigil.common.http.HttpApiServer;
import dev.pgvigil.common.http.Router;
import dev.pgvigil.common.http.ServiceEndpoints;
import dev.pgvigil.common.metrics.ServiceMeters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector service: one member of the collectors' consumer group on pgvigil.targets
 * ({@link FleetMembership}), collecting the targets of the partitions it is assigned, each on its own
 * interval; targets start and stop as the topic and the group change, with no restart. At start the
 * YAML file's {@code collector.targets} are added to the topic, so a file-configured collector works as before.
 * Every target on its own interval, concurrently on a bounded pool of
 * {@code threads} workers. A ticker only hands cycles to the pool, so a slow target never delays
 * another's tick; a target whose previous cycle is still queued or running when its next is due skips
 * that tick and counts an overrun, and so does a cycle that would begin less than half an interval after the
 * previous one began ({@link TargetRunner#runCycle}). A target's first cycle comes at once; once it begins, the next
 * ones are set at the target's own place in the interval ({@link CyclePhase}), so a fleet's cycles do not all come
 * due in the same second, and a first cycle that waited on the pool is not followed by ticks that found it still
 * waiting. First cycles wait for the cycles of targets already collected ({@link WorkOrder}).
 *
 * <pre>
 * try (Collector c = new Collector(config, kafka)) { c.start(); ... }
 * </pre>
 */
public final class Collector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Collector.class);

    private final CollectorConfig config;
    private final KafkaSettings kafka;
    private final CollectorStats stats = new CollectorStats();
    private final Map<String, Scheduled> running = new ConcurrentHashMap<>();
    private final SharedClusterStatements sharedStatements = new SharedClusterStatements();
    /** Kafka refused a login or an ACL: retrying cannot help, so whoever runs the collector closes it. */
    private final CompletableFuture<KafkaDenied> denied = new CompletableFuture<>();
    private FleetMembership membership;
    private LastCycles lastCycles;
    private CollectorMeters targetMeters;
    private KafkaSnapshotPublisher publisher;
    private ScheduledExecutorService ticker;
    private ThreadPoolExecutor workers;
    private final WorkOrder workOrder = new WorkOrder();
    private ExecutorService encoders;
    private ServiceMeters meters;
    private HttpApiServer http;

    public Collector(CollectorConfig config, KafkaSettings kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    /** Creates missing topics, then starts collecting. Throws if Kafka cannot be reached. */
    public synchronized void start() {
        if (ticker != null) {
            throw new IllegalStateException("already started");
        }
        KafkaSnapshotPublisher.ensureTopics(kafka);
        TargetsTopic topic = new TargetsTopic(kafka);
        List<TargetConfig> pinned = config.targets().stream().filter(TargetRecords::holdsSecret).toList();
        TargetsPlan fromFile = topic.applyAdditive(config.targets().stream().filter(t -> !TargetRecords.holdsSecret(t)).toList());
        if (!fromFile.isEmpty()) {
            log.info("put the config file's targets on {}: {}", Topics.TARGETS, fromFile.lines().get(fromFile.lines().size() - 1));
        }
        lastCycles = new LastCycles(topic);
        Listener listener = new Listener();
        membership = new FleetMembership(kafka, config.groupId(), listener);
        Set<String> pinnedIds = pinned.stream().map(TargetConfig::id).collect(java.util.stream.Collectors.toSet());
        // a pinned target is this collector's alone: its snapshots are transactions too, just not bound to the group
        publisher = new KafkaSnapshotPublisher(kafka, sendTimeout(),
                id -> pinnedIds.contains(id) ? Fencing.Fence.UNFENCED : membership.fence(id), config.groupId(),
                KafkaSnapshotPublisher.Batching.DEFAULT, new StatusRecords(membership.name()));
        workers = new ThreadPoolExecutor(config.threads(), config.threads(), 60, TimeUnit.SECONDS, WorkOrder.queue(),
                named("pgvigil-collector-"));
        ticker = Executors.newSingleThreadScheduledExecutor(named("pgvigil-collector-ticker-"));
        // chunking and encoding, overlapped with the targets' queries: CPU work, so no more threads than cores
        encoders = Executors.newFixedThreadPool(Math.max(1, Math.min(config.threads(), Runtime.getRuntime().availableProcessors())),
                named("pgvigil-collector-encode-"));
        startEndpoints();
        for (TargetConfig t : pinned) {
            log.warn("{} holds a password in the config file, which never goes on {}: only this collector collects it (no "
                    + "failover); name the password with passwordEnv or passwordFile to share it with the group", t, Topics.TARGETS);
            listener.start(t);
        }
        membership.start();
        log.info("collector started in group {}: {} threads{}", config.groupId(), config.threads(),
                http == null ? "" : ", /health, /metrics and /api/targets on " + http.baseUri());
    }

    /**
     * /health (the scheduler runs), /metrics (per-target cycles, failures, overruns, producer metrics) and
     * /api/targets (the fleet: list, add and remove, the last two with the token).
     */
    private void startEndpoints() {
        meters = new ServiceMeters("collector");
        targetMeters = new CollectorMeters(stats, meters.registry());
        publisher.bindMetrics(meters);
        if (!config.httpEnabled()) {
            return;
        }
        HealthChecks health = new HealthChecks().register("scheduler", () -> ticker.isShutdown()
                ? HealthChecks.Check.down("stopped")
                : HealthChecks.Check.up(running.size() + " targets scheduled"));
        try {
            Router routes = new TargetsApi(new TargetsTopic(kafka)).addTo(ServiceEndpoints.addTo(new Router(), health, meters.registry()));
            http = HttpApiServer.start(config.http(), routes,
                    config.http().token(), meters.registry());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve /health, /metrics and /api/targets on " + config.http().bindAddress() + ":" + config.http().port(), e);
        }
    }

    /** Where /health and /metrics are served, when they are. */
    public Optional<URI> endpoint() {
        return Optional.ofNullable(http).map(HttpApiServer::baseUri);
    }

    /** Kafka gets at most one interval to take a snapshot (and no less than 10 s). */
    private Duration sendTimeout() {
        int shortest = config.targets().stream().mapToInt(t -> t.intervalSeconds(config.intervalSeconds())).min().orElse(config.intervalSeconds());
        return Duration.ofSeconds(Math.max(10, shortest));
    }

    /** This collector's name in its group (its client id): the owner {@code pgvigil targets list} shows. Null before start. */
    public String name() {
        return membership == null ? null : membership.name();
    }

    /** The targets this collector collects now (its share of the fleet). */
    public Set<String> targets() {
        return new TreeSet<>(running.keySet());
    }

    /** Waits until the group first gave this collector its share; false on timeout. */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return membership.awaitAssignment(timeout);
    }

    /**
     * Completed (once, with the first refusal) when Kafka refused a login or an ACL after start: the collector
     * can publish nothing any more, and logs nothing more about it; close it then.
     */
    public CompletableFuture<KafkaDenied> denied() {
        return denied.copy();
    }

    /** A target being collected: its runner, its interval, its first cycle and, once that began, its periodic ticks. */
    private static final class Scheduled {
        final TargetRunner runner;
        final long intervalMs;
        private ScheduledFuture<?> first;
        private ScheduledFuture<?> ticks;
        private boolean cancelled;

        Scheduled(TargetRunner runner, long intervalMs) {
            this.runner = runner;
            this.intervalMs = intervalMs;
        }

        synchronized void first(ScheduledFuture<?> first) {
            this.first = first;
        }

        /** Sets the periodic ticks, unless the target left meanwhile or the collector is closing. */
        synchronized void ticks(Supplier<ScheduledFuture<?>> schedule) {
            if (!cancelled && ticks == null) {
                try {
                    ticks = schedule.get();
                } catch (RejectedExecutionException e) {
                    cancelled = true;
                }
            }
        }

        synchronized void cancel() {
            cancelled = true;
            if (first != null) {
                first.cancel(false);
            }
            if (ticks != null) {
                ticks.cancel(false);
            }
        }
    }

    /** What the group gives and takes; called on the membership thread. */
    private final class Listener implements FleetMembership.Listener {
        @Override
        public void start(TargetConfig target) {
            synchronized (Collector.this) {
                if (ticker == null || ticker.isShutdown()) {
                    return;
                }
                stop(target.id());
                TargetRunner runner = new TargetRunner(target, config, encoders, sharedStatements.acquire(target));
                long intervalMs = target.intervalSeconds(config.intervalSeconds()) * 1000L;
                // a target that moved here resumes, with a full snapshot, one interval after its last cycle on its
                // previous owner
                long firstMs = lastCycles.firstCycleIn(target.id(), Duration.ofMillis(intervalMs), Instant.now())
                        .map(Duration::toMillis).orElseGet(() -> CyclePhase.firstIn(target.id(), intervalMs));
                targetMeters.bind(target.id());
                Scheduled scheduled = new Scheduled(runner, intervalMs);
                scheduled.first(ticker.schedule(() -> tick(scheduled, true), firstMs, TimeUnit.MILLISECONDS));
                running.put(target.id(), scheduled);
                log.info("collecting {} every {} s", target, target.intervalSeconds(config.intervalSeconds()));
            }
        }

        @Override
        public CompletableFuture<Void> stop(String targetId) {
            CompletableFuture<Void> lastCycleOver = new CompletableFuture<>();
            if (!stop(targetId, () -> lastCycleOver.complete(null))) {
                lastCycleOver.complete(null);
            }
            return lastCycleOver;
        }

        @Override
        public void removed(String targetId) {
            // its status goes too, once its last cycle (which may still publish one) is over
            stop(targetId, () -> forget(targetId));
        }

        @Override
        public void denied(KafkaDenied refusal) {
            denied.complete(refusal);
        }

        /** @return false when the target was not being collected (and {@code afterLastCycle} does not run) */
        private boolean stop(String targetId, Runnable afterLastCycle) {
            Scheduled s = running.remove(targetId);
            if (s == null) {
                return false;
            }
            s.cancel();
            s.runner.retire(() -> {
                sharedStatements.release(s.runner.target());
                afterLastCycle.run();
            });
            log.info("stopped collecting {}", targetId);
            return true;
        }
    }

    /** Removes a target's status from pgvigil.targets.status, on a worker (the membership thread must not wait for Kafka). */
    private void forget(String targetId) {
        try {
            workers.execute(workOrder.steady(() -> {
                try {
                    publisher.forget(targetId);
                } catch (KafkaSnapshotPublisher.PublishException e) {
                    log.warn("{}: its status stays on {} until a collector removes it: {}", targetId, Topics.TARGETS_STATUS, e.getMessage());
                } catch (KafkaDenied e) {
                    denied.complete(e);
                }
            }));
        } catch (RuntimeException e) { // rejected while shutting down
            log.debug("{}: status not removed, shutting down", targetId);
        }
    }

    private void tick(Scheduled scheduled, boolean first) {
        TargetRunner runner = scheduled.runner;
        String id = runner.target().id();
        if (!runner.busy.compareAndSet(false, true)) {
            runner.overrun(stats, "previous cycle still running");
            return;
        }
        try {
            // the worker is free once the snapshot is handed over; the target's cycle ends when Kafka answered
            Runnable cycle = () -> {
                if (first) {
                    long periodicMs = CyclePhase.periodicStartIn(id, scheduled.intervalMs, System.currentTimeMillis());
                    scheduled.ticks(() -> ticker.scheduleAtFixedRate(() -> tick(scheduled, false),
                            periodicMs, scheduled.intervalMs, TimeUnit.MILLISECONDS));
                }
                CompletableFuture<Void> published;
                try {
                    published = runner.runCycle(publisher, stats);
                } catch (RuntimeException e) {
                    published = CompletableFuture.failedFuture(e);
                }
                published.whenComplete((ok, failure) -> {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                    if (cause instanceof KafkaDenied e) {
                        denied.complete(e);
                    } else if (cause != null) {
                        log.error("{}: cycle failed unexpectedly: {}", id, cause.toString());
                    }
                    runner.busy.set(false);
                    runner.closeIfRetired();
                });
            };
            workers.execute(first ? workOrder.first(cycle) : workOrder.steady(cycle));
        } catch (RuntimeException e) { // rejected while shutting down
            runner.busy.set(false);
        }
    }

    public CollectorStats stats() {
        return stats;
    }

    /** Stops ticking, lets running cycles finish (up to 15 s), closes connections and the producer. */
    @Override
    public synchronized void close() {
        if (ticker == null) {
            return;
        }
        membership.close(); // leaves the group: this collector's targets move to the others now
        ticker.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(15, TimeUnit.SECONDS)) {
                workers.shutdownNow();
                workers.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        encoders.shutdown(); // the cycles that used it are over
        running.values().forEach(s -> s.runner.close());
        running.clear();
        if (http != null) {
            http.close();
        }
        publisher.close();
        meters.close();
        log.info("collector stopped");
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
