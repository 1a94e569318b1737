package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.SessionInfo;
import dev.pgvigil.schema.SnapshotRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * One cluster, its databases watched as targets of their own: a session idle in a transaction in one database
 * is that target's, not its neighbour's, while both count it among the cluster's connections.
 */
class ActivityScopeTest {

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

                ActivitySnapshot shop = ActivityReader.read(c, ref, options, "shop"::equals);
                ActivitySnapshot billing = ActivityReader.read(c, ref, options, "billing"::equals);

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
}
