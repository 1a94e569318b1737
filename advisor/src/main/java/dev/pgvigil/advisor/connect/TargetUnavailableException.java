package dev.pgvigil.advisor.connect;

/** The database could not be reached or refused the login; the message is safe to show. */
public final class TargetUnavailableException extends RuntimeException {
    public TargetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
