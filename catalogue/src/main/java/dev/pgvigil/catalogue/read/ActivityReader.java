package dev.pgvigil.catalogue.read;

import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.SessionInfo;
import dev.pgvigil.schema.SnapshotRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * pg_stat_activity summarised: counts, oldest ages, lock waits, and a capped list of the sessions worth a
 * look (blocked, blocking, or in a transaction or query older than the minimum age). pgvigil's own
 * reads ({@link OwnSession}) are left out of everything but totalConnections, since they use a slot too.
 * So are the sessions of databases the target leaves out (includeDatabases / excludeDatabases): where a
 * cluster's databases are watched as targets of their own, a session idle in a transaction in one of them
 * is that target's finding, not every target's; connections are the cluster's, so each target counts them all.
 */
public final class ActivityReader {
    public static final String APPLICATION_NAME = "pgvigil";

    static final String LIMITS_SQL = """
            SELECT /* pgvigil */ current_setting('max_connections')::int AS max_connections,
                   current_setting('superuser_reserved_connections')::int AS superuser_reserved,
                   coalesce(current_setting('reserved_connections', true), '0')::int AS reserved""";

    /** pg_blocking_pids() walks the lock table: asked only for sessions that wait on a lock. */
    static final String SQL = """
            SELECT /* pgvigil */ a.pid, a.datname, a.usename, a.application_name, a.state, a.wait_event_type, a.wait_event,
                   extract(epoch FROM clock_timestamp() - a.xact_start)::float8 AS xact_age,
                   extract(epoch FROM clock_timestamp() - a.query_start)::float8 AS query_age,
                   extract(epoch FROM clock_timestamp() - a.state_change)::float8 AS state_age,
                   CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) END AS blocked_by,
                   left(a.query, ?) AS query,
                   %s AS own
            FROM pg_stat_activity a
            WHERE a.backend_type = 'client backend'""".formatted(OwnSession.sql("a"));

    /** What to keep in the session list. */
    public record Options(int maxSessions, double sessionMinAgeSeconds, int queryTextMaxLength) {}

    /** A session, and whether it is left out of all but totalConnections (pgvigil's own, or another target's). */
    private record Row(SessionInfo session, boolean leftOut) {}

    private ActivityReader() {}

    public static ActivitySnapshot read(Connection c, SnapshotRef ref, Options options) throws SQLException {
        return read(c, ref, options, datname -> true);
    }

    /** Sessions of a database {@code includeDatabase} refuses count only in totalConnections. */
    public static ActivitySnapshot read(Connection c, SnapshotRef ref, Options options, Predicate<String> includeDatabase) throws SQLException {
        int[] limits = Rows.first(c, LIMITS_SQL, rs -> new int[] {rs.getInt("max_connections"), rs.getInt("superuser_reserved"),
                rs.getInt("reserved")});
        List<Row> rows = Rows.list(c, SQL, ps -> ps.setInt(1, options.queryTextMaxLength()), rs -> new Row(SessionInfo.newBuilder()
                .setPid(rs.getInt("pid"))
                .setDatname(rs.getString("datname"))
                .setUsename(rs.getString("usename"))
                .setApplicationName(rs.getString("application_name"))
                .setState(rs.getString("state"))
                .setWaitEventType(rs.getString("wait_event_type"))
                .setWaitEvent(rs.getString("wait_event"))
                .setXactAgeSeconds(Rows.doubleOrNull(rs, "xact_age"))
                .setQueryAgeSeconds(Rows.doubleOrNull(rs, "query_age"))
                .setStateAgeSeconds(Rows.doubleOrNull(rs, "state_age"))
                .setBlockedBy(Rows.ints(rs, "blocked_by"))
                .setQuery(QueryText.scrub(rs.getString("query")))
                .build(), rs.getBoolean("own") || !includeDatabase.test(rs.getString("datname"))));
        return summarise(ref, limits, rows, options);
    }

    private static ActivitySnapshot summarise(SnapshotRef ref, int[] limits, List<Row> rows, Options options) {
        Map<String, Integer> byState = new TreeMap<>();
        Map<String, Integer> byDatabase = new TreeMap<>();
        Map<String, Integer> byUser = new TreeMap<>();
        Map<String, Integer> byApplication = new TreeMap<>();
        Double oldestXact = null;
        Double oldestQuery = null;
        Double oldestIdleInXact = null;
        int idleInXact = 0;
        int waitingOnLocks = 0;
        Set<Integer> blocking = new HashSet<>();
        List<SessionInfo> others = new ArrayList<>();
        for (Row row : rows) {
            if (row.leftOut()) {
                continue;
            }
            SessionInfo s = row.session();
            others.add(s);
            byState.merge(orUnknown(s.getState()), 1, Integer::sum);
            byDatabase.merge(orUnknown(s.getDatname()), 1, Integer::sum);
            byUser.merge(orUnknown(s.getUsename()), 1, Integer::sum);
            byApplication.merge(orUnknown(s.getApplicationName()), 1, Integer::sum);
            oldestXact = max(oldestXact, s.getXactAgeSeconds());
            if ("active".equals(s.getState())) {
                oldestQuery = max(oldestQuery, s.getQueryAgeSeconds());
            }
            if (isIdleInTransaction(s)) {
                idleInXact++;
                oldestIdleInXact = max(oldestIdleInXact, s.getStateAgeSeconds());
            }
            if ("Lock".equals(s.getWaitEventType())) {
                waitingOnLocks++;
            }
            blocking.addAll(s.getBlockedBy());
        }
        List<SessionInfo> interesting = others.stream()
                .filter(s -> !s.getBlockedBy().isEmpty() || blocking.contains(s.getPid()) || isOld(s, options.sessionMinAgeSeconds()))
                .sorted(Comparator.comparing((SessionInfo s) -> s.getBlockedBy().isEmpty() && !blocking.contains(s.getPid()))
                        .thenComparing(s -> s.getXactAgeSeconds() == null ? 0.0 : s.getXactAgeSeconds(), Comparator.reverseOrder()))
                .toList();
        boolean truncated = interesting.size() > options.maxSessions();
        return ActivitySnapshot.newBuilder()
                .setRef(ref)
                .setChunk(new ChunkInfo(0, 1, true))
                .setMaxConnections(limits[0])
                .setSuperuserReservedConnections(limits[1])
                .setReservedConnections(limits[2])
                .setTotalConnections(rows.size())
                .setByState(Map.copyOf(byState))
                .setByDatabase(Map.copyOf(byDatabase))
                .setByUser(Map.copyOf(byUser))
                .setByApplication(Map.copyOf(byApplication))
                .setOldestXactAgeSeconds(oldestXact)
                .setOldestQueryAgeSeconds(oldestQuery)
                .setIdleInTransactionCount(idleInXact)
                .setOldestIdleInTransactionSeconds(oldestIdleInXact)
                .setWaitingOnLocksCount(waitingOnLocks)
                .setSessions(truncated ? List.copyOf(interesting.subList(0, options.maxSessions())) : interesting)
                .setSessionsTruncated(truncated)
                .build();
    }

    private static boolean isIdleInTransaction(SessionInfo s) {
        return s.getState() != null && s.getState().startsWith("idle in transaction");
    }

    /** A transaction or an active query at least minAge old. */
    private static boolean isOld(SessionInfo s, double minAgeSeconds) {
        boolean oldXact = s.getXactAgeSeconds() != null && s.getXactAgeSeconds() >= minAgeSeconds;
        boolean oldQuery = "active".equals(s.getState()) && s.getQueryAgeSeconds() != null && s.getQueryAgeSeconds() >= minAgeSeconds;
        return oldXact || oldQuery;
    }

    private static Double max(Double a, Double b) {
        if (b == null) {
            return a;
        }
        return a == null ? b : Math.max(a, b);
    }

    private static String orUnknown(String s) {
        return s == null || s.isEmpty() ? "(none)" : s;
    }
}
