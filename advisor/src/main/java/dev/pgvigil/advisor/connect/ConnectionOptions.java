package dev.pgvigil.advisor.connect;

import dev.pgvigil.catalogue.TargetConnection;
import dev.pgvigil.catalogue.ConnectionLimits;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.catalogue.conninfo.TargetUrl;
import java.sql.Connection;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options every one-shot command shares: where to connect, as whom, and whether to print JSON.
 * The target is read the way the collector reads its targets ({@link TargetConfig}, {@link TargetUrl})
 * and the session is the collector's ({@link TargetConnection}): read-only, statement_timeout and
 * lock_timeout, application_name pgvigil, and no password in any message.
 */
public final class ConnectionOptions {
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    // not required by the parser: the baseline commands that answer from Kafka need no database
    @Option(names = "--target", paramLabel = "URL",
            description = "The database: jdbc:postgresql://HOST:PORT/DB or postgresql://USER@HOST:PORT/DB.")
    String target;

    @Option(names = "--user", paramLabel = "NAME", description = "Role to connect as (default: the URL's, else your login name).")
    String user;

    @ArgGroup(exclusive = true)
    PasswordSource passwordSource = new PasswordSource();

    static final class PasswordSource {
        @Option(names = "--password-env", paramLabel = "VAR", description = "Read the password from this environment variable.")
        String env;

        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from this file.")
        String file;
    }

    @Option(names = "--statement-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Cancel any statement of pgvigil's that runs longer, 100ms to 10m (default: ${DEFAULT-VALUE}).")
    Duration statementTimeout;

    @Option(names = "--json", description = "Print JSON instead of text, for scripts.")
    boolean json;

    public boolean json() {
        return json;
    }

    public boolean hasTarget() {
        return target != null;
    }

    public TargetUrl targetUrl() {
        if (target == null) {
            throw new IllegalArgumentException("Missing required option: '--target=URL'");
        }
        return TargetUrl.parse(target);
    }

    /** {@code host:port/db}: the instance named in findings and baselines; never a credential. */
    public String instance() {
        TargetUrl url = targetUrl();
        return url.hosts() + "/" + url.database();
    }

    /** Whether the server runs on this machine, so local RAM and CPUs describe it. */
    public boolean isLocal() {
        String hosts = targetUrl().hosts();
        if (hosts.contains(",")) {
            return false;
        }
        String host = hosts.startsWith("[") ? hosts.substring(0, hosts.indexOf(']') + 1) : hosts.split(":")[0];
        return LOCAL_HOSTS.contains(host.toLowerCase(Locale.ROOT));
    }

    public Duration statementTimeout() {
        return statementTimeout;
    }

    /**
     * Opens the session. Connection failures become a {@link TargetUnavailableException} whose message
     * names the target and the server's reason, never a password.
     */
    public Connection connect() {
        long timeoutMs = statementTimeout.toMillis();
        if (timeoutMs < 100 || timeoutMs > 600_000) {
            throw new IllegalArgumentException("--statement-timeout must be between 100ms and 10m");
        }
        TargetConfig config = targetConfig();
        ConnectionLimits limits = ConnectionLimits.of((int) timeoutMs, null, null, null);
        TargetConnection session = new TargetConnection(config, limits);
        try {
            return session.get(); // closing the JDBC connection ends the session; the wrapper holds nothing else
        } catch (TargetConnection.NotConnectedException e) {
            throw new TargetUnavailableException(e.getMessage(), e);
        }
    }

    private TargetConfig targetConfig() {
        TargetUrl url = targetUrl();
        String role = user != null ? user : url.user() != null ? null : System.getProperty("user.name");
        return TargetConfig.of("cli", target, role, passwordSource.env, passwordSource.file);
    }
}
