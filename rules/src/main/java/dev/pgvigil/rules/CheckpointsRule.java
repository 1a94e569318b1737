package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.util.List;
import java.util.Optional;

/**
 * Checkpoints should come from {@code checkpoint_timeout}; when most are requested instead (WAL reached
 * {@code max_wal_size} first), each writes more full-page images and the I/O comes in bursts. Judged over
 * the last hour of checkpoints in the analyzer, over the report's period in {@code pgvigil report} (evidence: how many there were), advising a {@code max_wal_size} that
 * holds the WAL of one {@code checkpoint_timeout} at the pace seen.
 */
public final class CheckpointsRule {
    private CheckpointsRule() {}

    /** A checkpoint is requested once WAL since the last reaches about max_wal_size / (1 + checkpoint_completion_target). */
    private static final double HEADROOM = 2.0;
    private static final long MIB = 1024L * 1024;

    /** Requested / (timed + requested): the value judged; NaN without checkpoints. */
    public static double requestedShare(long timed, long requested) {
        long all = timed + requested;
        return all == 0 ? Double.NaN : (double) requested / all;
    }

    /** @param over the period the counts cover, as it reads after them: "in the last hour", "since the statistics were reset" */
    public static Decision evaluate(long timed, long requested, String over, Threshold t, String subject) {
        long all = timed + requested;
        double share = requestedShare(timed, requested);
        if (all == 0 || all < t.minEvidence()) {
            return Decision.noEvidence(Rule.CHECKPOINTS_REQUESTED, t, share, subject,
                    () -> all + " checkpoints " + over + ", need " + (long) t.minEvidence());
        }
        return Decision.judge(Rule.CHECKPOINTS_REQUESTED, t, share, subject)
                .withMessage(m -> m + " (" + requested + " of " + all + " " + over + ")");
    }

    /**
     * A max_wal_size, in MiB, for WAL written at {@code walBytesPerSecond}: at least twice the current one,
     * and room for one checkpoint_timeout's WAL with headroom; rounded up to a power of two.
     */
    public static long suggestedMaxWalSizeMib(long currentBytes, double walBytesPerSecond, int checkpointTimeoutSeconds) {
        double needed = Math.max(2.0 * currentBytes, walBytesPerSecond * checkpointTimeoutSeconds * HEADROOM);
        long mib = Math.max(1, (long) Math.ceil(needed / MIB));
        return Long.highestOneBit(mib) == mib ? mib : Long.highestOneBit(mib) << 1;
    }

    /** As PostgreSQL writes it: {@code 4GB}, {@code 512MB}. */
    static String setting(long mib) {
        return mib % 1024 == 0 ? (mib / 1024) + "GB" : mib + "MB";
    }

    public static Optional<Finding> finding(String instance, Decision d, long currentMaxWalSizeBytes, double walBytesPerSecond,
                                            int checkpointTimeoutSeconds) {
        if (!d.firing()) {
            return Optional.empty();
        }
        String alter = "ALTER SYSTEM SET max_wal_size = '"
                + setting(suggestedMaxWalSizeMib(currentMaxWalSizeBytes, walBytesPerSecond, checkpointTimeoutSeconds)) + "';";
        String reload = "SELECT pg_reload_conf();";
        return Optional.of(new Finding(FindingKind.CHECKPOINTS_REQUESTED, d.severity(), instance, instance, d.message(),
                "WAL is written at " + Human.bytes(Math.round(walBytesPerSecond)) + "/s, " + Human.bytes(Math.round(walBytesPerSecond
                        * checkpointTimeoutSeconds)) + " per checkpoint_timeout (" + Human.seconds(checkpointTimeoutSeconds)
                        + "), and max_wal_size is " + Human.bytes(currentMaxWalSizeBytes) + ": raise it (the disk must hold it) with "
                        + alter + " then " + reload + " (no restart needed)", List.of(alter, reload)));
    }
}
