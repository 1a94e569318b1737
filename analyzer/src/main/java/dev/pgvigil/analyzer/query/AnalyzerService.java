package dev.pgvigil.analyzer.query;

import dev.pgvigil.analyzer.Analyzer;
import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.http.HealthChecks;
import dev.pgvigil.common.http.HttpError;
import dev.pgvigil.common.http.HttpSettings;
import dev.pgvigil.common.metrics.ServiceMeters;
import dev.pgvigil.web.DashboardData;
import dev.pgvigil.web.WebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The analyzer with its dashboard, API, {@code /health} and {@code /metrics} on the {@code http}
 * section's address. The port is bound first, so that {@code application.server} (how the other
 * copies reach this one) carries the real port even when the settings say 0; until the analyzer is
 * running, the API answers 503.
 */
public final class AnalyzerService implements AutoCloseable {
    private final ServiceMeters meters;
    private final WebServer web;
    private final Producer<String, String> producer;
    private final Analyzer analyzer;

    private AnalyzerService(ServiceMeters meters, WebServer web, Producer<String, String> producer, Analyzer analyzer) {
        this.meters = meters;
        this.web = web;
        this.producer = producer;
        this.analyzer = analyzer;
    }

    public static AnalyzerService start(KafkaSettings kafka, AnalyzerConfig config, HttpSettings http) throws IOException {
        ServiceMeters meters = new ServiceMeters("analyzer");
        Late late = new Late();
        HealthChecks health = new HealthChecks().register("kafkaStreams", late::health);
        PeerClient peers = new PeerClient();
        WebServer web = new WebServer(http, late, meters.registry(), health, router -> new InternalRoutes(late::local, peers).addTo(router));
        Producer<String, String> producer = null;
        try {
            web.start();
            String server = config.streams().getOrDefault(StreamsConfig.APPLICATION_SERVER_CONFIG,
                    advertisedHost(http.bindAddress()) + ":" + web.port());
            producer = baselineProducer(kafka);
            meters.bindKafkaProducer(producer);
            Analyzer analyzer = Analyzer.start(kafka, config, Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, server));
            meters.bindKafkaStreams(analyzer.streams());
            LocalQueries local = new LocalQueries(analyzer.streams(), config, Clock.systemUTC());
            late.local = local;
            late.streams = analyzer.streams();
            late.data = new AnalyzerDashboardData(analyzer.streams(), local, HostInfo.buildFromEndpoint(server), peers,
                    new BaselineRequests(producer));
            return new AnalyzerService(meters, web, producer, analyzer);
        } catch (IOException | RuntimeException e) {
            web.close();
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
            meters.close();
            throw e;
        }
    }

    /** Other copies reach this one here: the bind address, or this machine's name when it listens on every interface. */
    static String advertisedHost(String bindAddress) {
        if (!"0.0.0.0".equals(bindAddress) && !"::".equals(bindAddress)) {
            return bindAddress;
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("http.bindAddress " + bindAddress + " listens everywhere but this machine's name is unknown: "
                    + "set analyzer.streams.application.server to host:port", e);
        }
    }

    private static Producer<String, String> baselineProducer(KafkaSettings kafka) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "pgvigil-analyzer-api");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    public Analyzer analyzer() {
        return analyzer;
    }

    /** The dashboard's address, e.g. {@code http://127.0.0.1:8080/}. */
    public URI dashboardUri() {
        return web.baseUri().resolve("/");
    }

    public int port() {
        return web.port();
    }

    @Override
    public void close() {
        web.close();
        analyzer.close();
        producer.close(Duration.ofSeconds(5));
        meters.close();
    }

    /** Routes and data that exist once the analyzer runs; the web server is up before that. */
    private static final class Late implements DashboardData {
        volatile KafkaStreams streams;
        volatile LocalQueries local;
        volatile DashboardData data;

        HealthChecks.Check health() {
            KafkaStreams s = streams;
            if (s == null) {
                return HealthChecks.Check.down("starting");
            }
            KafkaStreams.State state = s.state();
            return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING
                    ? HealthChecks.Check.up(state.name()) : HealthChecks.Check.down(state.name());
        }

        LocalQueries local() {
            LocalQueries l = local;
            if (l == null) {
                throw new HttpError(503, "the analyzer is starting; try again shortly").withHeader("Retry-After", "2");
            }
            requireStreamsAlive();
            return l;
        }

        private DashboardData data() {
            DashboardData d = data;
            if (d == null) {
                throw new HttpError(503, "the analyzer is starting; try again shortly").withHeader("Retry-After", "2");
            }
            requireStreamsAlive();
            return d;
        }

        /** Stopped or failed streams answer every query with an IllegalStateException: that is a 503 with the state, not a 500. */
        private void requireStreamsAlive() {
            KafkaStreams s = streams;
            KafkaStreams.State state = s == null ? null : s.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.PENDING_SHUTDOWN || state == KafkaStreams.State.NOT_RUNNING) {
                throw new HttpError(503, "the analyzer is not running (Kafka Streams state " + state + "); its log says why");
            }
        }

        @Override public List<InstanceSummary> fleet() { return data().fleet(); }
        @Override public Optional<InstanceDetail> instance(String id) { return data().instance(id); }
        @Override public List<Series> series(SeriesQuery q) { return data().series(q); }
        @Override public Optional<ReplicationStatus> replication(String id) { return data().replication(id); }
        @Override public List<FindingEntry> findings(String id) { return data().findings(id); }
        @Override public List<Alert> alerts(AlertQuery q) { return data().alerts(q); }
        @Override public List<BaselineSummary> baselines(String id) { return data().baselines(id); }
        @Override public Optional<BaselineComparison> compareBaseline(String id, String name) { return data().compareBaseline(id, name); }
        @Override public List<TopStatement> topStatements(String id, Instant from, Instant to, int limit) {
            return data().topStatements(id, from, to, limit);
        }
        @Override public void requestBaseline(String id, String name) { data().requestBaseline(id, name); }
    }
}
