package dev.pgvigil.common.http;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A service's answer to "are you well?": named checks the service registers (Kafka Streams state,
 * broker reachable, last collection cycle, ...), run on each {@code GET /health}. The service is UP
 * when every check is; a check that throws counts as DOWN (with the exception's type only: messages
 * can carry connection details).
 */
public final class HealthChecks {
    public enum Status { UP, DOWN }

    /** One check's verdict, with a short human detail ("RUNNING", "last cycle 4 s ago", ...). */
    public record Check(Status status, String detail) {
        public static Check up(String detail) {
            return new Check(Status.UP, detail);
        }

        public static Check down(String detail) {
            return new Check(Status.DOWN, detail);
        }
    }

    /** The body of {@code /health}. */
    public record Report(Status status, Instant checkedAt, Map<String, Check> checks) {}

    private final Map<String, Supplier<Check>> checks = new LinkedHashMap<>();
    private final Clock clock;

    public HealthChecks() {
        this(Clock.systemUTC());
    }

    public HealthChecks(Clock clock) {
        this.clock = clock;
    }

    /** Adds (or replaces) the check called {@code name}. */
    public synchronized HealthChecks register(String name, Supplier<Check> check) {
        checks.put(name, check);
        return this;
    }

    public Report check() {
        Map<String, Supplier<Check>> current;
        synchronized (this) {
            current = new LinkedHashMap<>(checks);
        }
        Map<String, Check> results = new LinkedHashMap<>();
        Status overall = Status.UP;
        for (Map.Entry<String, Supplier<Check>> entry : current.entrySet()) {
            Check result;
            try {
                result = entry.getValue().get();
                if (result == null) {
                    result = Check.down("check gave no answer");
                }
            } catch (RuntimeException e) {
                result = Check.down("check failed: " + e.getClass().getSimpleName());
            }
            results.put(entry.getKey(), result);
            if (result.status() == Status.DOWN) {
                overall = Status.DOWN;
            }
        }
        return new Report(overall, clock.instant(), results);
    }
}
