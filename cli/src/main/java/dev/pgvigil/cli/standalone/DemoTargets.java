package dev.pgvigil.cli.standalone;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.embedded.demo.DemoDatabase;
import dev.pgvigil.collector.config.CollectorConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The collector target for the built-in demo database. */
final class DemoTargets {
    static final String INSTANCE_ID = "demo";

    private DemoTargets() {}

    /** {@code settings} (intervals, limits) watching only {@code demo}; the collector's own HTTP endpoint stays off, as the dashboard has /health. */
    static CollectorConfig collectorConfig(CollectorConfig settings, TargetConfig demo) {
        CollectorConfig s = settings;
        return new CollectorConfig(s.intervalSeconds(), s.statementTimeoutMs(), s.lockTimeoutMs(), s.connectTimeoutSeconds(),
                s.reconnectMaxBackoffSeconds(), s.threads(), s.fullSnapshotEvery(), s.sizeRefreshSeconds(), s.queryTextMaxLength(),
                s.chunkMaxBytes(), s.maxSessions(), s.sessionMinAgeSeconds(), List.of(demo), false, null, null);
    }

    static TargetConfig target(DemoDatabase.Target demo, Path passwordFile) {
        return new TargetConfig(INSTANCE_ID, demo.jdbcUrl(), demo.user(), null, null, passwordFile.toString(),
                null, Map.of("env", "demo"), null, null);
    }
}
