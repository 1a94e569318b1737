package dev.pgvigil.advisor.indexes;

import dev.pgvigil.catalogue.read.DatabaseScope;
import dev.pgvigil.advisor.AdvisorCommand.UsageException;
import dev.pgvigil.catalogue.read.ServerInfoReader;
import dev.pgvigil.catalogue.read.StatementsReader;
import dev.pgvigil.catalogue.read.StatementsView;
import dev.pgvigil.schema.StatementStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;

/**
 * The statements of the connected database, read by the collector's {@link StatementsReader} (its own
 * statements excluded), most time-consuming first.
 */
public final class WorkloadStatements {
    private WorkloadStatements() {}

    /** Query texts longer than this are cut by the reader: enough for any statement worth parsing. */
    private static final int QUERY_TEXT_MAX = 20_000;

    public static List<StatementStat> top(Connection c, int limit) throws SQLException {
        StatementsView view = StatementsReader.find(c).orElseThrow(() -> new UsageException(
                "pg_stat_statements is not installed in this database: run CREATE EXTENSION pg_stat_statements"
                        + " (the library must also be in shared_preload_libraries)"));
        String database = ServerInfoReader.read(c).database();
        try {
            return StatementsReader.read(c, view, QUERY_TEXT_MAX, DatabaseScope.only(database)).stream()
                    .filter(s -> s.getQuery() != null)
                    .sorted(Comparator.comparingDouble(StatementStat::getTotalExecTimeMs).reversed())
                    .limit(limit)
                    .toList();
        } catch (SQLException e) {
            if ("55000".equals(e.getSQLState())) {
                throw new UsageException("pg_stat_statements must be loaded through shared_preload_libraries: " + e.getMessage());
            }
            throw e;
        }
    }
}
