package dev.pgvigil.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.analyzer.state.ReplicationState;
import dev.pgvigil.collector.Collector;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.ViolationState;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import dev.pgvigil.web.DashboardData.ReplicationLink;
import dev.pgvigil.web.DashboardData.ReplicationStatus;
import dev.pgvigil.web.DashboardData.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real replication through the real chain: per version (Debian's 15 and 18), a primary with WAL archiving
 * and a streaming standby on a physical slot, both collected as a pg_monitor role by one collector
 * through the embedded broker into the analyzer. Each failure a DBA fears is caused for real, its
 * violation awaited, then undone, and the violation must resolve exactly once: replay paused while the
 * primary writes, the standby stopped while WAL piles up in its slot, archive_command failing, and a
 * session holding an old snapshot.
 */
class ReplicationEndToEndTest {
    private static final List<Integer> MAJORS = List.of(15, 18);
    private static final String SLOT = "standby_a";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path work; // static, so JUnit sets it before @BeforeAll
    static EmbeddedKafka kafka;
    static final Map<Integer, Replicated> clusters = new TreeMap<>();
    static Analyzer analyzer;
    static Collector collector;
    static TopicReader<Violation> violations;

    /** A primary and its standby, and a writer on the primary that runs while {@code writing} is set. */
    record Replicated(LocalPostgres primary, LocalPostgres standby, AtomicBoolean writing, Thread writer) {}

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.startTemporary();
        StringBuilder targets = new StringBuilder();
        Path password = Files.writeString(work.resolve("pw"), "monitor-pw");
        for (int major : MAJORS) {
            LocalPostgres primary = LocalPostgres.start(major, new LocalPostgres.Options(List.of("archive_mode = on",
                    "archive_command = 'true'", "autovacuum = off", "wal_keep_size = 0")));
            clusters.put(major, new Replicated(primary, null, new AtomicBoolean(), null)); // closed on failure below
            primary.execute("postgres", "CREATE ROLE monitor LOGIN PASSWORD 'monitor-pw' IN ROLE pg_monitor",
                    "CREATE TABLE w (id bigserial, payload text)");
            LocalPostgres standby = primary.startStandby(SLOT, LocalPostgres.Options.defaults());
            AtomicBoolean writing = new AtomicBoolean();
            clusters.put(major, new Replicated(primary, standby, writing, writer(primary, writing)));
            for (String role : List.of("p", "s")) {
                targets.append("""
                            - id: %s%d
                              url: %s
                              user: monitor
                              passwordFile: %s
                        """.formatted(role, major, (role.equals("p") ? primary : standby).jdbcUrl("postgres"), password));
            }
        }
        ConfigFile file = ConfigFile.parse("replication.yaml", """
                kafka:
                  bootstrapServers: %s
                  partitions: 2
                collector:
                  intervalSeconds: 2
                  http: {port: 0}
                  targets:
                %s
                analyzer:
                  applicationId: analyzer-replication
                  stateDir: %s
                  rules:
                    thresholds:
                      replication_lag: { warning: 5, critical: 3600, forIntervals: 1 }
                      replication_lag_bytes: { warning: 8388608, critical: 1073741824, forIntervals: 1 }
                      standby_disconnected: { forIntervals: 1 }
                      replication_slot_retention: { warning: 1048576 }
                      vacuum_horizon_held: { warning: 3 }
                """.formatted(kafka.bootstrapServers(), targets, work.resolve("state")));
        KafkaSettings kafkaSettings = file.section("kafka", KafkaSettings.class);
        analyzer = Analyzer.start(kafkaSettings, file.section("analyzer", AnalyzerConfig.class));
        assertThat(analyzer.awaitRunning(WAIT)).isTrue();
        collector = new Collector(file.section("collector", CollectorConfig.class), kafkaSettings);
        collector.start();
        violations = new TopicReader<>(kafka.bootstrapServers(), Topics.VIOLATIONS, Serdes.violation());
    }

    /** Inserts a thousand rows (about 150 KiB of WAL) every 50 ms while {@code writing} is set. */
    private static Thread writer(LocalPostgres primary, AtomicBoolean writing) {
        Thread t = new Thread(() -> {
            try (Connection c = primary.connect("postgres"); Statement s = c.createStatement()) {
                while (!Thread.currentThread().isInterrupted()) {
                    if (writing.get()) {
                        s.execute("INSERT INTO w (payload) SELECT repeat('x', 100) FROM generate_series(1, 1000)");
                    }
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                if (primary.isRunning()) {
                    throw new IllegalStateException("writer failed", e);
                }
            }
        }, "replication-writer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @AfterAll
    static void stop() throws Exception {
        for (Replicated r : clusters.values()) {
            if (r.writer() != null) {
                r.writer().interrupt();
                r.writer().join(5000);
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {violations, collector, analyzer}) {
            if (c != null) {
                c.close();
            }
        }
        for (Replicated r : clusters.values()) {
            if (r.standby() != null) {
                r.standby().close();
            }
            r.primary().close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Predicate<Violation> is(String instance, String rule, String object, ViolationState state) {
        return v -> v.getInstanceId().equals(instance) && v.getRule().equals(rule) && v.getObject().equals(object) && v.getState() == state;
    }

    /** The newest replication record the analyzer kept for the dashboard, once it has one from a streaming pair. */
    private static ReplicationStatus latest(String instance) throws InterruptedException {
        ReadOnlyKeyValueStore<String, ReplicationState> store = analyzer.streams().store(StoreQueryParameters.fromNameAndType(
                TopologyNames.REPLICATION_STORE, QueryableStoreTypes.<String, ReplicationState>keyValueStore()));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            ReplicationState state = store.get(instance);
            ReplicationStatus latest = state == null ? null : state.latest;
            boolean linked = latest != null && (latest.role() == Role.PRIMARY ? !latest.standbys().isEmpty()
                    : latest.receiver() != null && "streaming".equals(latest.receiver().status()));
            if (linked || System.nanoTime() > deadline) {
                assertThat(latest).as("replication record of " + instance).isNotNull();
                return latest;
            }
            Thread.sleep(200);
        }
    }

    /** Waits for the violation, and returns it. */
    private static Violation await(String instance, String rule, String object, ViolationState state) {
        Predicate<Violation> p = is(instance, rule, object, state);
        return violations.awaitUntil(vs -> vs.stream().anyMatch(p), WAIT, rule + " " + state + " of " + object + " on " + instance)
                .stream().filter(p).reduce((a, b) -> b).orElseThrow();
    }

    /** One violation's identity: the instance, the rule and the object it is about. */
    private record Subject(String instance, String rule, String object) {}

    /**
     * For each subject, its events so far: fired, then resolved exactly once, and nothing since. One wait covers
     * every subject of a step, since the reader keeps all it has seen.
     */
    private static void assertFiredThenResolvedOnce(Subject... subjects) {
        List<Violation> seen = violations.drainFor(Duration.ofSeconds(5));
        for (Subject subject : subjects) {
            List<ViolationState> events = seen.stream()
                    .filter(v -> v.getInstanceId().equals(subject.instance()) && v.getRule().equals(subject.rule())
                            && v.getObject().equals(subject.object()))
                    .map(Violation::getState).toList();
            assertThat(events).as(subject.rule() + " of " + subject.object() + " on " + subject.instance())
                    .containsExactly(ViolationState.FIRING, ViolationState.RESOLVED);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {15, 18})
    void whatADbaFearsFiresAndResolvesOnce(int major) throws Exception {
        Replicated r = clusters.get(major);
        String p = "p" + major;
        String s = "s" + major;
        String standby = "standby " + SLOT;
        r.writing().set(true);
        try {
            // what the dashboard groups by, from the real pair: one cluster identifier, the standby's slot in the primary's standbys
            ReplicationLink primaryLink = latest(p).link();
            ReplicationStatus standbyStatus = latest(s);
            assertThat(latest(p).role()).isEqualTo(Role.PRIMARY);
            assertThat(standbyStatus.role()).isEqualTo(Role.STANDBY);
            assertThat(standbyStatus.link().systemIdentifier()).isNotNull().isEqualTo(primaryLink.systemIdentifier());
            assertThat(primaryLink.standbySlots()).contains(standbyStatus.link().receiverSlot());
            assertThat(standbyStatus.receiver().upstream()).isNotBlank();

            // replay paused on the standby while the primary writes: lagging, seen from both ends
            r.standby().execute("postgres", "SELECT pg_wal_replay_pause()");
            Violation lag = await(p, "replication_lag", standby, ViolationState.FIRING);
            assertThat(lag.getLabels()).containsEntry("standby", SLOT);
            await(s, "replication_lag", s, ViolationState.FIRING);
            r.standby().execute("postgres", "SELECT pg_wal_replay_resume()");
            await(p, "replication_lag", standby, ViolationState.RESOLVED);
            await(s, "replication_lag", s, ViolationState.RESOLVED);
            assertFiredThenResolvedOnce(new Subject(p, "replication_lag", standby), new Subject(s, "replication_lag", s));

            // the standby stopped: gone from pg_stat_replication, and its slot retains the WAL written meanwhile
            r.standby().stop();
            Violation gone = await(p, "standby_disconnected", standby, ViolationState.FIRING);
            assertThat(gone.getMessage()).contains("gone from pg_stat_replication");
            Violation retained = await(p, "replication_slot_retention", "slot " + SLOT, ViolationState.FIRING);
            assertThat(retained.getMessage()).contains("inactive, retains");
            r.standby().restart();
            await(p, "standby_disconnected", standby, ViolationState.RESOLVED);
            await(p, "replication_slot_retention", "slot " + SLOT, ViolationState.RESOLVED);
            assertFiredThenResolvedOnce(new Subject(p, "standby_disconnected", standby),
                    new Subject(p, "replication_slot_retention", "slot " + SLOT));

            // archive_command failing, then fixed and reloaded
            r.primary().execute("postgres", "ALTER SYSTEM SET archive_command = 'false'", "SELECT pg_reload_conf()", "SELECT pg_switch_wal()");
            Violation archiving = await(p, "archiver_failing", p, ViolationState.FIRING);
            assertThat(archiving.getMessage()).contains("archive_command fails");
            r.primary().execute("postgres", "ALTER SYSTEM RESET archive_command", "SELECT pg_reload_conf()", "SELECT pg_switch_wal()");
            await(p, "archiver_failing", p, ViolationState.RESOLVED);
            assertFiredThenResolvedOnce(new Subject(p, "archiver_failing", p));
        } finally {
            r.writing().set(false);
        }

        // a session holding an old snapshot holds the vacuum horizon: named by its pid
        try (Connection c = r.primary().connect("postgres"); Statement st = c.createStatement()) {
            st.execute("BEGIN ISOLATION LEVEL REPEATABLE READ");
            int pid;
            try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            Violation held = await(p, "vacuum_horizon_held", p, ViolationState.FIRING);
            assertThat(held.getMessage()).contains("session pid " + pid);
            st.execute("ROLLBACK");
        }
        await(p, "vacuum_horizon_held", p, ViolationState.RESOLVED);
        assertFiredThenResolvedOnce(new Subject(p, "vacuum_horizon_held", p));
    }
}
