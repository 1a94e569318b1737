package dev.pgvigil.alerter;

import dev.pgvigil.schema.kafka.Topics;

/**
 * The topics one alerter reads and writes. Production uses {@link #DEFAULT} (the names in
 * {@link Topics}); a test gives each case its own set so cases do not see each other's alerts.
 */
public record AlerterTopics(String violations, String alerts, String silences, String notificationsDlq, String alerterDlq) {
    public static final AlerterTopics DEFAULT = new AlerterTopics(
            Topics.VIOLATIONS, Topics.ALERTS, Topics.SILENCES, Topics.NOTIFICATIONS_DLQ, Topics.ALERTER_DLQ);
}
