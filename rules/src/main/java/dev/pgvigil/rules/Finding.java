package dev.pgvigil.rules;

import java.util.List;
import java.util.Objects;

/**
 * Advice a DBA can act on. The same shape is printed by the one-shot commands ({@code --json}) and
 * published on {@code pgvigil.findings}: kind, severity, instance, object, detail (what was seen, with
 * numbers), recommendation (what to do, in words with the SQL in them) and statements: the SQL of the
 * recommendation, each verbatim as it appears there, so the dashboard offers them to copy without
 * reading them back out of the prose.
 */
public record Finding(FindingKind kind, Severity severity, String instance, String object, String detail, String recommendation,
                      List<String> statements) {
    public Finding {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(recommendation, "recommendation");
        statements = statements == null ? List.of() : List.copyOf(statements);
        for (String s : statements) {
            // one text, two views of it: the list may not say what the words do not
            if (!recommendation.contains(s)) {
                throw new IllegalArgumentException("statement not in the recommendation: " + s);
            }
        }
    }

    /** A finding whose recommendation has no statement to run. */
    public Finding(FindingKind kind, Severity severity, String instance, String object, String detail, String recommendation) {
        this(kind, severity, instance, object, detail, recommendation, List.of());
    }
}
