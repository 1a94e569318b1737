package dev.pgvigil.advisor.baseline;

import dev.pgvigil.schema.BaselineSet;
import dev.pgvigil.schema.BaselineStatement;
import dev.pgvigil.schema.BaselineTable;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Maps the advisor's {@link Baseline} to and from the Avro {@code Baseline} of {@code pgvigil.baselines}.
 * Metric names pass through unchanged: the advisor and the analyzer both use database_size_bytes,
 * table_count, index_count, cache_hit_ratio and connections; the rest are only on one side and show
 * as new or gone in a comparison.
 */
final class BaselineAvro {
    private BaselineAvro() {}

    static BaselineSet toAvro(String instance, List<Baseline> baselines) {
        return new BaselineSet(instance, baselines.stream().map(BaselineAvro::toAvro).toList());
    }

    static List<Baseline> fromAvro(BaselineSet set) {
        return set.getBaselines().stream().map(BaselineAvro::fromAvro).toList();
    }

    static dev.pgvigil.schema.Baseline toAvro(Baseline b) {
        return new dev.pgvigil.schema.Baseline(b.name(), b.createdAt(), new LinkedHashMap<>(b.metrics()),
                b.tables().stream().map(t -> new BaselineTable(t.name(), t.sizeBytes(), t.rows())).toList(),
                b.topStatements().stream().map(s -> new BaselineStatement(s.queryId(), s.query(), s.calls(), s.meanTimeMs())).toList());
    }

    static Baseline fromAvro(dev.pgvigil.schema.Baseline b) {
        return new Baseline(b.getName(), b.getCreatedAt(), new LinkedHashMap<>(b.getMetrics()),
                b.getTables().stream().map(t -> new Baseline.Table(t.getName(), t.getSizeBytes(), t.getRows())).toList(),
                b.getTopStatements().stream().map(s -> new Baseline.Statement(s.getQueryId(), s.getQuery(), s.getCalls(), s.getMeanTimeMs())).toList());
    }
}
