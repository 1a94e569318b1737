package dev.pgvigil.alerter.notify;

import dev.pgvigil.alerter.model.Notification;
import java.time.Instant;

/** Where a notification goes when every attempt failed. */
public interface DeadLetters {
    /** Keeps {@code n} with the last {@code error}; must not throw. */
    void failed(Notification n, int attempts, String error, Instant firstAttemptAt, Instant failedAt);
}
