package dev.pgvigil.bench.sidebyside;

import dev.pgvigil.embedded.LocalFleet;
import dev.pgvigil.embedded.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What monitoring costs the monitored servers: the server time of the monitoring role's statements as
 * pg_stat_statements counts it (both stacks log in as {@link LocalFleet#MONITOR}), summed over the clusters.
 */
final class MonitorCost {
    /**
     * Server time (ms) and calls of the monitoring role's statements since the last {@link #reset}, and the
     * server time of the costliest statement shapes ({@link #SHAPE}), largest first.
     */
    record Reading(double serverMs, long calls, long statements, Map<String, Double> topMs) {}

    /**
     * A statement's shape: its first words and the last catalogue relation it reads from, so that one query
     * run in many databases (a queryid per database) counts once, and pgvigil's queries, which all begin
     * with the same CTE, are told apart.
     */
    private static final String SHAPE = "left(regexp_replace(query, '\\s+', ' ', 'g'), 28) || ' … ' || coalesce(substring(query from '.*FROM\\s+(pg_\\w+)'), '')";
    private static final int TOP = 6;

    private MonitorCost() {}

    /** One database per cluster with the extension: pg_stat_statements is one store per cluster. */
    private static Map<String, LocalFleet.Target> onePerCluster(LocalFleet fleet) {
        Map<String, LocalFleet.Target> first = new LinkedHashMap<>();
        fleet.targets().forEach(t -> first.putIfAbsent(t.cluster(), t));
        return first;
    }

    static void reset(LocalFleet fleet) {
        onePerCluster(fleet).values().forEach(t -> t.pg().execute(t.database(), "SELECT pg_stat_statements_reset()"));
    }

    static Reading read(LocalFleet fleet) {
        double ms = 0;
        long calls = 0;
        long statements = 0;
        Map<String, Double> byShape = new HashMap<>();
        for (LocalFleet.Target t : onePerCluster(fleet).values()) {
            // one read per cluster: the totals are the sums over the shapes
            try (Connection c = t.pg().connect(t.database()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT " + SHAPE + ", sum(total_exec_time), sum(calls), count(*) FROM pg_stat_statements(true) "
                         + "WHERE userid = '" + LocalFleet.MONITOR + "'::regrole GROUP BY 1")) {
                while (rs.next()) {
                    byShape.merge(rs.getString(1), rs.getDouble(2), Double::sum);
                    ms += rs.getDouble(2);
                    calls += rs.getLong(3);
                    statements += rs.getLong(4);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        Map<String, Double> top = new LinkedHashMap<>();
        byShape.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(TOP)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        return new Reading(ms, calls, statements, top);
    }

    /** Mean server time (ms) of reading pg_stat_statements with texts and without, as the monitoring role. */
    record ShowText(double withTextsMs, double withoutTextsMs, long rows) {}

    /**
     * Both forms {@code runs} times on one connection as the monitoring role; their server time from
     * pg_stat_statements itself (the two have different target lists, hence different queryids).
     */
    static ShowText showText(LocalPostgres pg, String database, String password, int runs) {
        String with = "SELECT /* bench-showtext-with */ userid, dbid, toplevel, queryid, query, calls, total_exec_time FROM pg_stat_statements(true)";
        String without = "SELECT /* bench-showtext-without */ userid, dbid, toplevel, queryid, calls, total_exec_time FROM pg_stat_statements(false)";
        long rows = 0;
        try (Connection c = pg.connect(database, LocalFleet.MONITOR, password); Statement s = c.createStatement()) {
            for (int i = 0; i < runs; i++) {
                for (String sql : new String[] {with, without}) {
                    try (ResultSet rs = s.executeQuery(sql)) {
                        rows = 0;
                        while (rs.next()) {
                            rows++;
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Double> mean = new LinkedHashMap<>();
        try (Connection c = pg.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT query, mean_exec_time FROM pg_stat_statements WHERE query LIKE '%bench-showtext-%'")) {
            while (rs.next()) {
                mean.put(rs.getString(1).contains("showtext-without") ? "without" : "with", rs.getDouble(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new ShowText(mean.getOrDefault("with", Double.NaN), mean.getOrDefault("without", Double.NaN), rows);
    }
}
