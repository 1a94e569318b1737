package dev.pgvigil.cli.standalone;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.embedded.demo.DemoDatabase;
import java.nio.file.Path;
import java.util.Map;

/** The collector target for the built-in demo database. */
final class DemoTargets {
    static final String INSTANCE_ID = "demo";

    private DemoTargets() {}

    static TargetConfig target(DemoDatabase.Target demo, Path passwordFile) {
        return new TargetConfig(INSTANCE_ID, demo.jdbcUrl(), demo.user(), null, null, passwordFile.toString(),
                null, Map.of("env", "demo"), null, null);
    }
}
