package dev.pgvigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.catalogue.read.ClusterStatements;
import org.junit.jupiter.api.Test;

/** Targets share statement texts only with targets on the same server as the same role, and only while one runs. */
class SharedClusterStatementsTest {
    private static TargetConfig target(String id, String url, String user) {
        return TargetConfig.of(id, url, user, null, null);
    }

    @Test
    void theDatabasesOfOneServerAndRoleShareTheirTextsUntilTheLastStops() {
        SharedClusterStatements shared = new SharedClusterStatements();
        TargetConfig orders = target("orders", "jdbc:postgresql://db1:5432/orders", "monitor");
        TargetConfig billing = target("billing", "postgresql://monitor@db1:5432/billing?sslmode=require", null);
        ClusterStatements first = shared.acquire(orders);
        assertThat(shared.acquire(billing)).as("same server, same role").isSameAs(first);

        assertThat(shared.acquire(target("other-role", "jdbc:postgresql://db1:5432/orders", "app"))).isNotSameAs(first);
        assertThat(shared.acquire(target("other-port", "jdbc:postgresql://db1:5433/orders", "monitor"))).isNotSameAs(first);
        assertThat(shared.acquire(target("socket", "jdbc:postgresql://localhost/orders?host=/run/a", "monitor")))
                .isNotSameAs(shared.acquire(target("socket-b", "jdbc:postgresql://localhost/orders?host=/run/b", "monitor")));
        assertThat(shared.clusters()).isEqualTo(5);

        shared.release(orders);
        assertThat(shared.acquire(target("again", "jdbc:postgresql://db1:5432/x", "monitor"))).as("billing still holds them").isSameAs(first);
        shared.release(billing);
        shared.release(target("again", "jdbc:postgresql://db1:5432/x", "monitor"));
        assertThat(shared.clusters()).as("the last of db1's monitor targets stopped").isEqualTo(4);
        assertThat(shared.acquire(orders)).isNotSameAs(first);
    }
}
