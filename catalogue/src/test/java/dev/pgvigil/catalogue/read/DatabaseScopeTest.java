package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.SessionInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.StatementStat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One cluster, its databases watched as targets of their own: a session idle in a transaction in one database
 * is that target's, not its neighbour's, while both count it among the cluster's connections; each target's
 * statements are its database's, and the server sends no others; and a target sizes its own database's
 * files, not its neighbours'.
 */
class DatabaseScopeTest {

    @Test
    void statementsAreTheScopedDatabasesAndTheServerSendsNoOthers() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start()) {
            pg.createDatabase("shop");
            pg.createDatabase("billing");
            pg.execute("postgres", "CREATE EXTENSION pg_stat_statements");
            pg.execute("shop", "CREATE TABLE carts (id int)", "SELECT count(*) FROM carts", "SELECT 1 AS shop_only");
            pg.execute("billing", "CREATE TABLE invoices (id int)", "SELECT count(*) FROM invoices");
            try (Connection c = pg.connect("postgres")) {
                StatementsView view = StatementsReader.find(c).orElseThrow();

                List<StatementStat> shop = StatementsReader.read(c, view, 2000, DatabaseScope.only("shop"));
                assertThat(shop).extracting(StatementStat::getDatname).containsOnly("shop");
                assertThat(shop).extracting(StatementStat::getQuery).anyMatch(q -> q.contains("carts")).noneMatch(q -> q.contains("invoices"));

                List<StatementStat> notShop = StatementsReader.read(c, view, 2000, new DatabaseScope(List.of(), List.of("shop")));
                assertThat(notShop).extracting(StatementStat::getDatname).doesNotContain("shop").contains("billing");

                assertThat(StatementsReader.read(c, view, 2000, DatabaseScope.ALL)).extracting(StatementStat::getDatname)
                        .contains("shop", "billing");

                // the read's own entry says how many rows the server returned: shop's alone, not the cluster's
                pg.execute("postgres", "SELECT pg_stat_statements_reset()");
                int shopRows = StatementsReader.read(c, view, 2000, DatabaseScope.only("shop")).size();
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT rows FROM pg_stat_statements "
                             + "WHERE query LIKE '%AS total_time%' AND query NOT LIKE '%pg_stat_statements_reset%'")) {
                    assertThat(rs.next()).as("the read's own entry").isTrue();
                    assertThat(rs.getLong("rows")).isEqualTo(shopRows);
                }
            }
        }
    }

    @Test
    void aSessionOfAnotherTargetsDatabaseCountsOnlyAsAConnection() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start()) {
            pg.createDatabase("shop");
            pg.createDatabase("billing");
            try (Connection idle = pg.connect("shop"); Statement s = idle.createStatement(); Connection c = pg.connect("postgres")) {
                s.execute("BEGIN");
                s.execute("SELECT txid_current()"); // idle in transaction from here on
                int pid;
                try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    pid = rs.getInt(1);
                }
                SnapshotRef ref = new SnapshotRef("i", "s", Instant.now());
                ActivityReader.Options options = new ActivityReader.Options(50, 0, 100);

                ActivitySnapshot shop = ActivityReader.read(c, ref, options, DatabaseScope.only("shop"));
                ActivitySnapshot billing = ActivityReader.read(c, ref, options, DatabaseScope.only("billing"));

                assertThat(shop.getIdleInTransactionCount()).isEqualTo(1);
                assertThat(shop.getSessions()).extracting(SessionInfo::getPid).contains(pid);
                assertThat(billing.getIdleInTransactionCount()).isZero();
                assertThat(billing.getSessions()).extracting(SessionInfo::getPid).doesNotContain(pid);
                assertThat(billing.getByDatabase()).doesNotContainKey("shop");
                assertThat(billing.getTotalConnections()).as("the cluster's connections, every database's")
                        .isEqualTo(shop.getTotalConnections()).isGreaterThanOrEqualTo(2);
                s.execute("ROLLBACK");
            }
        }
    }

    /**
     * billing's directory is made unsearchable, so sizing it fails on the server: shop's target still reads
     * its row, which it could not if pg_database_size ran for every database and the scope were applied after.
     */
    @Test
    void databaseSizesAreReadForTheScopedDatabasesOnly() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start()) {
            pg.createDatabase("shop");
            pg.createDatabase("billing");
            pg.execute("postgres", "CHECKPOINT"); // billing's files written, so nothing else needs its directory meanwhile
            try (Connection c = pg.connect("postgres")) {
                Path billing = Path.of(Rows.first(c, "SHOW data_directory", rs -> rs.getString(1)), "base",
                        Rows.first(c, "SELECT oid FROM pg_database WHERE datname = 'billing'", rs -> rs.getString(1)));
                var mode = Files.getPosixFilePermissions(billing);
                Files.setPosixFilePermissions(billing, PosixFilePermissions.fromString("r--r--r--"));
                try {
                    assertThatThrownBy(() -> DatabaseReader.read(c, DatabaseScope.ALL)).as("the probe: sizing billing fails")
                            .isInstanceOf(SQLException.class).hasMessageContaining("could not stat");
                    assertThat(DatabaseReader.read(c, DatabaseScope.only("shop"))).extracting(DatabaseStat::getDatname).containsExactly("shop");
                    assertThat(DatabaseReader.read(c, new DatabaseScope(List.of(), List.of("billing")))).extracting(DatabaseStat::getDatname)
                            .contains("shop", "postgres").doesNotContain("billing");
                } finally {
                    Files.setPosixFilePermissions(billing, mode);
                }
                assertThat(DatabaseReader.read(c, DatabaseScope.ALL)).extracting(DatabaseStat::getDatname).contains("shop", "billing");
            }
        }
    }
}
