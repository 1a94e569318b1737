package dev.pgvigil.common.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kafka.sasl}: who pgvigil is on the cluster. The password comes from {@code passwordEnv} (an
 * environment variable's name) or {@code passwordFile}; a {@code password} given inline is refused, so
 * a configuration file can be shared and kept in version control.
 */
public record KafkaSasl(String mechanism, String username, String password, String passwordEnv, Path passwordFile) {
    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

    public KafkaSasl {
        if (password != null) {
            throw new ConfigKeyException(List.of("password"), "a password is never given inline: name an environment variable in "
                    + "kafka.sasl.passwordEnv, or a file in kafka.sasl.passwordFile");
        }
        mechanism = mechanism == null ? "SCRAM-SHA-512" : mechanism;
        if (!MECHANISMS.contains(mechanism)) {
            throw new ConfigKeyException(List.of("mechanism"), "is " + mechanism + "; expected one of " + MECHANISMS.stream().sorted().toList());
        }
        if (username == null || username.isBlank()) {
            throw new ConfigKeyException(List.of("username"), "is required with kafka.sasl");
        }
        if ((passwordEnv == null) == (passwordFile == null)) {
            throw new IllegalArgumentException("give exactly one of passwordEnv, passwordFile");
        }
    }

    /** sasl.mechanism and sasl.jaas.config, the password read now from its environment variable or file. */
    Map<String, String> clientProperties() {
        Secret secret = passwordEnv != null ? Secret.fromEnv("kafka.sasl.passwordEnv", passwordEnv) : Secret.fromFile("kafka.sasl.passwordFile", passwordFile);
        String module = mechanism.startsWith("SCRAM")
                ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                : "org.apache.kafka.common.security.plain.PlainLoginModule";
        return Map.of("sasl.mechanism", mechanism,
                "sasl.jaas.config", module + " required username=\"" + quoted(username) + "\" password=\"" + quoted(secret.resolve()) + "\";");
    }

    private static String quoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "KafkaSasl[" + mechanism + " as " + username + (passwordEnv != null ? ", password from $" + passwordEnv : ", password from " + passwordFile) + "]";
    }
}
