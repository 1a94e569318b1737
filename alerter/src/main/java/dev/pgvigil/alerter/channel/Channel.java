package dev.pgvigil.alerter.channel;

import dev.pgvigil.alerter.model.Notification;

/** Somewhere a notification goes. One class per kind of receiver, like Alertmanager's notify/ packages. */
public interface Channel {
    /** The configured name, used in routes, logs and dead letters. */
    String name();

    /**
     * Sends one notification, blocking until the receiver accepted it. Throws when it did not; the
     * caller retries. Error messages must not contain secrets (URLs with tokens, passwords).
     */
    void send(Notification notification) throws Exception;
}
