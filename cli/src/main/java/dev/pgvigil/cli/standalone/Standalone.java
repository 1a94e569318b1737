package dev.pgvigil.cli.standalone;

import dev.pgvigil.alerter.Alerter;
import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.analyzer.query.AnalyzerService;
import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.collector.Collector;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.common.kafka.KafkaDenied;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.Folders;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.embedded.demo.DemoDatabase;
import dev.pgvigil.embedded.demo.DemoWorkload;
import dev.pgvigil.schema.kafka.TopicSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Everything in one JVM: an embedded Kafka broker (or cluster, or an external one), the collector, the analyzer and the alerter, and —
 * without a configuration of targets — a built-in demo database with a running workload.
 * The configuration is read and checked before anything starts; parts start in dependency order and
 * {@link #close()} stops them in reverse, so Ctrl-C leaves no broker, server, thread or folder behind.
 */
public final class Standalone implements AutoCloseable {
    /**
     * @param configFile pgvigil YAML file, or null for the built-in demo
     * @param dataDir where the broker keeps its data across runs, or null for a temporary folder
     * @param kafkaPort the broker's port on 127.0.0.1 (0 picks a free one)
     * @param httpPort the dashboard's port (0 picks a free one); the rest of the {@code http} section applies
     * @param brokers how many embedded brokers (1, or 3 and more for a replicated cluster: topics then get three
     *                replicas and min.insync.replicas 2 unless the config's kafka section says otherwise); 0 for
     *                none: the cluster of the config's kafka section, with its security settings
     */
    public record Options(Path configFile, Path dataDir, int kafkaPort, DemoDatabase.Scale demoScale, int httpPort, int brokers) {
        public Options(Path configFile, Path dataDir, int kafkaPort, DemoDatabase.Scale demoScale, int httpPort) {
            this(configFile, dataDir, kafkaPort, demoScale, httpPort, 1);
        }
    }

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final PrintWriter progress;
    private EmbeddedKafka kafka;
    private KafkaSettings kafkaSettings;
    private DemoDatabase.Target demoTarget;
    private Path run;
    private AnalyzerService analyzer;
    private final CompletableFuture<KafkaDenied> denied = new CompletableFuture<>();

    private Standalone(PrintWriter progress) {
        this.progress = progress;
    }

    public static Standalone start(Options options, PrintWriter progress) {
        Standalone s = new Standalone(progress);
        try {
            s.startAll(options);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startAll(Options options) {
        // the whole configuration is read and checked before anything starts
        ConfigFile config = options.configFile() == null
                ? ConfigFile.parse("built-in demo configuration", "")
                : ConfigFile.load(options.configFile());
        CollectorConfig collectorConfig = config.section("collector", CollectorConfig.class);
        AlerterConfig alerterConfig = config.section("alerter", AlerterConfig.class);
        AnalyzerConfig analyzerConfig = config.section("analyzer", AnalyzerConfig.class);
        KafkaSettings fileKafka = config.section("kafka", KafkaSettings.class);
        HttpSettings http = config.section("http", HttpSettings.class).withPort(options.httpPort());
        boolean demo = collectorConfig.targets().isEmpty();
        // a busy port should stop us now, not after a broker and a database have started
        if (options.brokers() == 0 && options.configFile() == null) {
            throw new IllegalArgumentException("--brokers 0 (an external cluster) needs --config with a kafka section");
        }
        for (int i = 0; i < options.brokers() && options.kafkaPort() != 0; i++) {
            requireFree("127.0.0.1", options.kafkaPort() + i, "the embedded broker " + (i + 1), "--kafka-port");
        }
        requireFree(http.bindAddress(), http.port(), "the dashboard", "--http-port");
        if (alerterConfig.httpEnabled()) {
            requireFree(alerterConfig.http().bindAddress(), alerterConfig.http().port(), "the alerter's API", "alerter.http.port");
        }
        if (!demo && collectorConfig.httpEnabled()) {
            requireFree(collectorConfig.http().bindAddress(), collectorConfig.http().port(), "the collector's /health", "collector.http.port");
        }
        if (demo && options.configFile() != null) {
            say("No collector targets in " + options.configFile() + ": watching the built-in demo.");
        }

        for (String line : Leftovers.clear(cacheFolder())) {
            say("Cleared: " + line);
        }
        // broker data and analyzer state without --data-dir, the demo's password file; removed at exit. It lives under
        // the user's cache folder, not the OS temporary folder, which may be cleaned under a running service.
        Path run = Leftovers.newRun(cacheFolder());
        this.run = run;
        running.push(() -> Folders.deleteQuietly(run));
        if (options.brokers() == 0) {
            // an external cluster, reached exactly as the separate services would reach it (TLS, SASL and all)
            kafkaSettings = fileKafka;
            say("Using Kafka at " + fileKafka.bootstrapServers() + " (kafka section of " + options.configFile() + ")");
        } else {
            Path kafkaDir = (options.dataDir() == null ? run : options.dataDir()).resolve("kafka");
            kafka = step(options.brokers() == 1 ? "Kafka broker (embedded, KRaft)" : "Kafka cluster of " + options.brokers() + " brokers (embedded, KRaft)",
                    () -> EmbeddedKafka.startCluster(kafkaDir, options.brokers(), options.kafkaPort(), Map.of(), false));
            running.push(kafka);
            kafkaSettings = embeddedSettings(fileKafka, kafka);
        }
        KafkaSettings kafkaSettings = this.kafkaSettings;
        try (var admin = org.apache.kafka.clients.admin.Admin.create(kafkaSettings.clientProperties())) {
            TopicSetup.ensureAll(admin, kafkaSettings.topicPartitions(), kafkaSettings.topicReplicationFactor(), kafkaSettings.topicMinInsyncReplicas());
        }
        say("  bootstrap servers: " + kafkaSettings.bootstrapServers());

        if (demo) {
            collectorConfig = startDemo(options.demoScale(), collectorConfig, run);
        }

        CollectorConfig targets = collectorConfig;
        Collector collector = step("collector (" + targets.targets().size() + " target(s), every " + targets.intervalSeconds() + " s)", () -> {
            Collector c = new Collector(targets, kafkaSettings);
            c.start();
            return c;
        });
        running.push(collector);

        // the analyzer's local state belongs with the broker's data: a fresh broker needs fresh state
        Path stateDir = (options.dataDir() == null ? run : options.dataDir()).resolve("analyzer-state");
        analyzer = step("analyzer (Kafka Streams) and dashboard", () -> {
            try {
                return AnalyzerService.start(kafkaSettings, analyzerConfig.withStateDir(stateDir), http);
            } catch (IOException e) {
                throw new IllegalStateException("cannot serve the dashboard on " + http.bindAddress() + ":" + http.port() + ": " + e.getMessage(), e);
            }
        });
        running.push(analyzer);
        say("  Dashboard: " + analyzer.dashboardUri());

        Alerter alerter = step("alerter", () -> Alerter.start(kafkaSettings, alerterConfig));
        running.push(alerter);
        // the first refusal of any of the three stops them all: each part alone would be of little use
        collector.denied().thenAccept(denied::complete);
        analyzer.analyzer().denied().thenAccept(denied::complete);
        alerter.denied().thenAccept(denied::complete);
        alerter.httpAddress().ifPresent(a -> say("  alerter API: http://" + a.getHostString() + ":" + a.getPort() + "/api/alerts"));
    }

    /**
     * The file's kafka section pointed at the embedded cluster: its partitions, replication factor and
     * min.insync.replicas when given, else as replicated as the cluster allows (three copies, two in sync).
     */
    static KafkaSettings embeddedSettings(KafkaSettings file, EmbeddedKafka kafka) {
        short replicas = file.replicationFactor() != null ? file.replicationFactor() : (short) Math.min(3, kafka.brokers());
        Integer minIsr = file.minInsyncReplicas() != null ? file.minInsyncReplicas() : (replicas >= 3 ? Integer.valueOf(2) : null);
        return new KafkaSettings(kafka.bootstrapServers(), file.properties(), file.partitions(), replicas, minIsr);
    }

    /** The file's collector settings (or the defaults) watching the demo database, without the collector's own HTTP endpoint. */
    private CollectorConfig startDemo(DemoDatabase.Scale scale, CollectorConfig settings, Path run) {
        LocalPostgres pg = step("demo PostgreSQL (throwaway cluster)", () -> LocalPostgres.start(new LocalPostgres.Options(DemoDatabase.SERVER_SETTINGS)));
        running.push(pg);
        Leftovers.recordDemo(run, pg.dataDir()); // if this run is killed, the next one stops this server
        say("  demo PostgreSQL on " + pg.host() + ":" + pg.port());
        demoTarget = step("demo database '" + DemoDatabase.DATABASE + "' with planted problems", () -> DemoDatabase.create(pg, scale));
        DemoWorkload workload = step("demo workload", () -> DemoWorkload.start(pg));
        running.push(workload);
        return DemoTargets.collectorConfig(settings, DemoTargets.target(demoTarget, passwordFile(run, demoTarget.password())));
    }

    /** The demo role's password goes to a file only this user can read, never into a config or a log. */
    private Path passwordFile(Path run, String password) {
        try {
            Path file = run.resolve("demo-password");
            Files.writeString(file, password);
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            running.push(() -> Files.deleteIfExists(file));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireFree(String host, int port, String what, String setting) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalArgumentException(host + ":" + port + " for " + what + " is in use (" + e.getMessage()
                    + "); choose another with " + setting + " (0 picks a free port)");
        }
    }

    /** pgvigil's folder in the user's cache: {@code $XDG_CACHE_HOME/pgvigil}, or {@code ~/.cache/pgvigil}. */
    static Path cacheFolder() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg == null || xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(xdg)).resolve("pgvigil");
    }

    /** This run's folder, for tests. */
    Path runFolder() {
        return run;
    }

    /** The embedded cluster, for tests that stop and start its brokers. */
    EmbeddedKafka kafka() {
        return kafka;
    }

    public String bootstrapServers() {
        return kafkaSettings.bootstrapServers();
    }

    /** The dashboard's address, e.g. {@code http://127.0.0.1:8080/}. */
    public java.net.URI dashboardUri() {
        return analyzer.dashboardUri();
    }

    /** Completed when Kafka refused a login or an ACL to the collector, the analyzer or the alerter; close it then. */
    public CompletableFuture<KafkaDenied> denied() {
        return denied.copy();
    }

    /** The demo target, when running the built-in demo. */
    public DemoDatabase.Target demoTarget() {
        return demoTarget;
    }

    private interface Starter<T> {
        T start();
    }

    /** Announces a part, starts it, and says how long it took; whole lines, so service logs never split one. */
    private <T> T step(String what, Starter<T> starter) {
        say("Starting " + what + " ...");
        long began = System.nanoTime();
        T started = starter.start();
        say("  ready in " + Duration.ofNanos(System.nanoTime() - began).toMillis() + " ms");
        return started;
    }

    private void say(String line) {
        progress.println(line);
        progress.flush();
    }

    @Override
    public void close() {
        while (!running.isEmpty()) {
            AutoCloseable part = running.pop();
            try {
                part.close();
            } catch (Exception e) {
                progress.println("pgvigil: while stopping: " + e.getMessage());
            }
        }
        progress.flush();
    }
}
