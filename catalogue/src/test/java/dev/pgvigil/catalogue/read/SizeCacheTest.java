package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.TableStat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sizes kept between refreshes: a relation that only grew keeps the size measured before, one created or
 * rewritten since is measured at once, and a due refresh, a new connection or a reader without a refresh
 * period measures everything. Each expectation is held to the size functions' answer at that moment.
 */
class SizeCacheTest {
    private static final String ROWS = "INSERT INTO app.%s SELECT g, repeat(md5(g::text), %d) FROM generate_series(%d, %d) g";
    private static LocalPostgres pg;

    @BeforeAll
    static void startWithThreeTables() {
        pg = LocalPostgres.start();
        pg.execute("postgres", "CREATE SCHEMA app");
        for (String table : List.of("grows", "truncated", "rewritten")) {
            pg.execute("postgres", "CREATE TABLE app.%s (id int PRIMARY KEY, payload text)".formatted(table),
                    ROWS.formatted(table, 4, 1, table.equals("rewritten") ? 4_000 : 2_000));
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void betweenRefreshesOnlyNewAndRewrittenRelationsAreMeasured() throws SQLException {
        SnapshotReader reader = reader(Duration.ofHours(1));
        try (Connection c = pg.connect("postgres")) {
            ServerInfo server = reader.server(c);
            Snapshot before = reader.read(c, ref(), server, ReadListener.NONE);
            long databaseBefore = before.databases().get(0).getSizeBytes();
            assertThat(databaseBefore).isEqualTo(databaseSize(c));

            pg.execute("postgres",
                    ROWS.formatted("grows", 300, 2_001, 6_000),  // long values: its toast table grows too
                    "TRUNCATE app.truncated",
                    "DELETE FROM app.rewritten WHERE id > 100",
                    "VACUUM FULL app.rewritten",
                    "CREATE TABLE app.fresh (id int PRIMARY KEY, payload text)",
                    ROWS.formatted("fresh", 4, 1, 1_000));
            Snapshot after = reader.read(c, ref(), server, ReadListener.NONE);

            TableStat grewBefore = table(before, "grows");
            TableStat grew = table(after, "grows");
            assertThat(heapSize(c, "app.grows")).as("the premise: the table grew").isGreaterThan(grewBefore.getHeapSizeBytes());
            assertThat(grew.getHeapSizeBytes()).as("heap kept").isEqualTo(grewBefore.getHeapSizeBytes());
            assertThat(grew.getToastSizeBytes()).as("toast kept").isEqualTo(grewBefore.getToastSizeBytes());
            assertThat(index(after, "grows_pkey").getSizeBytes()).as("index kept").isEqualTo(index(before, "grows_pkey").getSizeBytes());
            assertThat(grew.getIndexesSizeBytes()).isEqualTo(index(after, "grows_pkey").getSizeBytes());

            assertThat(table(before, "truncated").getHeapSizeBytes()).isPositive();
            assertMeasuredNow(c, after, "truncated");
            assertThat(table(after, "truncated").getHeapSizeBytes()).isZero();
            assertThat(heapSize(c, "app.rewritten")).as("the premise: VACUUM FULL shrank it").isLessThan(table(before, "rewritten").getHeapSizeBytes());
            assertMeasuredNow(c, after, "rewritten");
            assertMeasuredNow(c, after, "fresh");
            assertThat(table(after, "fresh").getHeapSizeBytes()).isPositive();

            assertThat(databaseSize(c)).as("the premise: the database changed size").isNotEqualTo(databaseBefore);
            assertThat(after.databases().get(0).getSizeBytes()).as("database size kept").isEqualTo(databaseBefore);

            Snapshot everything = reader(Duration.ZERO).read(c, ref(), server, ReadListener.NONE);
            for (String table : new String[] {"grows", "truncated", "rewritten", "fresh"}) {
                assertMeasuredNow(c, everything, table);
            }
            assertThat(everything.databases().get(0).getSizeBytes()).isEqualTo(databaseSize(c));
        }
        try (Connection other = pg.connect("postgres")) {
            Snapshot onOther = reader.read(other, ref(), reader.server(other), ReadListener.NONE);
            assertMeasuredNow(other, onOther, "grows");
            assertThat(onOther.databases().get(0).getSizeBytes()).as("nothing carried over to another connection").isEqualTo(databaseSize(other));
        }
    }

    @Test
    void aDueRefreshMeasuresEverythingAgain() throws Exception {
        pg.execute("postgres", "CREATE TABLE app.refreshed (id int PRIMARY KEY, payload text)", ROWS.formatted("refreshed", 4, 1, 100));
        SnapshotReader reader = reader(Duration.ofSeconds(3));
        try (Connection c = pg.connect("postgres")) {
            ServerInfo server = reader.server(c);
            long first = table(reader.read(c, ref(), server, ReadListener.NONE), "refreshed").getHeapSizeBytes();
            pg.execute("postgres", ROWS.formatted("refreshed", 4, 101, 5_000));
            assertThat(table(reader.read(c, ref(), server, ReadListener.NONE), "refreshed").getHeapSizeBytes()).as("within the refresh period").isEqualTo(first);
            Thread.sleep(3_100);
            assertMeasuredNow(c, reader.read(c, ref(), server, ReadListener.NONE), "refreshed");
        }
    }

    /** The table's heap, toast and indexes as the size functions give them now, and its index likewise. */
    private static void assertMeasuredNow(Connection c, Snapshot s, String table) throws SQLException {
        TableStat t = table(s, table);
        String name = "app." + table;
        assertThat(t.getHeapSizeBytes()).as("%s heap", table).isEqualTo(heapSize(c, name));
        assertThat(t.getToastSizeBytes()).as("%s toast", table).isEqualTo(one(c,
                "SELECT coalesce(pg_total_relation_size(nullif(reltoastrelid, 0)), 0) FROM pg_class WHERE oid = ?::regclass", name));
        assertThat(t.getIndexesSizeBytes()).as("%s indexes", table).isEqualTo(one(c, "SELECT pg_indexes_size(?::regclass)", name));
        assertThat(index(s, table + "_pkey").getSizeBytes()).as("%s index", table).isEqualTo(heapSize(c, name + "_pkey"));
    }

    private static SnapshotReader reader(Duration sizeRefresh) {
        return new SnapshotReader(new SnapshotReader.Options(1000, new ActivityReader.Options(10, 0, 1000), 6, sizeRefresh), DatabaseScope.ALL);
    }

    private static TableStat table(Snapshot s, String name) {
        return s.tables().stream().filter(t -> t.getTableName().equals(name)).findFirst().orElseThrow();
    }

    private static IndexStat index(Snapshot s, String name) {
        return s.indexes().stream().filter(i -> i.getIndexName().equals(name)).findFirst().orElseThrow();
    }

    private static long heapSize(Connection c, String relation) throws SQLException {
        return one(c, "SELECT pg_relation_size(?::regclass)", relation);
    }

    private static long databaseSize(Connection c) throws SQLException {
        return one(c, "SELECT pg_database_size(current_database())", null);
    }

    private static long one(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static SnapshotRef ref() {
        return new SnapshotRef("test", UUID.randomUUID().toString(), Instant.now());
    }
}
