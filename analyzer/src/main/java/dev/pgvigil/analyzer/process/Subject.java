package dev.pgvigil.analyzer.process;

import dev.pgvigil.rules.Fingerprint;
import java.util.Map;

/** What a violation is about: the rule (wire name), the instance, the object and its labels. */
public record Subject(String rule, String instanceId, String object, Map<String, String> labels) {
    public Subject {
        labels = labels == null ? Map.of() : labels;
    }

    public String fingerprint() {
        return Fingerprint.of(rule, instanceId, object);
    }
}
