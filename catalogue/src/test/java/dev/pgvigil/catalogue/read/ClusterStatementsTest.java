package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.StatementStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The readers of one cluster's databases read pg_stat_statements' counters once between them: each gets exactly
 * its own database's statements, as its own read would have, stamped with the time they were counted; no reader
 * gets the same read twice, and a read older than {@link ClusterStatements#SHARE_WITHIN} serves no one.
 */
class ClusterStatementsTest {
    private static LocalPostgres pg;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        pg.createDatabase("shop");
        pg.createDatabase("branch");
        pg.execute("shop", "CREATE EXTENSION pg_stat_statements", "CREATE TABLE orders (id int PRIMARY KEY, customer int)",
                "SELECT count(*) FROM orders WHERE customer = 3", "SELECT max(id) FROM orders");
        pg.execute("branch", "CREATE EXTENSION pg_stat_statements", "CREATE TABLE stock (sku int PRIMARY KEY, qty int)",
                "SELECT sum(qty) FROM stock WHERE sku < 10");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    /** What a reader told its listener of the statements. */
    private static final class Counted implements ReadListener {
        List<StatementStat> statements;
        Instant countedAt;

        @Override
        public void statements(List<StatementStat> statements, Instant countedAt) {
            this.statements = statements;
            this.countedAt = countedAt;
        }
    }

    @Test
    void oneReadOfTheCountersServesEveryDatabaseOfTheCluster() throws Exception {
        ClusterStatements cluster = new ClusterStatements();
        cluster.join();
        cluster.join();
        SnapshotReader shopReader = reader("shop", cluster);
        SnapshotReader branchReader = reader("branch", cluster);
        try (Connection shop = pg.connect("shop"); Connection branch = pg.connect("branch")) {
            SnapshotRef shopRef = ref();
            Counted shopRead = read(shopReader, shop, shopRef);
            SnapshotRef branchRef = ref();
            Counted branchRead = read(branchReader, branch, branchRef);

            assertThat(cluster.counterReads()).as("one read for both databases").isEqualTo(1);
            assertThat(shopRead.countedAt).as("read during its own snapshot").isEqualTo(shopRef.getCollectedAt());
            assertThat(branchRead.countedAt).as("counted before its snapshot began, and said so")
                    .isBefore(branchRef.getCollectedAt()).isAfterOrEqualTo(shopRef.getCollectedAt());
            assertSameAsOwnRead(shop, "shop", shopRead.statements);
            assertSameAsOwnRead(branch, "branch", branchRead.statements);
            assertThat(branchRead.statements).extracting(StatementStat::getDatname).containsOnly("branch");
            assertThat(branchRead.statements).extracting(StatementStat::getQuery).contains("SELECT sum(qty) FROM stock WHERE sku < $1");

            Counted again = read(branchReader, branch, ref());
            assertThat(cluster.counterReads()).as("a reader never gets the same read twice").isEqualTo(2);
            assertThat(again.countedAt).isAfter(branchRead.countedAt);

            Thread.sleep(ClusterStatements.SHARE_WITHIN.toMillis() + 100);
            pg.execute("shop", "SELECT count(*) FROM orders WHERE customer = 4");
            SnapshotRef lateRef = ref();
            Counted late = read(shopReader, shop, lateRef);
            assertThat(cluster.counterReads()).as("branch's read is too old to serve").isEqualTo(3);
            assertThat(late.countedAt).isEqualTo(lateRef.getCollectedAt());
            assertThat(late.statements).filteredOn(s -> s.getQuery().equals("SELECT count(*) FROM orders WHERE customer = $1"))
                    .singleElement().satisfies(s -> assertThat(s.getCalls()).isEqualTo(2));
        }
    }

    @Test
    void aReaderAloneOnItsClusterReadsOnlyItsOwnDatabase() throws Exception {
        ClusterStatements cluster = new ClusterStatements();
        cluster.join();
        try (Connection shop = pg.connect("shop")) {
            Counted read = read(reader("shop", cluster), shop, ref());
            assertThat(cluster.counterReads()).as("nothing shared: the server filters by database").isZero();
            assertSameAsOwnRead(shop, "shop", read.statements);
        }
    }

    private static Counted read(SnapshotReader reader, Connection c, SnapshotRef ref) throws SQLException {
        Counted counted = new Counted();
        reader.read(c, ref, reader.server(c), counted);
        return counted;
    }

    /** Exactly the statements and counters of a read of {@code database} alone, no other database's. */
    private static void assertSameAsOwnRead(Connection c, String database, List<StatementStat> shared) throws SQLException {
        StatementsView view = StatementsReader.find(c).orElseThrow();
        Map<List<Long>, Long> own = callsByKey(StatementsReader.read(c, view, 1000, DatabaseScope.only(database)));
        assertThat(own).isNotEmpty();
        assertThat(callsByKey(shared)).isEqualTo(own);
    }

    private static Map<List<Long>, Long> callsByKey(List<StatementStat> statements) {
        return statements.stream().collect(Collectors.toMap(s -> List.of(s.getQueryId(), s.getUserId(), s.getDbId()), StatementStat::getCalls));
    }

    private static SnapshotReader reader(String database, ClusterStatements cluster) {
        return new SnapshotReader(new SnapshotReader.Options(1000, new ActivityReader.Options(10, 0, 1000), 6, Duration.ZERO),
                DatabaseScope.only(database), cluster);
    }

    private static SnapshotRef ref() throws InterruptedException {
        Thread.sleep(5); // refs a few milliseconds apart, as cycles are
        return new SnapshotRef("test", UUID.randomUUID().toString(), Instant.now());
    }
}
