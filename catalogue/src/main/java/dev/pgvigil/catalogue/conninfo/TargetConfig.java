package dev.pgvigil.catalogue.conninfo;

import dev.pgvigil.catalogue.read.DatabaseScope;
import dev.pgvigil.schema.InstanceIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One PostgreSQL database to watch: one connection. Its tables and indexes are those of the connected
 * database; its pg_stat_database rows cover the cluster's databases after include/exclude.
 *
 * <p>Credentials come from {@code passwordEnv} (an environment variable's name) or {@code passwordFile}
 * (a file holding the password); an inline {@code password}, or one inside the URL, works but is
 * discouraged since the config file then holds a secret.
 */
public record TargetConfig(
        String id,
        String url,
        String user,
        String password,
        String passwordEnv,
        String passwordFile,
        Integer intervalSeconds,
        Map<String, String> labels,
        List<String> includeDatabases,
        List<String> excludeDatabases) {

    public TargetConfig {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id is required");
        }
        if (!InstanceIds.isValid(id)) {
            throw new IllegalArgumentException("id '" + id + "' must be " + InstanceIds.RULE);
        }
        TargetUrl parsed = TargetUrl.parse(url); // fails with the reason
        int sources = (password != null ? 1 : 0) + (passwordEnv != null ? 1 : 0) + (passwordFile != null ? 1 : 0);
        if (sources > 1) {
            throw new IllegalArgumentException("give at most one of password, passwordEnv, passwordFile");
        }
        if (sources == 1 && parsed.password() != null) {
            throw new IllegalArgumentException("url holds a password and " + (password != null ? "password" : passwordEnv != null ? "passwordEnv" : "passwordFile")
                    + " is set too: keep one");
        }
        if (user == null && parsed.user() == null) {
            throw new IllegalArgumentException("user is required (as 'user' or in the url)");
        }
        if (intervalSeconds != null && (intervalSeconds < 1 || intervalSeconds > 86_400)) {
            throw new IllegalArgumentException("intervalSeconds must be between 1 and 86400, got " + intervalSeconds);
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        includeDatabases = includeDatabases == null ? List.of() : List.copyOf(includeDatabases);
        excludeDatabases = excludeDatabases == null ? List.of() : List.copyOf(excludeDatabases);
    }

    /** A target from a URL alone (the {@code snapshot} command), credentials as given. */
    public static TargetConfig of(String id, String url, String user, String passwordEnv, String passwordFile) {
        return new TargetConfig(id, url, user, null, passwordEnv, passwordFile, null, null, null, null);
    }

    public TargetUrl parsedUrl() {
        return TargetUrl.parse(url);
    }

    public String effectiveUser() {
        return user != null ? user : parsedUrl().user();
    }

    public int intervalSeconds(int defaultSeconds) {
        return intervalSeconds != null ? intervalSeconds : defaultSeconds;
    }

    /**
     * The password, read now (so a rotated secret file is picked up on reconnect); null when none is
     * configured. Throws with a message that names the source, never the value.
     */
    public String resolvePassword() {
        if (passwordEnv != null) {
            String value = System.getenv(passwordEnv);
            if (value == null) {
                throw new IllegalStateException("environment variable " + passwordEnv + " (passwordEnv) is not set");
            }
            return value;
        }
        if (passwordFile != null) {
            try {
                return Files.readString(Path.of(passwordFile)).strip();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read passwordFile " + passwordFile + ": " + e.getClass().getSimpleName());
            }
        }
        return password != null ? password : parsedUrl().password();
    }

    /** Which databases' pg_stat_database rows, statements and sessions are kept. */
    public DatabaseScope databaseScope() {
        return new DatabaseScope(includeDatabases, excludeDatabases);
    }

    /** Never prints the password or the raw URL. */
    @Override
    public String toString() {
        return "target " + id + " (" + parsedUrl().redacted() + ")";
    }
}
