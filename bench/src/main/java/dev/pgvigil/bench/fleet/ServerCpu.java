package dev.pgvigil.bench.fleet;

import dev.pgvigil.embedded.LocalFleet;
import dev.pgvigil.embedded.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU of the fleet's PostgreSQL servers from /proc: of every server process of every cluster (the workload's
 * sessions and the collectors' alike), and of the collectors' own sessions alone (application_name pgvigil).
 */
final class ServerCpu implements AutoCloseable {
    private final List<Long> postmasters = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();

    ServerCpu(LocalFleet fleet) throws SQLException {
        for (LocalPostgres pg : fleet.clusters().values()) {
            Connection c = pg.connect("postgres");
            connections.add(c);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                postmasters.add(ProcCpu.parent(rs.getLong(1)));
            }
        }
    }

    /** Every server process of every cluster, ns. */
    long total() {
        return postmasters.stream().mapToLong(ProcCpu::ofTree).sum();
    }

    /** The CPU so far of each session a collector has open now, by process id. */
    Map<Long, Long> collectorSessions() throws SQLException {
        Map<Long, Long> cpu = new HashMap<>();
        for (Connection c : connections) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE application_name = 'pgvigil'")) {
                while (rs.next()) {
                    long v = ProcCpu.of(rs.getLong(1));
                    if (v >= 0) {
                        cpu.put(rs.getLong(1), v);
                    }
                }
            }
        }
        return cpu;
    }

    /** CPU spent between two readings by the sessions present in both (a session opened in between is not counted). */
    static long between(Map<Long, Long> from, Map<Long, Long> to) {
        long sum = 0;
        for (var e : to.entrySet()) {
            Long before = from.get(e.getKey());
            if (before != null) {
                sum += e.getValue() - before;
            }
        }
        return sum;
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : connections) {
            c.close();
        }
    }
}
