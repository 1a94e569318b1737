package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.SnapshotRef;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Index definitions kept from one read to the next: each DDL that changes a definition's text is seen
 * within {@link #SEEN_WITHIN} (as soon as the server's statistics count it), and every definition, column
 * list and predicate read through the cache then equals what pg_get_indexdef says at that moment.
 */
class IndexDefinitionCacheTest {
    /** The DDL's session reports its statistics within a second of its transaction (PostgreSQL 15), or at its exit. */
    static final Duration SEEN_WITHIN = Duration.ofSeconds(3);
    static LocalPostgres pg;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        pg.execute("postgres",
                "CREATE SCHEMA app",
                "CREATE COLLATION app.bytewise (provider = libc, locale = 'C')",
                "CREATE TABLE app.orders (id int PRIMARY KEY, customer int, note text, total numeric)",
                "CREATE INDEX orders_customer ON app.orders (customer)",
                "CREATE INDEX orders_customer_total ON app.orders (customer, total DESC) INCLUDE (note)",
                "CREATE INDEX orders_note ON app.orders (note COLLATE app.bytewise)",
                "CREATE INDEX orders_note_lower ON app.orders (lower(note))",
                "CREATE INDEX orders_big ON app.orders (total) WHERE total > 100");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void everyDdlThatChangesADefinitionIsSeenAsSoonAsTheServerCountsIt() throws Exception {
        try (Connection c = pg.connect("postgres")) {
            IndexDefinitionCache cache = new IndexDefinitionCache();
            assertReadEqualsServer(c, cache, 0);
            assertThat(cache.entries()).as("plain indexes kept, not those with an expression or a predicate").hasSize(4);
            assertReadEqualsServer(c, cache, 4);

            List<String> changes = List.of(
                    "ALTER TABLE app.orders RENAME COLUMN customer TO client",      // the table's pg_attribute, not pg_class
                    "ALTER TABLE app.orders RENAME TO purchases",
                    "ALTER SCHEMA app RENAME TO shop",
                    "ALTER INDEX shop.orders_customer RENAME TO purchases_client",
                    "ALTER INDEX shop.purchases_client SET (fillfactor = 70)",
                    "ALTER COLLATION shop.bytewise RENAME TO c_order",               // not the index's rows at all
                    "REINDEX INDEX CONCURRENTLY shop.purchases_client",
                    "ALTER TABLE shop.purchases RENAME COLUMN note TO remark",      // an INCLUDE column and a collated one
                    "CREATE INDEX purchases_remark_upper ON shop.purchases (upper(remark))",
                    "CREATE INDEX purchases_id_total ON shop.purchases (id, total)",
                    "DROP INDEX shop.orders_big");
            for (String ddl : changes) {
                Set<String> before = definitions(c);
                pg.execute("postgres", ddl);
                assertThat(definitions(c)).as("the test's premise: %s changes a definition or an index", ddl).isNotEqualTo(before);
                assertReadEqualsServerWithin(c, cache, ddl);
            }
            Thread.sleep(SEEN_WITHIN.toMillis()); // every count of the DDL sessions is in by now
            assertReadEqualsServer(c, cache, -1);
            int kept = cache.entries().size();
            assertThat(kept).isPositive();
            assertReadEqualsServer(c, cache, kept);

            pg.execute("postgres", "CREATE TEMP TABLE scratch (a int, b text)", "CREATE INDEX ON scratch (a)", "ANALYZE shop.purchases");
            Thread.sleep(SEEN_WITHIN.toMillis());
            assertReadEqualsServer(c, cache, kept); // temporary tables and ANALYZE leave every definition kept
        }
    }

    /** Reads until what the cache gives equals the server, which must happen within {@link #SEEN_WITHIN} of {@code ddl}. */
    private static void assertReadEqualsServerWithin(Connection c, IndexDefinitionCache cache, String ddl) throws Exception {
        long deadline = System.nanoTime() + SEEN_WITHIN.toNanos();
        while (true) {
            try {
                assertReadEqualsServer(c, cache, -1);
                return;
            } catch (AssertionError stale) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("still stale " + SEEN_WITHIN.toSeconds() + " s after " + ddl, stale);
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void aReaderDropsItsDefinitionsOnANewConnectionAndRefreshesThemEveryNReads() throws SQLException {
        SnapshotReader reader = new SnapshotReader(new SnapshotReader.Options(1000, new ActivityReader.Options(10, 0, 1000), 3, Duration.ZERO), DatabaseScope.ALL);
        try (Connection c = pg.connect("postgres")) {
            ServerInfo server = reader.server(c);
            List<Integer> reused = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                reader.read(c, ref(), server, ReadListener.NONE);
                reused.add(reader.indexDefinitions().reused());
            }
            int kept = reader.indexDefinitions().entries().size();
            assertThat(kept).isPositive();
            assertThat(reused).as("read afresh, reused twice, read afresh").containsExactly(0, kept, kept, 0);
        }
        try (Connection other = pg.connect("postgres")) {
            reader.read(other, ref(), reader.server(other), ReadListener.NONE);
            assertThat(reader.indexDefinitions().reused()).as("nothing carried over to another connection").isZero();
        }
    }

    /**
     * Reads through {@code cache} and holds each index's definition, columns and predicate to a read
     * without it and to pg_get_indexdef.
     *
     * @param expectReused how many definitions the read must take from the cache; -1: not checked
     */
    private static void assertReadEqualsServer(Connection c, IndexDefinitionCache cache, int expectReused) throws SQLException {
        List<IndexStat> cached = IndexesReader.read(c, Map.of(), cache, new SizeCache.Known<>());
        Map<Long, IndexStat> fresh = IndexesReader.read(c, Map.of()).stream()
                .collect(Collectors.toMap(IndexStat::getIndexRelid, Function.identity()));
        Map<Long, String> server = new HashMap<>();
        Map<Long, List<String>> serverColumns = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT s.indexrelid, pg_get_indexdef(s.indexrelid),
                               ARRAY(SELECT pg_get_indexdef(s.indexrelid, n, true) FROM generate_series(1, i.indnkeyatts::int) n ORDER BY n)
                        FROM pg_stat_user_indexes s JOIN pg_index i USING (indexrelid)""")) {
            while (rs.next()) {
                server.put(rs.getLong(1), rs.getString(2));
                serverColumns.put(rs.getLong(1), List.of((String[]) rs.getArray(3).getArray()));
            }
        }
        assertThat(cached).extracting(IndexStat::getIndexRelid).containsExactlyInAnyOrderElementsOf(server.keySet());
        for (IndexStat i : cached) {
            assertThat(i.getDefinition()).isEqualTo(server.get(i.getIndexRelid()));
            assertThat(i.getColumns()).as("key columns by their names now (a renamed column too)").isEqualTo(serverColumns.get(i.getIndexRelid()));
            IndexStat f = fresh.get(i.getIndexRelid());
            assertThat(List.of(i.getDefinition(), i.getColumns(), String.valueOf(i.getPredicate())))
                    .isEqualTo(List.of(f.getDefinition(), f.getColumns(), String.valueOf(f.getPredicate())));
        }
        if (expectReused >= 0) {
            assertThat(cache.reused()).isEqualTo(expectReused);
        }
    }

    /** Every user index as "indexrelid definition". */
    private static Set<String> definitions(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT indexrelid || ' ' || pg_get_indexdef(indexrelid) FROM pg_stat_user_indexes")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static SnapshotRef ref() {
        return new SnapshotRef("test", UUID.randomUUID().toString(), Instant.now());
    }
}
