package dev.pgvigil.advisor.baseline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.advisor.AdvisorJson;
import dev.pgvigil.rules.baseline.Baseline;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Baselines in a JSON file ({@code ~/.pgvigil/baselines.json} by default): per instance, the last
 * {@value BaselineStore#KEPT} baselines, oldest first. A name used again replaces the older baseline of that name.
 * The file is written to a temporary file first and moved into place, so a crash never leaves half a file.
 */
public final class BaselineFile implements BaselineStore {

    private final Path file;
    private final ObjectMapper mapper;

    public BaselineFile(Path file) {
        this.file = file;
        this.mapper = AdvisorJson.create().mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public static Path defaultFile() {
        return Path.of(System.getProperty("user.home"), ".pgvigil", "baselines.json");
    }

    public Path file() {
        return file;
    }

    @Override
    public String where() {
        return file.toString();
    }

    /** The file's content: instance → baselines, oldest first. */
    public record Contents(int version, Map<String, List<Baseline>> instances) {}

    @Override
    public List<Baseline> history(String instance) throws IOException {
        return read().instances().getOrDefault(instance, List.of());
    }

    /** Adds {@code baseline}, replacing one of the same name and dropping the oldest beyond {@value BaselineStore#KEPT}. */
    public void add(String instance, Baseline baseline) throws IOException {
        Contents contents = read();
        Map<String, List<Baseline>> instances = new TreeMap<>(contents.instances());
        instances.put(instance, BaselineStore.appended(instances.getOrDefault(instance, List.of()), baseline));
        write(new Contents(1, instances));
    }

    private Contents read() throws IOException {
        if (!Files.exists(file)) {
            return new Contents(1, Map.of());
        }
        try {
            Map<String, List<Baseline>> instances = mapper.convertValue(mapper.readTree(file.toFile()).path("instances"),
                    new TypeReference<Map<String, List<Baseline>>>() {});
            return new Contents(1, instances == null ? Map.of() : instances);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IOException(file + " is not a pgvigil baselines file: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private void write(Contents contents) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".baselines", ".tmp");
        try {
            mapper.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), contents);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
