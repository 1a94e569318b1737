package dev.pgvigil.catalogue.read;

import dev.pgvigil.schema.StatementStat;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * pg_stat_statements, one row per (queryid, userid, dbid). From 1.9 (PostgreSQL 14) a statement run
 * both at top level and nested has two rows; they are summed here so the key stays unique, with the
 * standard deviation recombined from each row's sum of squares.
 */
public final class StatementsReader {
    /** The comment every statement pgvigil runs carries, so that its own statements are not judged as the workload. */
    public static final String OWN_TAG = "/* pgvigil */";

    static final String FIND_SQL = """
            SELECT /* pgvigil */ quote_ident(n.nspname) AS schema, e.extversion,
                   ARRAY(SELECT a.attname::text FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
                   EXISTS (SELECT 1 FROM pg_class i WHERE i.relname = 'pg_stat_statements_info' AND i.relnamespace = n.oid) AS has_info
            FROM pg_extension e
            JOIN pg_namespace n ON n.oid = e.extnamespace
            JOIN pg_class c ON c.relname = 'pg_stat_statements' AND c.relnamespace = n.oid
            WHERE e.extname = 'pg_stat_statements'""";

    /**
     * One row per pg_stat_statements entry, without its text (see {@link StatementTexts}); the rows of one
     * key are summed here rather than with GROUP BY on the server, whose numeric sums cost more than the
     * whole scan (and a numeric is dearer to read than a bigint or double). %1$s schema, %2$s total,
     * %3$s min, %4$s max, %5$s mean, %6$s stddev, %7$s/%8$s block read/write time, %9$s wal, %10$s toplevel.
     */
    private static final String READ_SQL = """
            SELECT /* pgvigil */ s.queryid, s.userid, s.dbid, %10$s AS toplevel, d.datname, s.calls,
                   s.%2$s AS total_time, s.%3$s AS min_time, s.%4$s AS max_time, s.%5$s AS mean_time, s.%6$s AS stddev_time,
                   s.rows, s.shared_blks_hit, s.shared_blks_read, s.shared_blks_dirtied, s.shared_blks_written,
                   s.temp_blks_read, s.temp_blks_written, s.%7$s AS blk_read_time, s.%8$s AS blk_write_time,
                   %9$s AS wal_bytes
            FROM %1$s.pg_stat_statements(false) s
            LEFT JOIN pg_database d ON d.oid = s.dbid
            WHERE s.queryid IS NOT NULL AND %11$s""";

    /** The texts of the statements whose ids are given (bigint[]), cut to a length (the first parameter). */
    private static final String TEXTS_SQL = """
            SELECT /* pgvigil */ s.queryid, s.userid, s.dbid, %2$s AS toplevel, left(s.query, ?) AS query
            FROM %1$s.pg_stat_statements(true) s
            WHERE s.queryid = ANY (?)""";

    /** The texts of every statement of the cluster, cut to a length (the parameter): see {@link ClusterStatements}. */
    private static final String ALL_TEXTS_SQL = """
            SELECT /* pgvigil */ s.queryid, s.userid, s.dbid, %2$s AS toplevel, left(s.query, ?) AS query
            FROM %1$s.pg_stat_statements(true) s
            WHERE s.queryid IS NOT NULL""";

    /** What moves when entries are evicted or every counter is reset (1.9+, PostgreSQL 14). */
    private static final String INFO_SQL = "SELECT /* pgvigil */ dealloc || ' ' || coalesce(stats_reset::text, '') AS mark FROM %1$s.pg_stat_statements_info";

    private static final String INSUFFICIENT_PRIVILEGE = "<insufficient privilege>";

    private StatementsReader() {}

    /** The extension in the connected database, or empty when it is not installed there. */
    public static Optional<StatementsView> find(Connection c) throws SQLException {
        return Rows.list(c, FIND_SQL, rs -> new StatementsView(rs.getString("schema"), rs.getString("extversion"),
                        new HashSet<>(Rows.texts(rs, "columns")), rs.getBoolean("has_info")))
                .stream().findFirst();
    }

    static String infoSql(StatementsView view) {
        return INFO_SQL.formatted(view.schema());
    }

    static String textsSql(StatementsView view) {
        return TEXTS_SQL.formatted(view.schema(), view.toplevelColumn());
    }

    static String allTextsSql(StatementsView view) {
        return ALL_TEXTS_SQL.formatted(view.schema(), view.toplevelColumn());
    }

    static String sql(StatementsView view) {
        return READ_SQL.formatted(view.schema(), view.timeColumn("total"), view.timeColumn("min"), view.timeColumn("max"),
                view.timeColumn("mean"), view.timeColumn("stddev"), view.blockTimeColumn("read"), view.blockTimeColumn("write"),
                view.hasWalBytes() ? "s.wal_bytes::bigint" : "NULL::bigint", view.toplevelColumn(),
                DatabaseScope.sql("d.datname"));
    }

    /**
     * One read of the counters (no texts): what pg_stat_statements_info said just before, and when it was read.
     * Its rows are never changed once read, so one read can serve the readers of several databases.
     *
     * @param infoMark dealloc and stats_reset (14+), or null where there is no pg_stat_statements_info
     */
    record Counters(StatementsView view, Instant readAt, long readNanos, String infoMark, List<Entry> rows) {}

    /** One read with no texts known before: for one-off reads. */
    public static List<StatementStat> read(Connection c, StatementsView view, int queryTextMaxLength, DatabaseScope databases)
            throws SQLException {
        return read(c, view, queryTextMaxLength, databases, new StatementTexts(), null);
    }

    /**
     * Fails (SQLState 55000) when the library is not in shared_preload_libraries. pgvigil's own statements
     * (see {@link #isOwn}) are left out.
     *
     * @param texts the texts read before on this connection; left holding this read's
     * @param cluster the texts shared by the readers of the same cluster and role, or null for none
     */
    public static List<StatementStat> read(Connection c, StatementsView view, int queryTextMaxLength, DatabaseScope databases,
                                           StatementTexts texts, ClusterStatements cluster) throws SQLException {
        return statements(c, view, queryTextMaxLength, databases, counters(c, view, databases), texts, cluster);
    }

    /** The counters of the statements of {@code databases}. */
    static Counters counters(Connection c, StatementsView view, DatabaseScope databases) throws SQLException {
        String infoMark = view.hasInfo() ? Rows.list(c, infoSql(view), rs -> rs.getString("mark")).get(0) : null;
        Instant readAt = Instant.now();
        long readNanos = System.nanoTime();
        List<Entry> rows = new ArrayList<>();
        Rows.forEach(c, sql(view), ps -> databases.bind(c, ps, 1), rs -> rows.add(new Entry(rs, rs.getString("datname"))));
        return new Counters(view, readAt, readNanos, infoMark, List.copyOf(rows));
    }

    /**
     * The statements of {@code databases} among {@code counters}' rows (which may hold other databases' too),
     * with their texts.
     *
     * @param texts the texts read before on this connection; left holding this read's
     * @param cluster the texts shared by the readers of the same cluster and role, or null for none
     */
    static List<StatementStat> statements(Connection c, StatementsView view, int queryTextMaxLength, DatabaseScope databases,
                                          Counters counters, StatementTexts texts, ClusterStatements cluster) throws SQLException {
        String infoMark = counters.infoMark();
        if (infoMark != null) {
            texts.checkInfo(infoMark);
        }
        List<Entry> rows = counters.rows().stream().filter(r -> databases.test(r.datname)).toList();
        Set<StatementTexts.Key> present = new HashSet<>();
        rows.forEach(r -> present.add(r.key()));
        Set<StatementTexts.Key> missing = new HashSet<>(present);
        missing.removeAll(texts.texts().keySet());
        Map<StatementTexts.Key, String> fetched = new HashMap<>();
        // evictions must be visible (infoMark) for texts kept beyond one connection to stay right
        boolean shared = cluster != null && infoMark != null;
        if (shared && !missing.isEmpty()) {
            fetched.putAll(cluster.texts(missing, infoMark, () -> fetchTexts(c, view, queryTextMaxLength, null)));
            missing.removeAll(fetched.keySet());
        }
        if (!missing.isEmpty()) {
            Map<StatementTexts.Key, String> own = fetchTexts(c, view, queryTextMaxLength, missing);
            texts.fetchedOnce();
            if (shared) {
                cluster.add(own, infoMark);
            }
            fetched.putAll(own);
        }
        texts.keep(present, fetched);
        // a row is judged by its own text: pgvigil's EXPLAIN of a user's statement is a nested row of that
        // statement's key (track = all), which must not take the user's row with it
        Map<List<Long>, Entry> byStatement = new LinkedHashMap<>();
        for (Entry row : rows) {
            String query = texts.texts().get(row.key());
            if (!isOwn(query)) {
                byStatement.merge(List.of(row.queryId, row.userId, row.dbId), row.withQuery(query), Entry::add);
            }
        }
        List<StatementStat> out = new ArrayList<>(byStatement.size());
        for (Entry e : byStatement.values()) {
            out.add(e.toStat());
        }
        return out;
    }

    /**
     * Whether a statement text is one of pgvigil's: every query pgvigil sends carries the marker comment
     * at its start or right after its first keyword (PostgreSQL 18 stores texts without a leading comment).
     */
    public static boolean isOwn(String text) {
        if (text == null) {
            return false;
        }
        if (text.startsWith(OWN_TAG)) {
            return true;
        }
        int space = text.indexOf(' ');
        return space > 0 && text.startsWith(OWN_TAG, space + 1);
    }

    /**
     * The texts of {@code keys} in one read of the text file, or of every statement the server holds when
     * {@code keys} is null.
     */
    private static Map<StatementTexts.Key, String> fetchTexts(Connection c, StatementsView view, int queryTextMaxLength,
                                                              Set<StatementTexts.Key> keys) throws SQLException {
        Map<StatementTexts.Key, String> fetched = new HashMap<>();
        Rows.forEach(c, keys == null ? allTextsSql(view) : textsSql(view), ps -> {
            ps.setInt(1, queryTextMaxLength);
            if (keys != null) {
                ps.setArray(2, c.createArrayOf("int8", keys.stream().map(StatementTexts.Key::queryId).distinct().toArray()));
            }
        }, rs -> {
            var key = new StatementTexts.Key(rs.getLong("queryid"), rs.getLong("userid"), rs.getLong("dbid"), rs.getBoolean("toplevel"));
            String text = rs.getString("query");
            if (text != null && (keys == null || keys.contains(key))) {
                fetched.put(key, text);
            }
        });
        return fetched;
    }

    /**
     * The sum of a key's rows, as the server would aggregate them: counters and times summed, min of
     * mins, max of maxes, and the sum of squares (calls * (stddev^2 + mean^2)) from which the combined
     * standard deviation follows.
     */
    static final class Entry {
        final long queryId;
        final long userId;
        final long dbId;
        final String datname;
        final boolean toplevel;
        /** Of a statement's two rows (top level and nested, 1.9+), the smaller text, as min() would. */
        String query;
        long calls;
        double totalTime;
        double minTime;
        double maxTime;
        double sumSq;
        long rows;
        long sharedBlksHit;
        long sharedBlksRead;
        long sharedBlksDirtied;
        long sharedBlksWritten;
        long tempBlksRead;
        long tempBlksWritten;
        double blkReadTime;
        double blkWriteTime;
        Long walBytes;

        Entry(ResultSet rs, String datname) throws SQLException {
            queryId = rs.getLong("queryid");
            userId = rs.getLong("userid");
            dbId = rs.getLong("dbid");
            this.datname = datname;
            toplevel = rs.getBoolean("toplevel");
            calls = rs.getLong("calls");
            totalTime = rs.getDouble("total_time");
            minTime = rs.getDouble("min_time");
            maxTime = rs.getDouble("max_time");
            double mean = rs.getDouble("mean_time");
            double stddev = rs.getDouble("stddev_time");
            sumSq = calls * (stddev * stddev + mean * mean);
            rows = rs.getLong("rows");
            sharedBlksHit = rs.getLong("shared_blks_hit");
            sharedBlksRead = rs.getLong("shared_blks_read");
            sharedBlksDirtied = rs.getLong("shared_blks_dirtied");
            sharedBlksWritten = rs.getLong("shared_blks_written");
            tempBlksRead = rs.getLong("temp_blks_read");
            tempBlksWritten = rs.getLong("temp_blks_written");
            blkReadTime = rs.getDouble("blk_read_time");
            blkWriteTime = rs.getDouble("blk_write_time");
            walBytes = Rows.longOrNull(rs, "wal_bytes");
        }

        private Entry(Entry o) {
            queryId = o.queryId;
            userId = o.userId;
            dbId = o.dbId;
            datname = o.datname;
            toplevel = o.toplevel;
            query = o.query;
            calls = o.calls;
            totalTime = o.totalTime;
            minTime = o.minTime;
            maxTime = o.maxTime;
            sumSq = o.sumSq;
            rows = o.rows;
            sharedBlksHit = o.sharedBlksHit;
            sharedBlksRead = o.sharedBlksRead;
            sharedBlksDirtied = o.sharedBlksDirtied;
            sharedBlksWritten = o.sharedBlksWritten;
            tempBlksRead = o.tempBlksRead;
            tempBlksWritten = o.tempBlksWritten;
            blkReadTime = o.blkReadTime;
            blkWriteTime = o.blkWriteTime;
            walBytes = o.walBytes;
        }

        /** A copy with this row's text, to merge into: the row itself stays as read, for the other readers of its read. */
        Entry withQuery(String text) {
            Entry copy = new Entry(this);
            copy.query = text;
            return copy;
        }

        StatementTexts.Key key() {
            return new StatementTexts.Key(queryId, userId, dbId, toplevel);
        }

        Entry add(Entry o) {
            if (query == null || (o.query != null && o.query.compareTo(query) < 0)) {
                query = o.query;
            }
            calls += o.calls;
            totalTime += o.totalTime;
            minTime = Math.min(minTime, o.minTime);
            maxTime = Math.max(maxTime, o.maxTime);
            sumSq += o.sumSq;
            rows += o.rows;
            sharedBlksHit += o.sharedBlksHit;
            sharedBlksRead += o.sharedBlksRead;
            sharedBlksDirtied += o.sharedBlksDirtied;
            sharedBlksWritten += o.sharedBlksWritten;
            tempBlksRead += o.tempBlksRead;
            tempBlksWritten += o.tempBlksWritten;
            blkReadTime += o.blkReadTime;
            blkWriteTime += o.blkWriteTime;
            walBytes = walBytes == null ? o.walBytes : o.walBytes == null ? walBytes : Long.valueOf(walBytes + o.walBytes);
            return this;
        }

        StatementStat toStat() {
            double mean = calls > 0 ? totalTime / calls : 0.0;
            double variance = calls > 0 ? sumSq / calls - mean * mean : 0.0;
            return StatementStat.newBuilder()
                    .setQueryId(queryId)
                    .setUserId(userId)
                    .setDbId(dbId)
                    .setDatname(datname)
                    .setQuery(INSUFFICIENT_PRIVILEGE.equals(query) ? null : QueryText.scrub(query))
                    .setCalls(calls)
                    .setTotalExecTimeMs(totalTime)
                    .setMeanExecTimeMs(mean)
                    .setMinExecTimeMs(minTime)
                    .setMaxExecTimeMs(maxTime)
                    .setStddevExecTimeMs(Math.sqrt(Math.max(0.0, variance)))
                    .setRows(rows)
                    .setSharedBlksHit(sharedBlksHit)
                    .setSharedBlksRead(sharedBlksRead)
                    .setSharedBlksDirtied(sharedBlksDirtied)
                    .setSharedBlksWritten(sharedBlksWritten)
                    .setTempBlksRead(tempBlksRead)
                    .setTempBlksWritten(tempBlksWritten)
                    .setBlkReadTimeMs(blkReadTime)
                    .setBlkWriteTimeMs(blkWriteTime)
                    .setWalBytes(walBytes)
                    .build();
        }
    }

    /** pg_stat_statements_info.stats_reset (1.9+, PostgreSQL 14): when every statement's counters restarted. */
    public static Instant statsReset(Connection c, StatementsView view) throws SQLException {
        if (!view.hasInfo()) {
            return null;
        }
        return Rows.list(c, statsResetSql(view), rs -> Optional.ofNullable(Rows.instant(rs, "stats_reset"))).get(0).orElse(null);
    }

    static String statsResetSql(StatementsView view) {
        return "SELECT /* pgvigil */ stats_reset FROM " + view.schema() + ".pg_stat_statements_info";
    }
}
