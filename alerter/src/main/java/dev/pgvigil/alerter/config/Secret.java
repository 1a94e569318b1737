package dev.pgvigil.alerter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a secret comes from: an environment variable or a file (e.g. a mounted Kubernetes/Docker
 * secret), never the configuration file itself, so the file can be shared and secrets stay out of
 * logs. {@link #toString()} never shows the value.
 */
public record Secret(String env, String file) {
    public Secret {
        if ((env == null || env.isBlank()) == (file == null || file.isBlank())) {
            throw new IllegalArgumentException("give exactly one of env (an environment variable) or file (a path)");
        }
    }

    public static Secret fromEnv(String variable) {
        return new Secret(variable, null);
    }

    public static Secret fromFile(Path path) {
        return new Secret(null, path.toString());
    }

    /** The secret's value, trailing newline removed; fails with a message that names the source, not the value. */
    public String resolve() {
        if (env != null && !env.isBlank()) {
            String value = System.getenv(env);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("environment variable " + env + " is not set");
            }
            return value;
        }
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read secret file " + file + ": " + e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return env != null && !env.isBlank() ? "Secret[env " + env + "]" : "Secret[file " + file + "]";
    }
}
