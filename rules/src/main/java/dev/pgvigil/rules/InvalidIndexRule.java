package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.util.List;
import java.util.Optional;

/** An index left invalid by a failed CREATE INDEX CONCURRENTLY: never used for reads, still maintained on writes. */
public final class InvalidIndexRule {
    private InvalidIndexRule() {}

    public static Optional<Finding> evaluate(String instance, IndexInfo index) {
        if (index.valid()) {
            return Optional.empty();
        }
        String rebuild = "REINDEX INDEX CONCURRENTLY " + index.qualifiedName() + ";";
        String drop = "DROP INDEX CONCURRENTLY " + index.qualifiedName() + ";";
        return Optional.of(new Finding(FindingKind.INVALID_INDEX, Severity.WARNING, instance, index.object(),
                "Index " + index.object() + " on " + index.schema() + "." + index.table() + " is invalid (" + Human.bytes(index.sizeBytes())
                        + "): queries cannot use it, yet every write maintains it.",
                "Rebuild it: " + rebuild + " or, if it is not needed: " + drop, List.of(rebuild, drop)));
    }
}
