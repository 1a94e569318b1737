package dev.pgvigil.rules;

import java.util.Objects;

/**
 * Advice a DBA can act on. The same shape is printed by the one-shot commands ({@code --json}) and
 * published on {@code pgvigil.findings}: kind, severity, instance, object, detail (what was seen, with
 * numbers) and recommendation (what to do, with the SQL).
 */
public record Finding(FindingKind kind, Severity severity, String instance, String object, String detail, String recommendation) {
    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(recommendation, "recommendation");
    }
}
