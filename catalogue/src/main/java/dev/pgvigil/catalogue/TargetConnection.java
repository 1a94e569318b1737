package dev.pgvigil.catalogue;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.catalogue.conninfo.TargetUrl;
import dev.pgvigil.catalogue.read.ActivityReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * The one long-lived connection to a target, made so it cannot hurt the server: read-only
 * (default_transaction_read_only), statement_timeout and lock_timeout on every query, connect and socket
 * timeouts, application_name pgvigil. After a failure the next attempt waits out an exponential backoff
 * (1 s doubling up to reconnectMaxBackoffSeconds), so a dead target costs almost nothing per cycle.
 *
 * <p>Not thread-safe: one cycle of one target uses it at a time.
 */
public final class TargetConnection implements AutoCloseable {
    private static final Driver DRIVER = new Driver();

    private final TargetConfig target;
    private final TargetUrl url;
    private final ConnectionLimits limits;
    private final boolean genericPlans;
    private Connection connection;
    private int failures;
    private Instant nextAttempt = Instant.MIN;
    private String lastError;

    /** A session for one-shot questions, whose plans are the server's own (the advisor explains statements with it). */
    public TargetConnection(TargetConfig target, ConnectionLimits limits) {
        this(target, limits, false);
    }

    /**
     * @param genericPlans every prepared statement planned once, at its first run (PostgreSQL 12+): for a
     *     session that runs the same statements over and over, as the collector's cycles do. A statement with
     *     parameters is otherwise planned afresh on each of its first five runs, and the catalogue views' joins
     *     cost more to plan than to run (14 ms of the 24 ms of server time of a 2nd to 5th cycle on a
     *     250-database cluster), which every moved or reconnected target paid four times over. Not for a
     *     session that explains statements: its plans would be generic too.
     */
    public TargetConnection(TargetConfig target, ConnectionLimits limits, boolean genericPlans) {
        this.target = target;
        this.url = target.parsedUrl();
        this.limits = limits;
        this.genericPlans = genericPlans;
    }

    /** The open connection, connecting first if needed. */
    public Connection get() throws NotConnectedException {
        if (connection != null) {
            return connection;
        }
        Instant now = Instant.now();
        if (now.isBefore(nextAttempt)) {
            throw new NotConnectedException(lastError + " (next attempt in " + Duration.between(now, nextAttempt).toSeconds() + " s)");
        }
        try {
            connection = open();
            failures = 0;
            lastError = null;
            return connection;
        } catch (SQLException | RuntimeException e) {
            String error = redact("cannot connect to " + url.redacted() + ": " + describe(e));
            markFailed(error);
            throw new NotConnectedException(error);
        }
    }

    /** Closes a broken connection; the next {@link #get()} reconnects after the backoff. */
    public void invalidate(String reason) {
        closeQuietly();
        markFailed(redact(reason));
    }

    public boolean isOpen() {
        return connection != null;
    }

    /** {@code text} with this target's password taken out. */
    public String redact(String text) {
        String password;
        try {
            password = target.resolvePassword();
        } catch (RuntimeException e) {
            password = null;
        }
        return url.redact(dev.pgvigil.catalogue.conninfo.Redaction.redact(text, password));
    }

    /**
     * One line for a failed connect. A TLS failure reaches us as the driver's "SSL error: " plus the JDK's
     * certificate path exception text, which tells an operator nothing to do: say what to check instead.
     */
    static String describe(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                return "TLS handshake failed: the server's certificate is not trusted (check sslrootcert names the CA that "
                        + "signed it) or not valid (expired, wrong host name)";
            }
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("hostnameverifier")) {
            return "TLS refused: the server's certificate does not name the host in the url (verify-full checks it)";
        }
        return message.lines().findFirst().orElse("");
    }

    private void markFailed(String error) {
        failures++;
        lastError = error;
        long backoffSeconds = Math.min(limits.reconnectMaxBackoffSeconds(), 1L << Math.min(20, failures - 1));
        nextAttempt = Instant.now().plusSeconds(backoffSeconds);
    }

    private Connection open() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", target.effectiveUser());
        String password = target.resolvePassword();
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", ActivityReader.APPLICATION_NAME);
        // with a known minimum version the driver sends application_name in the startup packet; otherwise it
        // sends an untagged "SET application_name" that would show up in pg_stat_statements as the target's own
        props.setProperty("assumeMinServerVersion", "10");
        props.setProperty("connectTimeout", String.valueOf(limits.connectTimeoutSeconds()));
        props.setProperty("loginTimeout", String.valueOf(limits.connectTimeoutSeconds()));
        // a query stuck in the network must not hold the cycle forever; the server's own timeout comes first
        props.setProperty("socketTimeout", String.valueOf(limits.statementTimeoutMs() / 1000 + limits.connectTimeoutSeconds() + 5));
        props.setProperty("tcpKeepAlive", "true");
        // every cycle runs the same few statements: prepared on the server at first use (rather than the
        // driver's default fifth), each is planned once per connection instead of on each of its first
        // cycles, and its rows come in binary
        props.setProperty("prepareThreshold", "1");
        props.setProperty("readOnly", "true");
        Connection c = DRIVER.connect(url.jdbcUrl(), props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept this url");
        }
        try {
            c.setAutoCommit(true);
            // set_config rather than startup options: pg_settings then still shows the server's values as reset_val
            boolean generic = genericPlans && c.getMetaData().getDatabaseMajorVersion() >= 12;
            try (PreparedStatement ps = c.prepareStatement("SELECT /* pgvigil */ set_config('statement_timeout', ?, false), "
                    + "set_config('lock_timeout', ?, false), set_config('default_transaction_read_only', 'on', false)"
                    + (generic ? ", set_config('plan_cache_mode', 'force_generic_plan', false)" : ""))) {
                ps.setString(1, limits.statementTimeoutMs() + "ms");
                ps.setString(2, limits.lockTimeoutMs() + "ms");
                ps.executeQuery().close();
            }
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is broken already
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }

    /** No connection this cycle; the message is already free of secrets. */
    public static final class NotConnectedException extends Exception {
        private static final long serialVersionUID = 1L;

        NotConnectedException(String message) {
            super(message);
        }
    }
}
