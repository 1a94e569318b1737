package dev.pgvigil.schema;

import java.time.Instant;

/**
 * The arithmetic on a replication snapshot's WAL positions that the analyzer (its rules and the
 * dashboard), the report and {@code pgvigil snapshot} all show: one definition of each number.
 */
public final class ReplicationPositions {
    private ReplicationPositions() {}

    /** Where this instance's WAL is: the current LSN on a primary, the received LSN on a standby. */
    public static Long walPosition(ReplicationSnapshot r) {
        return r.getInRecovery() ? r.getReceiveLsn() : r.getCurrentLsn();
    }

    /** WAL bytes {@code lsn} is behind {@code reference}; null when either is unknown. */
    public static Long behind(Long reference, Long lsn) {
        return reference == null || lsn == null ? null : Math.max(0, reference - lsn);
    }

    /** What a standby has received and not replayed yet, in bytes. */
    public static Long unreplayed(ReplicationSnapshot r) {
        return behind(r.getReceiveLsn(), r.getReplayLsn());
    }

    /**
     * How stale a standby's data is: with WAL waiting to be replayed the last replayed commit's age,
     * with none 0 (as fresh as its primary, however old that commit is).
     */
    public static Double replayDelaySeconds(ReplicationSnapshot r, Instant at) {
        Long unreplayed = unreplayed(r);
        boolean pending = unreplayed != null && unreplayed > 0;
        return r.getLastReplayAt() == null ? null
                : pending ? Math.max(0, (at.toEpochMilli() - r.getLastReplayAt().toEpochMilli()) / 1000.0) : 0.0;
    }

    /** The WAL receiver's sender as host:port; null when unknown. */
    public static String upstream(WalReceiverInfo w) {
        return w == null || w.getSenderHost() == null ? null : w.getSenderHost() + (w.getSenderPort() == null ? "" : ":" + w.getSenderPort());
    }

    /** pg_basebackup's connections come and go by design: not standbys. */
    public static boolean isBaseBackup(StandbyInfo s) {
        return "backup".equals(s.getState()) || "pg_basebackup".equals(s.getApplicationName());
    }
}
