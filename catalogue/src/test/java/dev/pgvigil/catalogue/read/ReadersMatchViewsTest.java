package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.embedded.PostgresMatrix;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.TableStat;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The readers compute some columns themselves rather than asking the views for them (cheaper on the
 * server); these tests hold each such column to what the view, or the GROUP BY it replaced, says, on
 * every supported PostgreSQL version.
 */
class ReadersMatchViewsTest {
    /**
     * The statements query before it left the summing to the reader, run as the reference; %1$s/%2$s:
     * the block read/write time columns of this version.
     */
    private static final String GROUPED_STATEMENTS = """
            SELECT /* pgvigil */ s.queryid, s.userid, s.dbid, min(left(s.query, 2000)) AS query, sum(s.calls) AS calls,
                   sum(s.total_exec_time) AS total_time, min(s.min_exec_time) AS min_time, max(s.max_exec_time) AS max_time,
                   sum(s.calls * (s.stddev_exec_time * s.stddev_exec_time + s.mean_exec_time * s.mean_exec_time)) AS sum_sq,
                   sum(s.rows) AS rows, sum(s.shared_blks_hit) AS shared_blks_hit, sum(s.shared_blks_read) AS shared_blks_read,
                   sum(s.shared_blks_dirtied) AS shared_blks_dirtied, sum(s.shared_blks_written) AS shared_blks_written,
                   sum(s.temp_blks_read) AS temp_blks_read, sum(s.temp_blks_written) AS temp_blks_written,
                   sum(s.%1$s) AS blk_read_time, sum(s.%2$s) AS blk_write_time, sum(s.wal_bytes) AS wal_bytes,
                   count(*) AS entries
            FROM pg_stat_statements s
            WHERE s.queryid IS NOT NULL AND s.query !~ '^(\\w+ )?/\\* pgvigil \\*/'
            GROUP BY s.queryid, s.userid, s.dbid""";

    static final PostgresMatrix clusters = new PostgresMatrix(LocalPostgres.Options.defaults(), ReadersMatchViewsTest::setUp);

    private static void setUp(LocalPostgres pg) {
        pg.execute("postgres",
                "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE big (id int PRIMARY KEY, body text)",
                "CREATE INDEX big_body ON big (left(body, 10))",
                // long bodies go to the toast table, uncompressed
                "ALTER TABLE big ALTER body SET STORAGE EXTERNAL",
                "INSERT INTO big SELECT i, repeat(md5(i::text), 200) FROM generate_series(1, 300) i",
                "CREATE TABLE bare (x int)",
                "INSERT INTO bare VALUES (1)",
                // a partitioned table's partitioned index is in pg_stat_user_tables' sums but not in pg_stat_user_indexes
                "CREATE TABLE parted (id int, k int) PARTITION BY RANGE (id)",
                "CREATE INDEX parted_k ON parted (k)",
                "CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (1000)",
                "INSERT INTO parted SELECT i, i % 10 FROM generate_series(1, 500) i",
                "CREATE TABLE parted_bare (id int) PARTITION BY RANGE (id)",
                "CREATE MATERIALIZED VIEW big_ids AS SELECT id FROM big",
                // the same statement nested, spelt differently: a second pg_stat_statements entry with its own text
                "CREATE FUNCTION nested() RETURNS bigint LANGUAGE plpgsql AS $$ DECLARE n bigint; BEGIN "
                        + "select count(*) into n from big where id > 5; RETURN n; END $$");
        pg.execute("postgres",
                "SELECT count(*) FROM big WHERE id > 5",
                "SELECT count(*) FROM big WHERE id > 7",
                "SELECT nested()",
                "SELECT nested()",
                "SELECT length(body) FROM big WHERE id = 3",
                "SELECT count(*) FROM bare",
                "SET enable_seqscan = off",
                "SELECT count(*) FROM parted WHERE k = 3",
                "UPDATE big SET body = body || 'x' WHERE id < 50");
        // the statistics are sent when that session ends; 15 and later keep them in shared memory, flushed on demand
        if (pg.majorVersion() >= 15) {
            pg.execute("postgres", "SELECT pg_stat_force_next_flush()");
        }
    }

    @AfterAll
    static void stop() {
        clusters.close();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.pgvigil.embedded.PostgresMatrix#majors")
    void statementsSummedByTheReaderEqualTheServersGroupBy(int major) throws SQLException {
        try (Connection c = clusters.cluster(major).connect("postgres")) {
            StatementsView view = StatementsReader.find(c).orElseThrow();
            String grouped = GROUPED_STATEMENTS.formatted(view.blockTimeColumn("read"), view.blockTimeColumn("write"));
            Map<List<Long>, Map<String, Object>> expected = new HashMap<>();
            boolean sawTwoEntries = false;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(grouped)) {
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 4; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    expected.put(List.of(rs.getLong("queryid"), rs.getLong("userid"), rs.getLong("dbid")), row);
                    sawTwoEntries |= rs.getLong("entries") > 1;
                }
            }
            // 14 and later keep a statement's top-level and nested runs apart
            assertThat(sawTwoEntries).as("a statement run both at top level and nested").isEqualTo(major >= 14);

            List<StatementStat> read = StatementsReader.read(c, view, 2000, DatabaseScope.ALL);
            assertThat(read).hasSize(expected.size());
            for (StatementStat s : read) {
                Map<String, Object> e = expected.get(List.of(s.getQueryId(), s.getUserId(), s.getDbId()));
                assertThat(e).as("statement %s", s.getQuery()).isNotNull();
                long calls = asLong(e.get("calls"));
                double total = (Double) e.get("total_time");
                double mean = total / calls;
                assertThat(s.getQuery()).isEqualTo(e.get("query"));
                assertThat(s.getCalls()).isEqualTo(calls);
                assertThat(s.getTotalExecTimeMs()).isEqualTo(total);
                assertThat(s.getMeanExecTimeMs()).isEqualTo(mean);
                assertThat(s.getMinExecTimeMs()).isEqualTo(e.get("min_time"));
                assertThat(s.getMaxExecTimeMs()).isEqualTo(e.get("max_time"));
                assertThat(s.getStddevExecTimeMs()).isEqualTo(Math.sqrt(Math.max(0.0, (Double) e.get("sum_sq") / calls - mean * mean)));
                assertThat(s.getBlkReadTimeMs()).isEqualTo(e.get("blk_read_time"));
                assertThat(s.getBlkWriteTimeMs()).isEqualTo(e.get("blk_write_time"));
                assertThat(Arrays.asList(s.getRows(), s.getSharedBlksHit(), s.getSharedBlksRead(), s.getSharedBlksDirtied(),
                        s.getSharedBlksWritten(), s.getTempBlksRead(), s.getTempBlksWritten(), s.getWalBytes()))
                        .isEqualTo(longs(e, "rows", "shared_blks_hit", "shared_blks_read", "shared_blks_dirtied",
                                "shared_blks_written", "temp_blks_read", "temp_blks_written", "wal_bytes"));
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.pgvigil.embedded.PostgresMatrix#majors")
    void tableAndIndexBlockCountersEqualTheStatioViews(int major) throws SQLException {
        try (Connection c = clusters.cluster(major).connect("postgres")) {
            List<IndexStat> indexes = IndexesReader.read(c, Map.of());
            List<TableStat> tables = TablesReader.read(c, ServerInfoReader.read(c).versionNum(), indexes);
            // pg_stat_user_tables lists partitioned tables from 14 on
            List<String> partitioned = major >= 14 ? List.of("parted", "parted_bare") : List.of();
            assertThat(tables).extracting(TableStat::getTableName)
                    .containsExactlyInAnyOrderElementsOf(Stream.concat(Stream.of("big", "bare", "parted_1", "big_ids"), partitioned.stream()).toList());
            // pg_statio_user_tables leaves partitioned tables out (pg_stat_user_tables has them)
            for (TableStat t : tables.stream().filter(t -> !t.getTableName().matches("parted|parted_bare")).toList()) {
                Map<String, Object> view = row(c, "SELECT * FROM pg_statio_user_tables WHERE relid = ?", t.getRelid());
                assertThat(Arrays.asList(t.getHeapBlksRead(), t.getHeapBlksHit(), t.getIdxBlksRead(), t.getIdxBlksHit(),
                        t.getToastBlksRead(), t.getToastBlksHit()))
                        .isEqualTo(longs(view, "heap_blks_read", "heap_blks_hit", "idx_blks_read", "idx_blks_hit",
                                "toast_blks_read", "toast_blks_hit"));
            }
            TableStat big = tables.stream().filter(t -> t.getTableName().equals("big")).findFirst().orElseThrow();
            assertThat(big.getHeapBlksHit()).isPositive();
            assertThat(big.getIdxBlksHit()).isPositive();
            assertThat(big.getToastBlksHit()).isPositive();
            TableStat bare = tables.stream().filter(t -> t.getTableName().equals("bare")).findFirst().orElseThrow();
            assertThat(bare.getIdxBlksRead()).as("no index: null, as the view says").isNull();
            assertThat(bare.getToastBlksRead()).as("no toast table").isNull();

            assertThat(indexes).hasSize(3);
            for (IndexStat i : indexes) {
                Map<String, Object> view = row(c, "SELECT * FROM pg_statio_user_indexes WHERE indexrelid = ?", i.getIndexRelid());
                assertThat(Arrays.asList(i.getIdxBlksRead(), i.getIdxBlksHit())).isEqualTo(longs(view, "idx_blks_read", "idx_blks_hit"));
                assertThat(i.getIdxBlksHit()).isPositive();
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.pgvigil.embedded.PostgresMatrix#majors")
    void tablesReadFromTheCatalogueEqualPgStatUserTables(int major) throws SQLException {
        try (Connection c = clusters.cluster(major).connect("postgres")) {
            int version = ServerInfoReader.read(c).versionNum();
            assertThat(version / 10_000).isEqualTo(major);
            assertThat(TablesReader.sql(version, true).contains("pg_stat_user_tables")).as("the catalogue form from 15 on").isEqualTo(major < 15);
            List<TableStat> tables = TablesReader.read(c, version, IndexesReader.read(c, Map.of()));
            Map<Long, Map<String, Object>> view = new HashMap<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM pg_stat_user_tables")) {
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        Object value = rs.getObject(i);
                        row.put(rs.getMetaData().getColumnLabel(i), value instanceof Timestamp t ? t.toInstant() : value);
                    }
                    view.put(rs.getLong("relid"), row);
                }
            }
            assertThat(tables).extracting(TableStat::getRelid).containsExactlyInAnyOrderElementsOf(view.keySet());
            for (TableStat t : tables) {
                Map<String, Object> v = view.get(t.getRelid());
                assertThat(Arrays.<Object>asList(t.getSchemaName(), t.getTableName(), t.getLastVacuum(), t.getLastAutovacuum(),
                        t.getLastAnalyze(), t.getLastAutoanalyze()))
                        .as(t.getTableName())
                        .isEqualTo(Arrays.asList(v.get("schemaname"), v.get("relname"), v.get("last_vacuum"), v.get("last_autovacuum"),
                                v.get("last_analyze"), v.get("last_autoanalyze")));
                assertThat(Arrays.asList(t.getSeqScan(), t.getSeqTupRead(), t.getIdxScan(), t.getIdxTupFetch(), t.getNTupIns(),
                        t.getNTupUpd(), t.getNTupDel(), t.getNTupHotUpd(), t.getNLiveTup(), t.getNDeadTup(), t.getNModSinceAnalyze(),
                        t.getNInsSinceVacuum(), t.getVacuumCount(), t.getAutovacuumCount(), t.getAnalyzeCount(), t.getAutoanalyzeCount()))
                        .as(t.getTableName())
                        .isEqualTo(longs(v, "seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch", "n_tup_ins", "n_tup_upd",
                                "n_tup_del", "n_tup_hot_upd", "n_live_tup", "n_dead_tup", "n_mod_since_analyze", "n_ins_since_vacuum",
                                "vacuum_count", "autovacuum_count", "analyze_count", "autoanalyze_count"));
            }
            Map<String, TableStat> byName = tables.stream().collect(Collectors.toMap(TableStat::getTableName, t -> t));
            if (major >= 14) {
                assertThat(byName.get("parted").getIdxScan()).as("partitioned, with an index").isZero();
                assertThat(byName.get("parted_bare").getIdxScan()).as("partitioned, without one").isNull();
            }
            assertThat(byName.get("bare").getIdxScan()).isNull();
            assertThat(byName.get("parted_1").getIdxScan()).isPositive();
            assertThat(byName.get("big").getIdxTupFetch()).isPositive();
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.pgvigil.embedded.PostgresMatrix#majors")
    void pgvigilsOwnStatementsAreNotCollected(int major) throws SQLException {
        try (Connection c = clusters.cluster(major).connect("postgres")) {
            // every reader once, so that its statements are in pg_stat_statements
            StatementsView view = StatementsReader.find(c).orElseThrow();
            StatementsReader.read(c, view, 2000, DatabaseScope.ALL);
            TablesReader.read(c, ServerInfoReader.read(c).versionNum(), IndexesReader.read(c, Map.of()));
            long own;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_statements WHERE query LIKE '%/* pgvigil */%'")) {
                rs.next();
                own = rs.getLong(1);
            }
            assertThat(own).as("pgvigil's statements are there to be left out").isPositive();
            assertThat(StatementsReader.read(c, view, 2000, DatabaseScope.ALL)).extracting(StatementStat::getQuery)
                    .isNotEmpty()
                    .noneMatch(q -> q.contains("/* pgvigil */"));
        }
    }

    /** The one row {@code sql} returns for {@code id}, by column name. */
    private static Map<String, Object> row(Connection c, String sql, long id) throws SQLException {
        try (var ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                return row;
            }
        }
    }

    private static Long asLong(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    /** The named columns of {@code row} as longs (null stays null), to compare with the record's fields in one go. */
    private static List<Long> longs(Map<String, Object> row, String... columns) {
        return Arrays.stream(columns).map(column -> asLong(row.get(column))).toList();
    }
}
