package dev.pgvigil.collector;

import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.publish.KafkaSnapshotPublisher;
import dev.pgvigil.common.config.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The collector service: every target on its own interval, concurrently on a bounded pool of
 * {@code threads} workers. A ticker only hands cycles to the pool, so a slow target never delays
 * another's tick; a target whose previous cycle is still queued or running when its next is due skips
 * that tick and counts an overrun. Targets start spread over their interval, not all at once.
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
    private final List<TargetRunner> runners = new ArrayList<>();
    private KafkaSnapshotPublisher publisher;
    private ScheduledExecutorService ticker;
    private ThreadPoolExecutor workers;
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
        publisher = new KafkaSnapshotPublisher(kafka, sendTimeout());
        workers = new ThreadPoolExecutor(config.threads(), config.threads(), 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                named("pgvigil-collector-"));
        ticker = Executors.newSingleThreadScheduledExecutor(named("pgvigil-collector-ticker-"));
        // chunking and encoding, overlapped with the targets' queries: CPU work, so no more threads than cores
        encoders = Executors.newFixedThreadPool(Math.max(1, Math.min(config.threads(), Runtime.getRuntime().availableProcessors())),
                named("pgvigil-collector-encode-"));
        List<TargetConfig> targets = config.targets();
        for (int i = 0; i < targets.size(); i++) {
            TargetConfig target = targets.get(i);
            TargetRunner runner = new TargetRunner(target, config, encoders);
            runners.add(runner);
            long intervalMs = target.intervalSeconds(config.intervalSeconds()) * 1000L;
            long offsetMs = intervalMs * i / targets.size();
            ticker.scheduleAtFixedRate(() -> tick(runner), offsetMs, intervalMs, TimeUnit.MILLISECONDS);
            log.info("collecting {} every {} s", target, target.intervalSeconds(config.intervalSeconds()));
        }
        startEndpoints(targets);
        log.info("collector started: {} targets, {} threads{}", targets.size(), config.threads(),
                http == null ? "" : ", /health and /metrics on " + http.baseUri());
    }

    /** /health (the scheduler runs) and /metrics (per-target cycles, failures, overruns, producer metrics). */
    private void startEndpoints(List<TargetConfig> targets) {
        meters = new ServiceMeters("collector");
        meters.bind(new CollectorMeters(stats, targets.stream().map(TargetConfig::id).toList()));
        publisher.bindMetrics(meters);
        if (!config.httpEnabled()) {
            return;
        }
        HealthChecks health = new HealthChecks().register("scheduler", () -> ticker.isShutdown()
                ? HealthChecks.Check.down("stopped")
                : HealthChecks.Check.up(targets.size() + " targets scheduled"));
        try {
            http = HttpApiServer.start(config.http(), ServiceEndpoints.addTo(new Router(), health, meters.registry()),
                    config.http().token(), meters.registry());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve /health and /metrics on " + config.http().bindAddress() + ":" + config.http().port(), e);
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

    private void tick(TargetRunner runner) {
        String id = runner.target().id();
        if (!runner.busy.compareAndSet(false, true)) {
            stats.overrun(id);
            log.warn("{}: previous cycle still running, this one is skipped (overrun {})", id, stats.get(id).overruns());
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    runner.runCycle(publisher, stats);
                } catch (RuntimeException e) {
                    log.error("{}: cycle failed unexpectedly: {}", id, e.toString());
                } finally {
                    runner.busy.set(false);
                }
            });
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
        runners.forEach(TargetRunner::close);
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
