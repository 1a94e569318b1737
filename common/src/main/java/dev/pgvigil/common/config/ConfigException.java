package dev.pgvigil.common.config;

import java.nio.file.Path;

/**
 * A configuration file that cannot be used, with where and why: {@code file:line: key: problem}.
 * Commands print the message and exit with the usage/config exit code.
 */
public final class ConfigException extends RuntimeException {
    private final Path file;
    private final int line;
    private final String key;

    public ConfigException(Path file, int line, String key, String problem) {
        super(format(file, line, key, problem));
        this.file = file;
        this.line = line;
        this.key = key;
    }

    private static String format(Path file, int line, String key, String problem) {
        StringBuilder sb = new StringBuilder(String.valueOf(file));
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (key != null && !key.isEmpty()) {
            sb.append(key).append(": ");
        }
        return sb.append(problem).toString();
    }

    public Path file() {
        return file;
    }

    /** 1-based line, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** Dotted path of the offending key, e.g. {@code collector.targets[1].url}. */
    public String key() {
        return key;
    }
}
