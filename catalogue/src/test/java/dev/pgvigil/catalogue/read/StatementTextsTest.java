package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.StatementStat;
import java.time.Duration;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Counters read without texts, texts read once per statement: a steady read asks for no text, a new
 * statement's text is fetched in the read that first sees it, a reset drops what is known, and every
 * read equals a read that knew nothing before.
 */
class StatementTextsTest {
    static LocalPostgres pg;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        pg.execute("postgres",
                "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE orders (id int PRIMARY KEY, customer int)",
                "INSERT INTO orders SELECT i, i % 7 FROM generate_series(1, 100) i",
                "SELECT count(*) FROM orders WHERE customer = 3",
                "CREATE DATABASE branch");
        pg.execute("branch",
                "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE stock (sku int PRIMARY KEY, qty int)",
                "SELECT sum(qty) FROM stock WHERE sku < 10");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void textsAreFetchedOnlyForStatementsNotSeenBefore() throws SQLException {
        try (Connection c = pg.connect("postgres")) {
            StatementsView view = StatementsReader.find(c).orElseThrow();
            StatementTexts texts = new StatementTexts();
            // the reader's own queries are new statements in the first reads; after them, nothing is new
            for (int i = 0; i < 3; i++) {
                assertEqualsAFreshRead(c, view, StatementsReader.read(c, view, 2000, DatabaseScope.ALL, texts, null));
            }
            int settled = texts.textReads();
            List<StatementStat> steady = StatementsReader.read(c, view, 2000, DatabaseScope.ALL, texts, null);
            assertThat(texts.textReads()).as("a read with no new statement reads no text").isEqualTo(settled);
            assertEqualsAFreshRead(c, view, steady);

            pg.execute("postgres", "SELECT max(id) FROM orders WHERE customer > 4");
            List<StatementStat> afterNew = StatementsReader.read(c, view, 2000, DatabaseScope.ALL, texts, null);
            assertThat(texts.textReads()).isEqualTo(settled + 1);
            assertThat(afterNew).extracting(StatementStat::getQuery).contains("SELECT max(id) FROM orders WHERE customer > $1");
            assertEqualsAFreshRead(c, view, afterNew);

            int beforeReset = texts.textReads();
            pg.execute("postgres", "SELECT pg_stat_statements_reset()");
            pg.execute("postgres", "SELECT count(*) FROM orders WHERE customer = 5");
            List<StatementStat> afterReset = StatementsReader.read(c, view, 2000, DatabaseScope.ALL, texts, null);
            assertThat(texts.textReads()).as("a reset drops every text known").isEqualTo(beforeReset + 1);
            assertThat(texts.texts().keySet()).as("only the keys present now are kept")
                    .hasSizeLessThanOrEqualTo(afterReset.size() + 4);
            assertEqualsAFreshRead(c, view, afterReset);
        }
    }

    /** Evictions are seen through pg_stat_statements_info (14+), so the periodic refresh keeps the texts. */
    @Test
    void aReaderKeepsItsTextsAcrossTheRefreshOfIndexDefinitions() throws SQLException {
        SnapshotReader reader = new SnapshotReader(new SnapshotReader.Options(1000, new ActivityReader.Options(10, 0, 1000), 2, Duration.ZERO), DatabaseScope.ALL);
        try (Connection c = pg.connect("postgres")) {
            ServerInfo server = reader.server(c);
            SnapshotRef ref = new SnapshotRef("i", "s", Instant.now());
            for (int i = 0; i < 3; i++) {
                reader.read(c, ref, server, ReadListener.NONE); // the reader's own statements are new in the first reads
            }
            int settled = reader.statementTexts().textReads();
            for (int i = 0; i < 4; i++) {
                Snapshot read = reader.read(c, ref, server, ReadListener.NONE);
                assertThat(read.statements()).isNotEmpty();
            }
            assertThat(reader.indexDefinitions().reused()).as("index definitions were refreshed meanwhile").isZero();
            assertThat(reader.statementTexts().textReads()).as("two refreshes later, no text read again").isEqualTo(settled);
        }
    }

    /**
     * One cluster watched as a target per database: the first reader that misses texts reads the server's
     * text file once for all of them; the other database's reader finds its texts there, and a statement new
     * since then is fetched by the reader that sees it and shared with the next.
     */
    @Test
    void theReadersOfOneClustersDatabasesReadTheTextFileOnceBetweenThem() throws SQLException {
        DatabaseScope shop = DatabaseScope.only("postgres");
        DatabaseScope branch = DatabaseScope.only("branch");
        try (Connection a = pg.connect("postgres"); Connection b = pg.connect("branch")) {
            StatementsView viewA = StatementsReader.find(a).orElseThrow();
            StatementsView viewB = StatementsReader.find(b).orElseThrow();
            // each database has run the reader's own statements once, as a target's earlier cycles would have
            StatementsReader.read(a, viewA, 2000, shop);
            StatementsReader.read(b, viewB, 2000, branch);

            ClusterStatements cluster = new ClusterStatements();
            StatementTexts textsA = new StatementTexts();
            List<StatementStat> readA = StatementsReader.read(a, viewA, 2000, shop, textsA, cluster);
            assertThat(cluster.fetches()).as("the first reader fetched every text of the cluster").isEqualTo(1);
            assertThat(textsA.textReads()).isZero();
            assertEqualsAFreshRead(a, viewA, shop, readA);

            StatementTexts textsB = new StatementTexts();
            List<StatementStat> readB = StatementsReader.read(b, viewB, 2000, branch, textsB, cluster);
            assertThat(cluster.fetches()).as("the other database's reader read no text file").isEqualTo(1);
            assertThat(textsB.textReads()).isZero();
            assertThat(readB).extracting(StatementStat::getQuery).contains("SELECT sum(qty) FROM stock WHERE sku < $1");
            assertEqualsAFreshRead(b, viewB, branch, readB);

            pg.execute("branch", "SELECT max(qty) FROM stock WHERE sku > 5");
            List<StatementStat> afterNew = StatementsReader.read(b, viewB, 2000, branch, textsB, cluster);
            assertThat(textsB.textReads()).as("a statement new since the cluster's fetch: this reader's own fetch").isEqualTo(1);
            assertThat(cluster.fetches()).isEqualTo(1);
            assertEqualsAFreshRead(b, viewB, branch, afterNew);
            StatementTexts anotherB = new StatementTexts();
            List<StatementStat> sharedNew = StatementsReader.read(b, viewB, 2000, branch, anotherB, cluster);
            assertThat(anotherB.textReads()).as("the new statement's text was shared").isZero();
            assertThat(sharedNew).extracting(StatementStat::getQuery).contains("SELECT max(qty) FROM stock WHERE sku > $1");

            pg.execute("postgres", "SELECT pg_stat_statements_reset()");
            pg.execute("branch", "SELECT count(*) FROM stock");
            List<StatementStat> afterReset = StatementsReader.read(b, viewB, 2000, branch, new StatementTexts(), cluster);
            assertThat(cluster.fetches()).as("a reset drops the cluster's texts too").isEqualTo(2);
            assertEqualsAFreshRead(b, viewB, branch, afterReset);
        }
    }

    @Test
    void pgvigilsOwnRunOfAUsersStatementLeavesTheUsersRunsCounted() throws SQLException {
        pg.execute("postgres", "SELECT id FROM orders WHERE customer = 6 ORDER BY id LIMIT 3");
        try (Connection c = pg.connect("postgres"); var s = c.createStatement()) {
            // as the advisor's planner does: its own PREPARE/EXECUTE of the user's statement is a nested row of the same key
            s.execute("PREPARE /* pgvigil */ probe AS SELECT id FROM orders WHERE customer = $1 ORDER BY id LIMIT $2");
            s.execute("EXECUTE /* pgvigil */ probe(6, 3)");
            StatementsView view = StatementsReader.find(c).orElseThrow();
            List<StatementStat> read = StatementsReader.read(c, view, 2000, DatabaseScope.ALL);
            assertThat(read).filteredOn(st -> st.getQuery().startsWith("SELECT id FROM orders WHERE customer = $1"))
                    .singleElement().satisfies(st -> assertThat(st.getCalls()).as("the user's run only").isEqualTo(1));
        }
    }

    @Test
    void pgvigilsOwnStatementsAreRecognisedWhereverTheMarkerIs() {
        assertThat(StatementsReader.isOwn("/* pgvigil */ SELECT 1")).as("the marker first, as pgvigil wrote it before").isTrue();
        assertThat(StatementsReader.isOwn("SELECT /* pgvigil */ 1")).as("PostgreSQL 18 keeps no leading comment").isTrue();
        assertThat(StatementsReader.isOwn("WITH /* pgvigil */ x AS (SELECT 1) SELECT * FROM x")).isTrue();
        assertThat(StatementsReader.isOwn("SELECT 1 /* pgvigil */")).as("a user's comment elsewhere").isFalse();
        assertThat(StatementsReader.isOwn("SELECT $1")).isFalse();
        assertThat(StatementsReader.isOwn(null)).isFalse();
    }

    /** The same statements, counters and texts as a read that starts with no texts known. */
    private static void assertEqualsAFreshRead(Connection c, StatementsView view, List<StatementStat> cached) throws SQLException {
        assertEqualsAFreshRead(c, view, DatabaseScope.ALL, cached);
    }

    private static void assertEqualsAFreshRead(Connection c, StatementsView view, DatabaseScope scope, List<StatementStat> cached)
            throws SQLException {
        Map<List<Long>, StatementStat> fresh = StatementsReader.read(c, view, 2000, scope).stream()
                .collect(Collectors.toMap(StatementTextsTest::key, s -> s));
        assertThat(cached).isNotEmpty();
        assertThat(cached).noneMatch(s -> StatementsReader.isOwn(s.getQuery()));
        for (StatementStat s : cached) {
            StatementStat f = fresh.get(key(s));
            assertThat(f).as("statement %s", s.getQuery()).isNotNull();
            assertThat(s.getQuery()).isEqualTo(f.getQuery());
            assertThat(s.getCalls()).as(s.getQuery()).isLessThanOrEqualTo(f.getCalls());
        }
        assertThat(fresh.keySet()).containsAll(cached.stream().map(StatementTextsTest::key).toList());
    }

    private static List<Long> key(StatementStat s) {
        return List.of(s.getQueryId(), s.getUserId(), s.getDbId());
    }
}
