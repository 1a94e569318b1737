package dev.pgvigil.common.config;

import java.util.List;

/**
 * A section's validation failure about one key below the section's own level (say
 * {@code kafka.properties.ssl.key.password}), so {@link ConfigFile} can report that key's line rather
 * than the line where the section begins. {@code path} is relative to the record that throws it.
 */
public final class ConfigKeyException extends IllegalArgumentException {
    private final List<String> path;

    public ConfigKeyException(List<String> path, String message) {
        super(String.join(".", path) + ": " + message);
        this.path = List.copyOf(path);
    }

    public List<String> path() {
        return path;
    }

    /** The message without the key, which {@link ConfigFile} prints itself. */
    public String problem() {
        return getMessage().substring(String.join(".", path).length() + 2);
    }
}
