package dev.pgvigil.bench.sidebyside;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.TargetRunner;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.collector.publish.OutRecord;
import dev.pgvigil.embedded.LocalFleet;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TablesChunk;
import java.util.List;
import java.util.Map;

/**
 * What pgvigil knows per cycle: the statements, tables and indexes of one snapshot of every target, read by the
 * collector's own code (in this JVM, before any stack runs, so it is not counted as either stack's cost).
 */
final class Knowledge {
    private Knowledge() {}

    static Map<String, Long> ofSnapshots(LocalFleet fleet, String monitorPassword) {
        long statements = 0;
        long tables = 0;
        long indexes = 0;
        for (LocalFleet.Target t : fleet.targets()) {
            TargetConfig target = new TargetConfig(t.id(), t.pg().jdbcUrl(t.database()), LocalFleet.MONITOR, monitorPassword,
                    null, null, null, null, List.of(t.database()), null);
            try (TargetRunner runner = new TargetRunner(target, CollectorConfig.of(List.of(target)))) {
                List<Object> values = runner.collect().chunks().stream().map(OutRecord::value).map(Object.class::cast).toList();
                statements += values.stream().filter(StatementsChunk.class::isInstance).mapToLong(v -> ((StatementsChunk) v).getStatements().size()).sum();
                tables += values.stream().filter(TablesChunk.class::isInstance).mapToLong(v -> ((TablesChunk) v).getTables().size()).sum();
                indexes += values.stream().filter(IndexesChunk.class::isInstance).mapToLong(v -> ((IndexesChunk) v).getIndexes().size()).sum();
            }
        }
        return Map.of("statements", statements, "tables", tables, "indexes", indexes);
    }
}
