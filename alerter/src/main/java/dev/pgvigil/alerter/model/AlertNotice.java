package dev.pgvigil.alerter.model;

/**
 * An alert as it goes into a notification, with why, and its idempotency key
 * {@code <fingerprint>:<status>:<startsAt epoch ms>:<sequence>} where sequence is the alert's
 * notification count plus one. A redelivery after a crash has the same key, so a receiver can drop it.
 */
public record AlertNotice(Alert alert, Change change) {
    public int sequence() {
        return alert.notificationCount() + 1;
    }

    public String key() {
        return alert.fingerprint() + ":" + alert.status() + ":" + alert.startsAt().toEpochMilli() + ":" + sequence();
    }
}
