package dev.pgvigil.alerter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A secret named in the configuration by where it is, never by its value: an environment variable
 * ({@code <key>Env}) or a file ({@code <key>File}, e.g. a mounted Docker/Kubernetes secret), as the
 * collector's {@code passwordEnv}/{@code passwordFile}. {@link #toString()} never shows the value.
 */
public final class Secret {
    private final String key;
    private final String env;
    private final Path file;

    private Secret(String key, String env, Path file) {
        this.key = key;
        this.env = env;
        this.file = file;
    }

    /** The secret {@code key} from {@code env} or {@code file}; empty when neither is given; an error when both are. */
    public static Optional<Secret> of(String key, String env, Path file) {
        boolean hasEnv = env != null && !env.isBlank();
        if (hasEnv && file != null) {
            throw new IllegalArgumentException("give " + key + "Env or " + key + "File, not both");
        }
        return hasEnv || file != null ? Optional.of(new Secret(key, hasEnv ? env.trim() : null, file)) : Optional.empty();
    }

    /** The value (a file's first line); the message of a failure names the source, not the value. */
    public String resolve() {
        if (env != null) {
            String value = System.getenv(env);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("environment variable " + env + " (" + key + "Env) is not set");
            }
            return value;
        }
        String value;
        try {
            value = Files.readString(file).lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + key + "File " + file + ": " + e.getClass().getSimpleName());
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException(key + "File " + file + " is empty");
        }
        return value;
    }

    @Override
    public String toString() {
        return env != null ? "Secret[" + key + "Env " + env + "]" : "Secret[" + key + "File " + file + "]";
    }
}
