package dev.pgvigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.SessionInfo;
import dev.pgvigil.schema.Setting;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TableStat;
import dev.pgvigil.schema.TablesChunk;
import dev.pgvigil.schema.kafka.Serdes;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real PostgreSQL with a known workload, one real broker, the collector running as a pg_monitor-only
 * role: what arrives on the topics equals what SQL says.
 */
class CollectorSnapshotTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String KNOWN_QUERY = "SELECT count(*) FROM orders WHERE customer = $1";
    private static final int STATEMENTS = 5_000;
    private static final int CHUNK_MAX_BYTES = 200_000;

    @TempDir
    static Path dir;
    static LocalPostgres pg;
    static EmbeddedKafka kafka;
    static Collector collector;
    static StatsTopics topics;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start(new LocalPostgres.Options(List.of("pg_stat_statements.max = 10000")));
        pg.createDatabase("app");
        pg.createDatabase("nostmts");
        pg.execute("postgres", "CREATE ROLE monitor LOGIN PASSWORD 'monitor-pw-1'", "GRANT pg_monitor TO monitor");
        pg.execute("app",
                "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE orders (id serial PRIMARY KEY, customer int NOT NULL, note text)",
                "INSERT INTO orders (customer, note) SELECT i % 100, 'note ' || i FROM generate_series(1, 1000) i",
                "CREATE INDEX orders_customer ON orders (customer)",
                "CREATE TABLE locked_t (id int PRIMARY KEY)",
                "INSERT INTO locked_t VALUES (1)");
        pg.execute("app", "ANALYZE"); // after the inserting session flushed its counters, so n_live_tup is exact
        try (Connection c = pg.connect("app"); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM orders WHERE customer = ?")) {
            for (int i = 0; i < 25; i++) {
                ps.setInt(1, i);
                ps.executeQuery().close();
            }
            try (Statement s = c.createStatement()) {
                // 5,000 distinct statements: 100 tables x 50 shapes, run as dynamic SQL (tracked: pg_stat_statements.track=all)
                s.execute("""
                        DO $$
                        BEGIN
                          FOR t IN 1..100 LOOP
                            EXECUTE format('CREATE TABLE wide_%s (a int, b int)', t);
                            FOR k IN 1..50 LOOP
                              EXECUTE format('SELECT a %s FROM wide_%s WHERE b > 1 /* a comment that makes the text longer than most */',
                                             repeat(', a + 1', k - 1), t);
                            END LOOP;
                          END LOOP;
                        END $$""");
            }
        }
        pg.execute("nostmts", "CREATE TABLE things (x int)", "INSERT INTO things VALUES (1)");
        Path password = dir.resolve("monitor.pw");
        Files.writeString(password, "monitor-pw-1\n");

        kafka = EmbeddedKafka.startTemporary();
        ConfigFile config = ConfigFile.parse("test.yaml", """
                kafka:
                  bootstrapServers: %s
                  partitions: 1
                collector:
                  intervalSeconds: 2
                  fullSnapshotEvery: 3
                  chunkMaxBytes: %d
                  sessionMinAgeSeconds: 1
                  targets:
                    - id: app
                      url: jdbc:postgresql://127.0.0.1:%d/app
                      user: monitor
                      passwordFile: %s
                      labels: {env: test}
                      excludeDatabases: [template0]
                    - id: nostmts
                      url: postgresql://monitor@127.0.0.1:%d/nostmts
                      passwordFile: %s
                """.formatted(kafka.bootstrapServers(), CHUNK_MAX_BYTES, pg.port(), password, pg.port(), password));
        collector = new Collector(config.section("collector", CollectorConfig.class), config.section("kafka", KafkaSettings.class));
        collector.start();
        topics = new StatsTopics(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (topics != null) {
            topics.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static SnapshotInfo fullOk(String instance) {
        return topics.await(i -> i.getRef().getInstanceId().equals(instance) && i.getStatus() == SnapshotStatus.OK
                && i.getChunkCounts().containsKey("settings"), WAIT, "OK+full from " + instance);
    }

    @Test
    void snapshotValuesEqualWhatSqlSays() throws Exception {
        SnapshotInfo info = fullOk("app");
        String id = info.getRef().getSnapshotId();
        assertThat(info.getLabels()).containsEntry("env", "test");
        assertThat(info.getDatabase()).isEqualTo("app");
        assertThat(info.getServerVersionNum() / 10_000).isEqualTo(pg.majorVersion());
        assertThat(info.getServerVersion()).startsWith(pg.majorVersion() + ".");
        assertThat(info.getPostmasterStartTime()).isNotNull();
        assertThat(info.getStatementsAvailable()).isTrue();
        assertThat(info.getWarnings()).isEmpty();

        List<StatementStat> statements = topics.chunks(Topics.STATS_STATEMENTS, id, Serdes.statements()::deserialize,
                c -> c.getRef().getSnapshotId()).stream().flatMap(c -> c.getStatements().stream()).toList();
        StatementStat known = statements.stream().filter(s -> KNOWN_QUERY.equals(s.getQuery())).findFirst().orElseThrow();
        try (Connection c = pg.connect("app"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT calls, rows, queryid FROM pg_stat_statements WHERE query = '" + KNOWN_QUERY + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(known.getCalls()).isEqualTo(rs.getLong("calls")).isEqualTo(25);
            assertThat(known.getRows()).isEqualTo(rs.getLong("rows"));
            assertThat(known.getQueryId()).isEqualTo(rs.getLong("queryid"));
        }
        assertThat(known.getDatname()).isEqualTo("app");
        assertThat(known.getMeanExecTimeMs()).isCloseTo(known.getTotalExecTimeMs() / 25, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(statements).noneMatch(s -> dev.pgvigil.catalogue.read.StatementsReader.isOwn(s.getQuery()));
        assertThat(statements).as("the driver's session set-up of pgvigil's own connection")
                .noneMatch(s -> s.getQuery() != null && s.getQuery().contains("application_name = 'pgvigil'"));

        TableStat orders = topics.chunks(Topics.STATS_TABLES, id, Serdes.tables()::deserialize, c -> c.getRef().getSnapshotId())
                .stream().flatMap(c -> c.getTables().stream()).filter(t -> t.getTableName().equals("orders")).findFirst().orElseThrow();
        IndexStat byCustomer = topics.chunks(Topics.STATS_INDEXES, id, Serdes.indexes()::deserialize, c -> c.getRef().getSnapshotId())
                .stream().flatMap(c -> c.getIndexes().stream()).filter(i -> i.getIndexName().equals("orders_customer")).findFirst().orElseThrow();
        try (Connection c = pg.connect("app"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT t.n_live_tup, t.seq_scan, t.idx_scan, i.idx_scan AS customer_scans, pg_relation_size('orders') AS heap,
                       pg_relation_size('orders_customer') AS index_size, pg_indexes_size('orders') AS indexes_size
                FROM pg_stat_user_tables t JOIN pg_stat_user_indexes i ON i.relid = t.relid AND i.indexrelname = 'orders_customer'
                WHERE t.relname = 'orders'""")) {
            assertThat(rs.next()).isTrue();
            assertThat(orders.getNLiveTup()).isEqualTo(rs.getLong("n_live_tup")).isEqualTo(1000);
            assertThat(orders.getSeqScan()).isEqualTo(rs.getLong("seq_scan"));
            assertThat(orders.getIdxScan()).isEqualTo(rs.getLong("idx_scan"));
            assertThat(byCustomer.getIdxScan()).isEqualTo(rs.getLong("customer_scans")).isGreaterThanOrEqualTo(25);
            assertThat(orders.getHeapSizeBytes()).isEqualTo(rs.getLong("heap")).isPositive();
            assertThat(byCustomer.getSizeBytes()).isEqualTo(rs.getLong("index_size")).isPositive();
            assertThat(orders.getIndexesSizeBytes()).isEqualTo(rs.getLong("indexes_size"));
        }
        assertThat(orders.getIndexesSizeBytes()).isPositive();
        assertThat(byCustomer.getColumns()).containsExactly("customer");
        assertThat(byCustomer.getIsUnique()).isFalse();
        assertThat(byCustomer.getBacksConstraint()).isFalse();
        IndexStat pkey = topics.chunks(Topics.STATS_INDEXES, id, Serdes.indexes()::deserialize, c -> c.getRef().getSnapshotId())
                .stream().flatMap(c -> c.getIndexes().stream()).filter(i -> i.getIndexName().equals("orders_pkey")).findFirst().orElseThrow();
        assertThat(pkey.getIsPrimary()).isTrue();
        assertThat(pkey.getBacksConstraint()).isTrue();
        assertThat(pkey.getDefinition()).isEqualTo("CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)");

        List<DatabaseStat> databases = topics.chunks(Topics.STATS_DATABASE, id, Serdes.databaseStats()::deserialize,
                c -> c.getRef().getSnapshotId()).stream().flatMap(c -> c.getDatabases().stream()).toList();
        assertThat(databases).extracting(DatabaseStat::getDatname).contains("app", "nostmts", "postgres").doesNotContain("template0");
        assertThat(databases).allMatch(d -> d.getSizeBytes() > 0);

        List<Setting> settings = topics.chunks(Topics.STATS_SETTINGS, id, Serdes.settings()::deserialize,
                c -> c.getRef().getSnapshotId()).stream().flatMap(c -> c.getSettings().stream()).toList();
        Setting sharedBuffers = settings.stream().filter(s -> s.getName().equals("shared_buffers")).findFirst().orElseThrow();
        assertThat(sharedBuffers.getNormalizedValue()).isEqualTo(32.0 * 1024 * 1024);
        assertThat(sharedBuffers.getNormalizedUnit()).isEqualTo("bytes");
        Setting statementTimeout = settings.stream().filter(s -> s.getName().equals("statement_timeout")).findFirst().orElseThrow();
        assertThat(statementTimeout.getSetting()).as("the server's value, not the collector's own session timeout").isEqualTo("0");
        Setting checkpointTimeout = settings.stream().filter(s -> s.getName().equals("checkpoint_timeout")).findFirst().orElseThrow();
        assertThat(checkpointTimeout.getNormalizedValue()).isEqualTo(300_000.0);
        assertThat(checkpointTimeout.getNormalizedUnit()).isEqualTo("ms");

        assertThat(info.getChunkCounts()).containsEntry("replication", 1);
        List<dev.pgvigil.schema.ReplicationSnapshot> replication = topics.chunks(Topics.STATS_REPLICATION, id,
                Serdes.replication()::deserialize, c -> c.getRef().getSnapshotId());
        assertThat(replication).singleElement().satisfies(r -> {
            assertThat(r.getInRecovery()).as("a primary").isFalse();
            assertThat(r.getCurrentLsn()).isPositive();
            assertThat(r.getCheckpoints()).isNotNull();
            assertThat(r.getArchiver()).isNotNull();
        });
    }

    @Test
    void countersMoveBetweenSnapshotsAndQuietEntitiesAreLeftOutOfPartialOnes() {
        SnapshotInfo first = fullOk("app");
        SnapshotInfo later = topics.await(i -> i.getRef().getInstanceId().equals("app") && i.getStatus() == SnapshotStatus.OK
                        && i.getRef().getCollectedAt().isAfter(first.getRef().getCollectedAt()) && !i.getChunkCounts().containsKey("settings"),
                WAIT, "a non-full one after " + first.getRef().getCollectedAt());
        long commitsBefore = appDatabase(first).getXactCommit();
        long commitsAfter = appDatabase(later).getXactCommit();
        assertThat(commitsAfter).isGreaterThan(commitsBefore);

        List<TablesChunk> partial = topics.chunks(Topics.STATS_TABLES, later.getRef().getSnapshotId(), Serdes.tables()::deserialize,
                c -> c.getRef().getSnapshotId());
        assertThat(partial).isNotEmpty().allMatch(c -> !c.getChunk().getFull());
        // nothing touched the 100 wide tables since the full snapshot: they are not sent again
        assertThat(partial.stream().flatMap(c -> c.getTables().stream())).noneMatch(t -> t.getTableName().startsWith("wide_"));
    }

    private static DatabaseStat appDatabase(SnapshotInfo info) {
        return topics.chunks(Topics.STATS_DATABASE, info.getRef().getSnapshotId(), Serdes.databaseStats()::deserialize,
                        c -> c.getRef().getSnapshotId()).stream().flatMap(c -> c.getDatabases().stream())
                .filter(d -> d.getDatname().equals("app")).findFirst().orElseThrow();
    }

    @Test
    void fiveThousandStatementsMakeSeveralRecordsAllUnderTheCap() {
        SnapshotInfo info = topics.await(i -> i.getRef().getInstanceId().equals("app") && i.getStatus() == SnapshotStatus.OK
                && i.getChunkCounts().containsKey("settings"), WAIT, "full");
        String id = info.getRef().getSnapshotId();
        List<ConsumerRecord<String, byte[]>> raw = topics.raw(Topics.STATS_STATEMENTS).stream()
                .filter(r -> Serdes.statements().deserialize(r.topic(), r.value()).getRef().getSnapshotId().equals(id)).toList();
        List<StatementsChunk> chunks = raw.stream().map(r -> Serdes.statements().deserialize(r.topic(), r.value()))
                .sorted(Comparator.comparingInt(c -> c.getChunk().getIndex())).toList();

        int count = info.getChunkCounts().get("statements");
        assertThat(count).isGreaterThan(3);
        assertThat(chunks).hasSize(count);
        assertThat(chunks).extracting(c -> c.getChunk().getIndex()).containsExactlyElementsOf(java.util.stream.IntStream.range(0, count).boxed().toList());
        assertThat(chunks).allMatch(c -> c.getChunk().getCount() == count && c.getChunk().getFull());
        assertThat(raw).allMatch(r -> r.value().length <= CHUNK_MAX_BYTES && r.value().length < 1_000_000);
        assertThat(raw).allMatch(r -> r.key().equals("app") && r.timestamp() == info.getRef().getCollectedAt().toEpochMilli());
        assertThat(chunks.stream().mapToInt(c -> c.getStatements().size()).sum()).isGreaterThanOrEqualTo(STATEMENTS);
    }

    @Test
    void withoutPgStatStatementsTheRestIsStillPublished() {
        SnapshotInfo info = topics.await(i -> i.getRef().getInstanceId().equals("nostmts") && i.getChunkCounts().containsKey("settings"),
                WAIT, "full from nostmts");
        assertThat(info.getStatus()).isEqualTo(SnapshotStatus.PARTIAL);
        assertThat(info.getStatementsAvailable()).isFalse();
        assertThat(info.getWarnings()).singleElement().asString().contains("pg_stat_statements is not installed in database nostmts");
        assertThat(info.getChunkCounts()).containsKeys("database", "tables", "indexes", "activity", "settings").doesNotContainKey("statements");
        List<TableStat> tables = topics.chunks(Topics.STATS_TABLES, info.getRef().getSnapshotId(), Serdes.tables()::deserialize,
                c -> c.getRef().getSnapshotId()).stream().flatMap(c -> c.getTables().stream()).toList();
        assertThat(tables).extracting(TableStat::getTableName).containsExactly("things");
    }

    @Test
    void blockedSessionsAreShownWithTheirBlockerAndLockedTablesDoNotStallTheSnapshot() throws Exception {
        try (Connection holder = pg.connect("app"); Connection waiter = pg.connect("app")) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE locked_t IN ACCESS EXCLUSIVE MODE");
            }
            int holderPid = pid(holder);
            int waiterPid = pid(waiter);
            CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
                try (Statement s = waiter.createStatement()) {
                    s.executeQuery("SELECT * FROM locked_t").close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                long since = System.currentTimeMillis();
                SnapshotInfo info = topics.await(i -> i.getRef().getInstanceId().equals("app")
                        && i.getRef().getCollectedAt().toEpochMilli() > since + 1500 && i.getChunkCounts().containsKey("settings"),
                        WAIT, "a full one while locked");
                assertThat(info.getStatus()).as("warnings: %s", info.getWarnings()).isEqualTo(SnapshotStatus.OK);
                ActivitySnapshot activity = topics.chunks(Topics.STATS_ACTIVITY, info.getRef().getSnapshotId(),
                        Serdes.activity()::deserialize, c -> c.getRef().getSnapshotId()).get(0);
                assertThat(activity.getWaitingOnLocksCount()).isGreaterThanOrEqualTo(1);
                SessionInfo waiting = activity.getSessions().stream().filter(s -> s.getPid() == waiterPid).findFirst().orElseThrow();
                assertThat(waiting.getBlockedBy()).containsExactly(holderPid);
                assertThat(waiting.getQuery()).isEqualTo("SELECT * FROM locked_t");
                assertThat(activity.getSessions()).anyMatch(s -> s.getPid() == holderPid);
                assertThat(activity.getIdleInTransactionCount()).isGreaterThanOrEqualTo(1);
                assertThat(activity.getByApplication()).doesNotContainKey("pgvigil");
                assertThat(activity.getTotalConnections()).isGreaterThan(activity.getByState().values().stream().mapToInt(Integer::intValue).sum());
                assertThat(activity.getMaxConnections()).isEqualTo(100);
                assertThat(info.getChunkCounts()).containsKeys("tables", "indexes");
                IndexStat lockedIndex = topics.chunks(Topics.STATS_INDEXES, info.getRef().getSnapshotId(), Serdes.indexes()::deserialize,
                        c -> c.getRef().getSnapshotId()).stream().flatMap(c -> c.getIndexes().stream())
                        .filter(i -> i.getIndexName().equals("locked_t_pkey")).findFirst().orElseThrow();
                assertThat(lockedIndex.getDefinition()).as("remembered from before the lock")
                        .isEqualTo("CREATE UNIQUE INDEX locked_t_pkey ON public.locked_t USING btree (id)");
            } finally {
                holder.rollback();
                blocked.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    private static int pid(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
