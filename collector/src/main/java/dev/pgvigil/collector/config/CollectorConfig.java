package dev.pgvigil.collector.config;

import dev.pgvigil.catalogue.ConnectionLimits;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.common.config.Limits;
import dev.pgvigil.common.http.HttpSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code collector} section of pgvigil's YAML file. Every limit has a default; {@code null} in
 * the file (or a key left out) takes it. See docs/collector.md for each key.
 */
public record CollectorConfig(
        Integer intervalSeconds,
        Integer statementTimeoutMs,
        Integer lockTimeoutMs,
        Integer connectTimeoutSeconds,
        Integer reconnectMaxBackoffSeconds,
        Integer threads,
        Integer fullSnapshotEvery,
        Integer sizeRefreshSeconds,
        Integer queryTextMaxLength,
        Integer chunkMaxBytes,
        Integer maxSessions,
        Integer sessionMinAgeSeconds,
        List<TargetConfig> targets,
        Boolean httpEnabled,
        HttpSettings http,
        String groupId) {

    public static final int DEFAULT_INTERVAL_SECONDS = 10;
    /** The collector's own /health and /metrics (the dashboard has 8080, the alerter 8093). */
    public static final int DEFAULT_HTTP_PORT = 8092;
    /** Kafka's default max.request.size is 1 MiB; chunks stay far below it. */
    public static final int MAX_CHUNK_BYTES = 900_000;
    /** The consumer group of the collectors that share one fleet (pgvigil.targets). */
    public static final String DEFAULT_GROUP_ID = "pgvigil-collectors";
    /** Sizes move slowly and measuring them is most of a big database's read (docs/collector.md, *Sizes*). */
    public static final int DEFAULT_SIZE_REFRESH_SECONDS = 60;

    public CollectorConfig {
        intervalSeconds = Limits.intOrDefault("intervalSeconds", intervalSeconds, DEFAULT_INTERVAL_SECONDS, 1, 86_400);
        ConnectionLimits limits = ConnectionLimits.of(statementTimeoutMs, lockTimeoutMs, connectTimeoutSeconds, reconnectMaxBackoffSeconds);
        statementTimeoutMs = limits.statementTimeoutMs();
        lockTimeoutMs = limits.lockTimeoutMs();
        connectTimeoutSeconds = limits.connectTimeoutSeconds();
        reconnectMaxBackoffSeconds = limits.reconnectMaxBackoffSeconds();
        targets = targets == null ? List.of() : List.copyOf(targets);
        httpEnabled = httpEnabled == null || httpEnabled;
        http = http == null ? HttpSettings.loopback(DEFAULT_HTTP_PORT) : http;
        groupId = groupId == null ? DEFAULT_GROUP_ID : groupId;
        if (groupId.isBlank()) {
            throw new IllegalArgumentException("groupId must not be blank");
        }
        // not sized by the file's targets: the group decides how many this collector gets
        threads = Limits.intOrDefault("threads", threads, 8, 1, 256);
        fullSnapshotEvery = Limits.intOrDefault("fullSnapshotEvery", fullSnapshotEvery, 6, 1, 10_000);
        sizeRefreshSeconds = Limits.intOrDefault("sizeRefreshSeconds", sizeRefreshSeconds, DEFAULT_SIZE_REFRESH_SECONDS, 0, 86_400);
        queryTextMaxLength = Limits.intOrDefault("queryTextMaxLength", queryTextMaxLength, 2_000, 16, 100_000);
        chunkMaxBytes = Limits.intOrDefault("chunkMaxBytes", chunkMaxBytes, 256 * 1024, 16 * 1024, MAX_CHUNK_BYTES);
        maxSessions = Limits.intOrDefault("maxSessions", maxSessions, 50, 0, 10_000);
        sessionMinAgeSeconds = Limits.intOrDefault("sessionMinAgeSeconds", sessionMinAgeSeconds, 5, 0, 86_400);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            TargetConfig t = targets.get(i);
            if (t == null) {
                throw new IllegalArgumentException("targets[" + i + "] is empty");
            }
            Integer first = seen.putIfAbsent(t.id(), i);
            if (first != null) {
                throw new IllegalArgumentException("targets[" + i + "].id: duplicate target id '" + t.id() + "' (also targets[" + first + "])");
            }
        }
    }

    /** Without a groupId of its own: the default group. */
    public CollectorConfig(Integer intervalSeconds, Integer statementTimeoutMs, Integer lockTimeoutMs, Integer connectTimeoutSeconds,
                           Integer reconnectMaxBackoffSeconds, Integer threads, Integer fullSnapshotEvery, Integer queryTextMaxLength,
                           Integer chunkMaxBytes, Integer maxSessions, Integer sessionMinAgeSeconds, List<TargetConfig> targets,
                           Boolean httpEnabled, HttpSettings http) {
        this(intervalSeconds, statementTimeoutMs, lockTimeoutMs, connectTimeoutSeconds, reconnectMaxBackoffSeconds, threads,
                fullSnapshotEvery, null, queryTextMaxLength, chunkMaxBytes, maxSessions, sessionMinAgeSeconds, targets, httpEnabled, http, null);
    }

    /** Defaults for everything, with these targets, and no HTTP endpoint (for embedding: tests, benchmarks, standalone). */
    public static CollectorConfig of(List<TargetConfig> targets) {
        return new CollectorConfig(null, null, null, null, null, null, null, null, null, null, null, null, targets, false, null, null);
    }

    /** The same configuration in the consumer group {@code id}. */
    public CollectorConfig withGroupId(String id) {
        return new CollectorConfig(intervalSeconds, statementTimeoutMs, lockTimeoutMs, connectTimeoutSeconds, reconnectMaxBackoffSeconds,
                threads, fullSnapshotEvery, sizeRefreshSeconds, queryTextMaxLength, chunkMaxBytes, maxSessions, sessionMinAgeSeconds, targets,
                httpEnabled, http, id);
    }

    /** What bounds each session with a target. */
    public ConnectionLimits connectionLimits() {
        return new ConnectionLimits(statementTimeoutMs, lockTimeoutMs, connectTimeoutSeconds, reconnectMaxBackoffSeconds);
    }

    /** The same configuration serving /health and /metrics with these settings. */
    public CollectorConfig withHttp(HttpSettings settings) {
        return new CollectorConfig(intervalSeconds, statementTimeoutMs, lockTimeoutMs, connectTimeoutSeconds, reconnectMaxBackoffSeconds,
                threads, fullSnapshotEvery, sizeRefreshSeconds, queryTextMaxLength, chunkMaxBytes, maxSessions, sessionMinAgeSeconds, targets,
                true, settings, groupId);
    }
}
