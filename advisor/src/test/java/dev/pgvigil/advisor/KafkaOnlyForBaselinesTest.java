package dev.pgvigil.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The one-shot commands talk to PostgreSQL; only {@code baseline} also talks to Kafka (the baselines topic).
 * kafka-clients is on the advisor's class path through schemas and common (their serdes and client
 * settings); this keeps any other command from starting to use it.
 */
class KafkaOnlyForBaselinesTest {
    @Test
    void onlyTheBaselinePackageUsesKafka() throws IOException {
        Path main = Path.of("src/main/java/dev/pgvigil/advisor");
        assertThat(main).isDirectory();
        List<String> users;
        try (Stream<Path> files = Files.walk(main)) {
            users = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> read(f).contains("org.apache.kafka"))
                    .map(f -> main.relativize(f).toString())
                    .toList();
        }
        assertThat(users).isNotEmpty().allMatch(f -> f.startsWith("baseline/"), "is in baseline/");
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
