package dev.pgvigil.rules;

import java.time.Instant;

/**
 * WAL archiving that fails: {@code failed_count} grew in the interval and the last failure is newer than
 * the last success. The archiver retries a failing segment only now and then (a minute apart when idle),
 * so an interval without a new failure does not end it: once failing, it holds until a success is newer
 * than the last failure. {@link Rule#ARCHIVER_FAILING} is critical only.
 */
public final class ArchiverRule {
    private ArchiverRule() {}

    /**
     * @param archiveMode archive_mode; archiving that is off is not judged
     * @param failedInInterval growth of failed_count in the interval (0 after a counter reset)
     * @param failingBefore the condition held at the previous interval
     */
    public static Decision evaluate(String archiveMode, long failedInInterval, Instant lastFailedAt, String lastFailedWal, Instant lastArchivedAt,
                                    boolean failingBefore, Threshold t, String subject) {
        if (archiveMode == null || archiveMode.equals("off")) {
            return Decision.noEvidence(Rule.ARCHIVER_FAILING, t, 0, subject, "archive_mode is off");
        }
        boolean failing = failureIsLatest(lastFailedAt, lastArchivedAt) && (failedInInterval > 0 || failingBefore);
        if (!failing) {
            return Decision.judge(Rule.ARCHIVER_FAILING, t, 0, subject);
        }
        // still failing without a retry in this interval counts as one failure: the segment is still not archived
        Severity s = t.classify(Rule.ARCHIVER_FAILING.direction(), Math.max(1, failedInInterval));
        return new Decision(Rule.ARCHIVER_FAILING, s, failedInInterval, t.levelOf(s), true, () -> subject + ": archive_command fails ("
                + (failedInInterval == 0 ? "" : failedInInterval + " failed attempt" + (failedInInterval == 1 ? "" : "s") + " this interval; ") + "last failure "
                + (lastFailedWal == null ? "" : lastFailedWal + " ") + "at " + lastFailedAt + ", last success "
                + (lastArchivedAt == null ? "never" : "at " + lastArchivedAt) + ")");
    }

    /** The last archive_command failure is newer than the last success (or there never was one). */
    public static boolean failureIsLatest(Instant lastFailedAt, Instant lastArchivedAt) {
        return lastFailedAt != null && (lastArchivedAt == null || lastFailedAt.isAfter(lastArchivedAt));
    }
}
