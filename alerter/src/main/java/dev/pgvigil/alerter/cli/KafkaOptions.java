package dev.pgvigil.alerter.cli;

import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where Kafka is: the {@code kafka} section of a configuration file, or a bootstrap address. */
final class KafkaOptions {
    static final class Source {
        @Option(names = "--config", paramLabel = "FILE", description = "pgvigil configuration file (its kafka section is used)")
        Path config;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka to talk to, instead of --config")
        String bootstrapServers;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    KafkaSettings settings() {
        if (source.bootstrapServers != null) {
            return KafkaSettings.of(source.bootstrapServers);
        }
        KafkaSettings settings = ConfigFile.load(source.config).section("kafka", KafkaSettings.class);
        if (settings.bootstrapServers() == null || settings.bootstrapServers().isBlank()) {
            throw new IllegalArgumentException(source.config + ": kafka.bootstrapServers is not set");
        }
        return settings;
    }
}
