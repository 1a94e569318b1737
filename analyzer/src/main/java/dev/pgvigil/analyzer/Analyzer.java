package dev.pgvigil.analyzer;

import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.kafka.KafkaDenied;
import dev.pgvigil.schema.kafka.TopicSetup;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import dev.pgvigil.analyzer.process.PoisonRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analyzer as a service: creates pgvigil's topics if they are missing, runs the topology with
 * exactly-once processing, and stops cleanly. Used by {@code pgvigil analyzer} and standalone mode.
 */
public final class Analyzer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Analyzer.class);

    private final KafkaStreams streams;
    private final AnalyzerConfig config;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CompletableFuture<KafkaDenied> denied = new CompletableFuture<>();
    private volatile Throwable failure;

    private Analyzer(KafkaStreams streams, AnalyzerConfig config) {
        this.streams = streams;
        this.config = config;
    }

    /** The Kafka Streams settings: the cluster's, exactly-once, the state folder, then {@code analyzer.streams} as given. */
    public static Properties streamsProperties(KafkaSettings kafka, AnalyzerConfig config) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, String.valueOf(64L * 1024 * 1024));
        // exactly-once's default of 100 ms writes every changed state record ten times a second and waits for
        // the transaction each time; once a second costs at most a second of latency on 10 s+ intervals
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, String.valueOf(kafka.topicReplicationFactor()));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "5");
        // changelog and metrics batches of 16 kB (the default) mean thousands of compressed batches per commit
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), String.valueOf(256 * 1024));
        p.putAll(PoisonRecords.streamsSettings());
        p.putAll(config.streams());
        return p;
    }

    /** Creates missing topics, starts the topology, and returns at once (see {@link #awaitRunning}). */
    public static Analyzer start(KafkaSettings kafka, AnalyzerConfig config) {
        return start(kafka, config, Map.of());
    }

    /**
     * As {@link #start(KafkaSettings, AnalyzerConfig)}, with Streams properties the service sets itself
     * (e.g. {@code application.server}, the address of this copy's API, once its port is bound).
     */
    public static Analyzer start(KafkaSettings kafka, AnalyzerConfig config, Map<String, String> serviceProperties) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            TopicSetup.ensureAll(admin, kafka.topicPartitions(), kafka.topicReplicationFactor(), kafka.topicMinInsyncReplicas());
        }
        Topology topology = AnalyzerTopology.build(config);
        log.info("analyzer topology:\n{}", topology.describe());
        Properties properties = streamsProperties(kafka, config);
        properties.putAll(serviceProperties);
        KafkaStreams streams = new KafkaStreams(topology, properties);
        Analyzer analyzer = new Analyzer(streams, config);
        streams.setUncaughtExceptionHandler(e -> {
            analyzer.failure = e;
            // a refused login or ACL: its one line is the command's to print (no stack trace, no repeats)
            KafkaDenied.in(e, kafka).ifPresentOrElse(analyzer.denied::complete,
                    () -> log.error("analyzer stopped by an error it cannot recover from: {}", e.toString(), e));
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            log.info("analyzer {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                analyzer.stopped.countDown();
            }
        });
        streams.start();
        return analyzer;
    }

    /** True once the analyzer processes records (state restored, partitions assigned). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (!s.isRunningOrRebalancing() && s != KafkaStreams.State.CREATED) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Blocks until the analyzer stops (closed, or failed); true when it failed. */
    public boolean awaitStop() throws InterruptedException {
        stopped.await();
        return failure != null;
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Completed when Kafka refused a login or an ACL, which stopped the analyzer. */
    public CompletableFuture<KafkaDenied> denied() {
        return denied.copy();
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public KafkaStreams streams() {
        return streams;
    }

    public AnalyzerConfig config() {
        return config;
    }

    @Override
    public void close() {
        // with static membership (streams: {group.instance.id: ...}) this removes the member at once, so a restart
        // does not wait out the session; dynamic members are dropped by the group coordinator after session.timeout.ms
        streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
        stopped.countDown();
    }
}
