package dev.pgvigil.advisor.connect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options every one-shot command shares: where to connect, as whom, and whether to print JSON.
 * The session it opens is read-only ({@code default_transaction_read_only}), bounded by
 * {@code statement_timeout} and {@code lock_timeout}, and named {@code pgvigil} in pg_stat_activity.
 */
public final class ConnectionOptions {
    @Option(names = "--target", required = true, paramLabel = "URL",
            description = "The database: jdbc:postgresql://HOST:PORT/DB or postgresql://USER@HOST:PORT/DB.")
    String target;

    @Option(names = "--user", paramLabel = "NAME", description = "Role to connect as (default: from the URL).")
    String user;

    @ArgGroup(exclusive = true)
    PasswordSource passwordSource;

    static final class PasswordSource {
        @Option(names = "--password-env", paramLabel = "VAR", description = "Read the password from this environment variable.")
        String env;

        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of this file.")
        Path file;
    }

    @Option(names = "--statement-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Cancel any statement of pgvigil's that runs longer (default: ${DEFAULT-VALUE}).")
    Duration statementTimeout;

    @Option(names = "--json", description = "Print JSON instead of text, for scripts.")
    boolean json;

    private TargetUrl parsed;

    public boolean json() {
        return json;
    }

    public TargetUrl targetUrl() {
        if (parsed == null) {
            parsed = TargetUrl.parse(target);
        }
        return parsed;
    }

    /** {@code host:port/db}: the instance named in findings and baselines. */
    public String instance() {
        return targetUrl().instance();
    }

    public Duration statementTimeout() {
        return statementTimeout;
    }

    /** The role the session logs in as. */
    public String effectiveUser() {
        TargetUrl url = targetUrl();
        if (user != null) {
            return user;
        }
        return url.user() != null ? url.user() : System.getProperty("user.name");
    }

    /**
     * Opens the read-only session. Connection failures become a {@link TargetUnavailableException} whose
     * message names the instance and the server's reason, and never a password.
     */
    public Connection connect() {
        TargetUrl url = targetUrl();
        Properties props = new Properties();
        props.setProperty("user", effectiveUser());
        String password = password(url);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "pgvigil");
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "15");
        try {
            Connection c = DriverManager.getConnection(url.jdbcUrl(), props);
            try (Statement s = c.createStatement()) {
                // in the session, not in the URL: a user's own options= parameter must not undo them
                s.execute("SET default_transaction_read_only = on");
                s.execute("SET statement_timeout = " + statementTimeout.toMillis());
                s.execute("SET lock_timeout = 5000");
                s.execute("SET application_name = 'pgvigil'");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return c;
        } catch (SQLException e) {
            throw new TargetUnavailableException("cannot connect to " + url.instance() + " as " + effectiveUser() + ": "
                    + TargetUrl.redact(String.valueOf(e.getMessage())), e);
        }
    }

    private String password(TargetUrl url) {
        if (passwordSource != null && passwordSource.env != null) {
            String value = System.getenv(passwordSource.env);
            if (value == null) {
                throw new IllegalArgumentException("--password-env: environment variable " + passwordSource.env + " is not set");
            }
            return value;
        }
        if (passwordSource != null && passwordSource.file != null) {
            try {
                return Files.readAllLines(passwordSource.file).stream().findFirst().orElse("");
            } catch (IOException e) {
                throw new IllegalArgumentException("--password-file: cannot read " + passwordSource.file + ": " + e.getMessage());
            }
        }
        return url.password();
    }
}
