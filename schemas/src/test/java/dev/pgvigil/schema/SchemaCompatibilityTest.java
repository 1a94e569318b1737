package dev.pgvigil.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * The topic payloads evolve with defaults only: every schema of the last release must still be readable
 * by today's (backward) and able to read today's records (forward). The released schemas are a copy
 * under src/test/resources/released/; copy the current ones there when cutting a release.
 */
class SchemaCompatibilityTest {
    private static final Path CURRENT = Path.of("src/main/avro");
    private static final Path RELEASED = Path.of("src/test/resources/released");

    @Test
    void currentSchemasAreBackwardAndForwardCompatibleWithTheLastRelease() throws IOException {
        Path lastRelease = lastRelease();
        Map<String, Schema> released = parseAll(lastRelease);
        Map<String, Schema> current = parseAll(CURRENT);
        assertThat(released).as("released schemas in " + lastRelease).isNotEmpty();

        List<String> problems = new ArrayList<>();
        released.forEach((name, old) -> {
            Schema now = current.get(name);
            if (now == null) {
                problems.add(name + ": removed since " + lastRelease.getFileName());
                return;
            }
            check(problems, name, "backward (new reads old)", SchemaCompatibility.checkReaderWriterCompatibility(now, old));
            check(problems, name, "forward (old reads new)", SchemaCompatibility.checkReaderWriterCompatibility(old, now));
        });
        assertThat(problems).as("incompatible schema changes").isEmpty();
    }

    @Test
    void theCheckRejectsAFieldAddedWithoutDefault() {
        Schema old = new Schema.Parser().parse("""
                {"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}""");
        Schema withoutDefault = new Schema.Parser().parse("""
                {"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}""");
        Schema withDefault = new Schema.Parser().parse("""
                {"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":"string","default":""}]}""");
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(withoutDefault, old).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(withDefault, old).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static void check(List<String> problems, String name, String direction, SchemaCompatibility.SchemaPairCompatibility result) {
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add(name + " " + direction + ": " + result.getResult().getIncompatibilities());
        }
    }

    private static Path lastRelease() throws IOException {
        try (Stream<Path> releases = Files.list(RELEASED)) {
            return releases.filter(Files::isDirectory)
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new IllegalStateException("no released schemas under " + RELEASED));
        }
    }

    /** Top-level record schemas by full name; shared types under common/ are parsed first so the others can name them. */
    private static Map<String, Schema> parseAll(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".avsc"))
                    .sorted(Comparator.comparing((Path p) -> !p.toString().contains("/common/")).thenComparing(Path::toString))
                    .toList();
        }
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> byName = new TreeMap<>();
        for (Path file : files) {
            Schema schema = parser.parse(file.toFile());
            byName.put(schema.getFullName(), schema);
        }
        return byName;
    }
}
