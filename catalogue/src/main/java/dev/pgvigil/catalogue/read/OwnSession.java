package dev.pgvigil.catalogue.read;

import dev.pgvigil.catalogue.ConnectionLimits;

/**
 * Which rows of pg_stat_activity are pgvigil's own reads, one rule for every reader (the activity
 * counts and the vacuum horizon's holders): the reading session itself, and any session named
 * {@link ActivityReader#APPLICATION_NAME} that works the way pgvigil does: autocommit statements (so
 * {@code active} or {@code idle}, never idle in a transaction) in a transaction younger than the
 * longest statement_timeout pgvigil allows. Another collector's or the advisor's read is left out,
 * since it is gone within seconds; a pgvigil-named session idle in a transaction, or in one older than
 * any statement of pgvigil's may last, is stuck (or not pgvigil at all) and holds the horizon for
 * real, so it is counted and named like any other.
 */
final class OwnSession {
    private OwnSession() {}

    /** The condition on pg_stat_activity row {@code alias}, true for pgvigil's own reads. */
    static String sql(String alias) {
        return ("(%1$s.pid = pg_backend_pid() OR (%1$s.application_name = '%2$s' AND %1$s.state IN ('active', 'idle')"
                + " AND coalesce(%1$s.xact_start > clock_timestamp() - interval '%3$d milliseconds', true)))")
                .formatted(alias, ActivityReader.APPLICATION_NAME, ConnectionLimits.MAX_STATEMENT_TIMEOUT_MS);
    }
}
