package dev.pgvigil.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules' plain {@link dev.pgvigil.rules.baseline.Baseline} to and from the Avro {@code Baseline} of
 * pgvigil.baselines: one conversion for the analyzer (the topic's only writer) and its readers.
 */
public final class Baselines {
    private Baselines() {}

    public static BaselineSet toAvro(String instanceId, List<dev.pgvigil.rules.baseline.Baseline> baselines) {
        return new BaselineSet(instanceId, baselines.stream().map(Baselines::toAvro).toList());
    }

    public static List<dev.pgvigil.rules.baseline.Baseline> fromAvro(BaselineSet set) {
        return set.getBaselines().stream().map(Baselines::fromAvro).toList();
    }

    public static Baseline toAvro(dev.pgvigil.rules.baseline.Baseline b) {
        return new Baseline(b.name(), b.createdAt(), new LinkedHashMap<>(b.metrics()),
                b.tables().stream().map(t -> new BaselineTable(t.name(), t.sizeBytes(), t.rows())).toList(),
                b.topStatements().stream().map(s -> new BaselineStatement(s.queryId(), s.query(), s.calls(), s.meanTimeMs())).toList());
    }

    public static dev.pgvigil.rules.baseline.Baseline fromAvro(Baseline b) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        b.getMetrics().forEach((k, v) -> metrics.put(k.toString(), v));
        return new dev.pgvigil.rules.baseline.Baseline(b.getName().toString(), b.getCreatedAt(), metrics,
                b.getTables().stream().map(t -> new dev.pgvigil.rules.baseline.Baseline.Table(t.getName().toString(), t.getSizeBytes(), t.getRows())).toList(),
                b.getTopStatements().stream().map(s -> new dev.pgvigil.rules.baseline.Baseline.Statement(s.getQueryId(),
                        s.getQuery() == null ? null : s.getQuery().toString(), s.getCalls(), s.getMeanTimeMs())).toList());
    }
}
