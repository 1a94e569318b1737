package dev.pgvigil.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A secret named in the configuration by where it is, never by its value: an environment variable or
 * a file (a mounted Docker/Kubernetes secret, say). {@code key} is the configuration key that names
 * it, for messages; {@link #toString()} never shows the value. Read at each {@link #resolve()}, so a
 * rotated file is picked up by the next client a service creates.
 */
public record Secret(String key, String env, Path file) {
    public Secret {
        if ((env == null) == (file == null)) {
            throw new IllegalArgumentException(key + ": give an environment variable or a file");
        }
    }

    /**
     * The secret of a configuration pair {@code <name>Env} / {@code <name>File} (as {@code passwordEnv} /
     * {@code passwordFile}): empty when neither is given, an error when both are.
     */
    public static Optional<Secret> of(String name, String env, Path file) {
        boolean hasEnv = env != null && !env.isBlank();
        if (hasEnv && file != null) {
            throw new IllegalArgumentException("give " + name + "Env or " + name + "File, not both");
        }
        if (hasEnv) {
            return Optional.of(fromEnv(name + "Env", env.trim()));
        }
        return file != null ? Optional.of(fromFile(name + "File", file)) : Optional.empty();
    }

    public static Secret fromEnv(String key, String env) {
        return new Secret(key, env, null);
    }

    public static Secret fromFile(String key, Path file) {
        return new Secret(key, null, file);
    }

    /** The value (a file's first line, stripped); a failure's message names the key and the source, not the value. */
    public String resolve() {
        if (env != null) {
            String value = System.getenv(env);
            if (value == null || value.isEmpty()) {
                throw new IllegalStateException("environment variable " + env + " (" + key + ") is not set");
            }
            return value;
        }
        String value;
        try {
            value = Files.readString(file).lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + " (" + key + "): " + e.getClass().getSimpleName());
        }
        if (value.isEmpty()) {
            throw new IllegalStateException(file + " (" + key + ") is empty");
        }
        return value;
    }

    @Override
    public String toString() {
        return "Secret[" + key + (env != null ? " from environment variable " + env : " from file " + file) + "]";
    }
}
