package dev.pgvigil.collector.read;

import dev.pgvigil.schema.StatementStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * pg_stat_statements, one row per (queryid, userid, dbid). From 1.9 (PostgreSQL 14) a statement run
 * both at top level and nested has two rows; they are summed here so the key stays unique, with the
 * standard deviation recombined from each row's sum of squares.
 */
public final class StatementsReader {
    /** Statements the collector itself runs all start with this comment; pg_stat_statements keeps it. */
    public static final String OWN_TAG = "/* pgvigil */";

    static final String FIND_SQL = """
            /* pgvigil */ SELECT quote_ident(n.nspname) AS schema, e.extversion,
                   ARRAY(SELECT a.attname::text FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
                   EXISTS (SELECT 1 FROM pg_class i WHERE i.relname = 'pg_stat_statements_info' AND i.relnamespace = n.oid) AS has_info
            FROM pg_extension e
            JOIN pg_namespace n ON n.oid = e.extnamespace
            JOIN pg_class c ON c.relname = 'pg_stat_statements' AND c.relnamespace = n.oid
            WHERE e.extname = 'pg_stat_statements'""";

    /** %1$s schema, %2$s total, %3$s min, %4$s max, %5$s mean, %6$s stddev, %7$s/%8$s block read/write time, %9$s wal. */
    private static final String READ_SQL = """
            /* pgvigil */ SELECT s.queryid, s.userid, s.dbid, d.datname,
                   min(left(s.query, ?)) AS query,
                   sum(s.calls) AS calls,
                   sum(s.%2$s) AS total_time, min(s.%3$s) AS min_time, max(s.%4$s) AS max_time,
                   sum(s.calls * (s.%6$s * s.%6$s + s.%5$s * s.%5$s)) AS sum_sq,
                   sum(s.rows) AS rows,
                   sum(s.shared_blks_hit) AS shared_blks_hit, sum(s.shared_blks_read) AS shared_blks_read,
                   sum(s.shared_blks_dirtied) AS shared_blks_dirtied, sum(s.shared_blks_written) AS shared_blks_written,
                   sum(s.temp_blks_read) AS temp_blks_read, sum(s.temp_blks_written) AS temp_blks_written,
                   sum(s.%7$s) AS blk_read_time, sum(s.%8$s) AS blk_write_time,
                   %9$s AS wal_bytes
            FROM %1$s.pg_stat_statements s
            LEFT JOIN pg_database d ON d.oid = s.dbid
            WHERE s.queryid IS NOT NULL AND s.query NOT LIKE '/* pgvigil */%%'
            GROUP BY s.queryid, s.userid, s.dbid, d.datname""";

    private static final String INSUFFICIENT_PRIVILEGE = "<insufficient privilege>";

    private StatementsReader() {}

    /** The extension in the connected database, or empty when it is not installed there. */
    public static Optional<StatementsView> find(Connection c) throws SQLException {
        return Rows.list(c, FIND_SQL, rs -> new StatementsView(rs.getString("schema"), rs.getString("extversion"),
                        new HashSet<>(Rows.texts(rs, "columns")), rs.getBoolean("has_info")))
                .stream().findFirst();
    }

    static String sql(StatementsView view) {
        return READ_SQL.formatted(view.schema(), view.timeColumn("total"), view.timeColumn("min"), view.timeColumn("max"),
                view.timeColumn("mean"), view.timeColumn("stddev"), view.blockTimeColumn("read"), view.blockTimeColumn("write"),
                view.hasWalBytes() ? "sum(s.wal_bytes)" : "NULL::numeric");
    }

    /** Fails (SQLState 55000) when the library is not in shared_preload_libraries. */
    public static List<StatementStat> read(Connection c, StatementsView view, int queryTextMaxLength, Predicate<String> includeDatabase)
            throws SQLException {
        return Rows.list(c, sql(view), ps -> ps.setInt(1, queryTextMaxLength), rs -> {
                    long calls = rs.getLong("calls");
                    double total = rs.getDouble("total_time");
                    double mean = calls > 0 ? total / calls : 0.0;
                    double variance = calls > 0 ? rs.getDouble("sum_sq") / calls - mean * mean : 0.0;
                    String query = rs.getString("query");
                    return StatementStat.newBuilder()
                            .setQueryId(rs.getLong("queryid"))
                            .setUserId(rs.getLong("userid"))
                            .setDbId(rs.getLong("dbid"))
                            .setDatname(rs.getString("datname"))
                            .setQuery(INSUFFICIENT_PRIVILEGE.equals(query) ? null : QueryText.scrub(query))
                            .setCalls(calls)
                            .setTotalExecTimeMs(total)
                            .setMeanExecTimeMs(mean)
                            .setMinExecTimeMs(rs.getDouble("min_time"))
                            .setMaxExecTimeMs(rs.getDouble("max_time"))
                            .setStddevExecTimeMs(Math.sqrt(Math.max(0.0, variance)))
                            .setRows(rs.getLong("rows"))
                            .setSharedBlksHit(rs.getLong("shared_blks_hit"))
                            .setSharedBlksRead(rs.getLong("shared_blks_read"))
                            .setSharedBlksDirtied(rs.getLong("shared_blks_dirtied"))
                            .setSharedBlksWritten(rs.getLong("shared_blks_written"))
                            .setTempBlksRead(rs.getLong("temp_blks_read"))
                            .setTempBlksWritten(rs.getLong("temp_blks_written"))
                            .setBlkReadTimeMs(rs.getDouble("blk_read_time"))
                            .setBlkWriteTimeMs(rs.getDouble("blk_write_time"))
                            .setWalBytes(Rows.longOrNull(rs, "wal_bytes"))
                            .build();
                })
                .stream().filter(s -> includeDatabase.test(s.getDatname())).toList();
    }

    /** pg_stat_statements_info.stats_reset (1.9+, PostgreSQL 14): when every statement's counters restarted. */
    public static Instant statsReset(Connection c, StatementsView view) throws SQLException {
        if (!view.hasInfo()) {
            return null;
        }
        return Rows.list(c, statsResetSql(view), rs -> Optional.ofNullable(Rows.instant(rs, "stats_reset"))).get(0).orElse(null);
    }

    static String statsResetSql(StatementsView view) {
        return "/* pgvigil */ SELECT stats_reset FROM " + view.schema() + ".pg_stat_statements_info";
    }
}
