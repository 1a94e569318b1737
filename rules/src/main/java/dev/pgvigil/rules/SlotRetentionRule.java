package dev.pgvigil.rules;

import java.util.List;
import java.util.Locale;

/**
 * WAL a replication slot keeps from being removed. An inactive slot (its standby or subscriber away)
 * retains more and more until the disk fills; an active one that lags is a matter for replication_lag.
 * A slot whose {@code wal_status} is {@code unreserved} (WAL it needs is about to go) or {@code lost}
 * (it is gone: the consumer needs a new base backup or subscription) is critical whatever its size.
 */
public final class SlotRetentionRule {
    private SlotRetentionRule() {}

    private static final List<String> ENDANGERED = List.of("unreserved", "lost");

    public static Decision evaluate(boolean active, String walStatus, Long retainedBytes, Threshold t, String subject) {
        double retained = retainedBytes == null ? 0 : retainedBytes;
        if (walStatus != null && ENDANGERED.contains(walStatus.toLowerCase(Locale.ROOT)) && t.enabled()) {
            return new Decision(Rule.REPLICATION_SLOT_RETENTION, Severity.CRITICAL, retained, t.critical(), true, () -> subject
                    + ": wal_status " + walStatus + (walStatus.equals("lost")
                    ? " (the WAL it needed is gone: its consumer needs a new base backup or subscription)"
                    : " (WAL it needs will be removed at the next checkpoint)"));
        }
        if (active) {
            return Decision.judge(Rule.REPLICATION_SLOT_RETENTION, t, 0, subject);
        }
        if (retainedBytes == null) {
            return Decision.noEvidence(Rule.REPLICATION_SLOT_RETENTION, t, 0, subject, "the slot has never been used (no restart_lsn)");
        }
        return Decision.judge(Rule.REPLICATION_SLOT_RETENTION, t, retained, subject).withMessage(m -> m.replaceFirst(": retains", ": inactive, retains"));
    }
}
