package dev.pgvigil.common.cli;

import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where Kafka is, for commands that talk to it directly: the {@code kafka} section of a configuration
 * file, or a bootstrap address. Use as {@code @Mixin KafkaOptions kafka;}.
 */
public final class KafkaOptions {
    static final class Source {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "pgvigil configuration file (its kafka section is used)")
        Path config;

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka to talk to, instead of --config")
        String bootstrapServers;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** The Kafka settings named on the command line; a config file without bootstrapServers is an error. */
    public KafkaSettings settings() {
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
