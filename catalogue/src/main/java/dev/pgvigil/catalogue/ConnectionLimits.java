package dev.pgvigil.catalogue;

import dev.pgvigil.common.config.Limits;

/**
 * How a session with a target is bounded: what the server may spend on one statement or lock wait,
 * how long connecting may take, and how long to back off after failures. The collector reads these
 * from its configuration section; the one-shot commands from their options.
 */
public record ConnectionLimits(int statementTimeoutMs, int lockTimeoutMs, int connectTimeoutSeconds, int reconnectMaxBackoffSeconds) {
    public static final int DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;
    public static final int DEFAULT_LOCK_TIMEOUT_MS = 1_000;
    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
    public static final int DEFAULT_RECONNECT_MAX_BACKOFF_SECONDS = 60;
    /** No statement of pgvigil's may run longer (see {@code OwnSession}: a pgvigil session older than that is not its read). */
    public static final int MAX_STATEMENT_TIMEOUT_MS = 600_000;

    /** Each value checked against its range; {@code null} takes the default. Names are the configuration keys. */
    public static ConnectionLimits of(Integer statementTimeoutMs, Integer lockTimeoutMs, Integer connectTimeoutSeconds, Integer reconnectMaxBackoffSeconds) {
        return new ConnectionLimits(
                Limits.intOrDefault("statementTimeoutMs", statementTimeoutMs, DEFAULT_STATEMENT_TIMEOUT_MS, 100, MAX_STATEMENT_TIMEOUT_MS),
                Limits.intOrDefault("lockTimeoutMs", lockTimeoutMs, DEFAULT_LOCK_TIMEOUT_MS, 10, 600_000),
                Limits.intOrDefault("connectTimeoutSeconds", connectTimeoutSeconds, DEFAULT_CONNECT_TIMEOUT_SECONDS, 1, 300),
                Limits.intOrDefault("reconnectMaxBackoffSeconds", reconnectMaxBackoffSeconds, DEFAULT_RECONNECT_MAX_BACKOFF_SECONDS, 1, 3_600));
    }
}
