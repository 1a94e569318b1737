package dev.pgvigil.advisor.indexes;

import dev.pgvigil.advisor.AdvisorCommand.UsageException;
import dev.pgvigil.rules.Sql;
import dev.pgvigil.schema.StatementStat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The statements of the connected database from pg_stat_statements, most time-consuming first. */
public final class WorkloadStatements {
    private WorkloadStatements() {}

    public static List<StatementStat> top(Connection c, int limit) throws SQLException {
        String schema;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("/* pgvigil */ SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                     + " WHERE e.extname = 'pg_stat_statements'")) {
            if (!rs.next()) {
                throw new UsageException("pg_stat_statements is not installed in this database: run CREATE EXTENSION pg_stat_statements"
                        + " (the library must be in shared_preload_libraries)");
            }
            schema = rs.getString(1);
        }
        List<StatementStat> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("/* pgvigil */ SELECT queryid, userid, dbid, query, calls, total_exec_time,"
                + " mean_exec_time, rows FROM " + Sql.quoteIdent(schema) + ".pg_stat_statements"
                + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND queryid IS NOT NULL"
                + " AND query NOT LIKE '/* pgvigil */%' AND query <> '<insufficient privilege>'"
                + " ORDER BY total_exec_time DESC LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(StatementStat.newBuilder()
                            .setQueryId(rs.getLong("queryid")).setUserId(rs.getLong("userid")).setDbId(rs.getLong("dbid"))
                            .setQuery(rs.getString("query")).setCalls(rs.getLong("calls"))
                            .setTotalExecTimeMs(rs.getDouble("total_exec_time")).setMeanExecTimeMs(rs.getDouble("mean_exec_time"))
                            .setMinExecTimeMs(0).setMaxExecTimeMs(0).setStddevExecTimeMs(0).setRows(rs.getLong("rows"))
                            .setSharedBlksHit(0).setSharedBlksRead(0).setSharedBlksDirtied(0).setSharedBlksWritten(0)
                            .setTempBlksRead(0).setTempBlksWritten(0).setBlkReadTimeMs(0).setBlkWriteTimeMs(0)
                            .build());
                }
            }
        } catch (SQLException e) {
            if ("55000".equals(e.getSQLState())) {
                throw new UsageException("pg_stat_statements must be loaded via shared_preload_libraries: " + e.getMessage());
            }
            throw e;
        }
        return result;
    }
}
