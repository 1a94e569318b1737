package dev.pgvigil.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * Pins the analyzer's topology: every node with the nodes it feeds and the stores it uses. Node and
 * store names are a contract with running deployments, and the edges are the data flow of DESIGN.md:
 * a rename or a rewiring fails here, on purpose, so it is made knowingly (with a migration note).
 */
class AnalyzerTopologyTest {
    private static final String EXPECTED = """
            activity -> [metric-batches, violations-sink] stores [pgvigil-cursors, pgvigil-instances]
            activity-source -> [decode-activity] from [pgvigil.stats.activity]
            baseline-requests-source -> [named-baselines] from [pgvigil.baseline.requests]
            baselines -> [violations-sink] stores [pgvigil-baselines-hourly]
            baselines-sink -> [] to pgvigil.baselines
            database-source -> [decode-database] from [pgvigil.stats.database]
            database-stats -> [metric-batches, violations-sink] stores [pgvigil-cursors, pgvigil-databases, pgvigil-instances, pgvigil-replication]
            decode-activity -> [activity]
            decode-database -> [database-stats]
            decode-indexes -> [index-stats]
            decode-replication -> [replication]
            decode-snapshots -> [envelopes]
            decode-statements -> [statement-stats]
            decode-tables -> [table-stats]
            envelopes -> [violations-sink] stores [pgvigil-instances]
            findings-sink -> [] to pgvigil.findings
            global alerts-source [pgvigil.alerts] -> alerts-updater stores [pgvigil-alerts]
            index-stats -> [findings-sink, metric-batches, violations-sink] stores [pgvigil-cursors, pgvigil-databases, pgvigil-findings-current, pgvigil-findings-published, pgvigil-indexes, pgvigil-instances]
            indexes-source -> [decode-indexes] from [pgvigil.stats.indexes]
            metric-batches -> [baselines, metrics-sink, trends]
            metrics-sink -> [] to pgvigil.metrics
            named-baselines -> [baselines-sink] stores [pgvigil-cursors, pgvigil-databases, pgvigil-indexes, pgvigil-instances, pgvigil-named-baselines, pgvigil-statements, pgvigil-tables]
            replication -> [findings-sink, metric-batches, violations-sink] stores [pgvigil-cursors, pgvigil-findings-current, pgvigil-findings-published, pgvigil-instances, pgvigil-replication]
            replication-source -> [decode-replication] from [pgvigil.stats.replication]
            rollups-1h-sink -> [] to pgvigil.rollups.1h
            rollups-1m-sink -> [] to pgvigil.rollups.1m
            snapshots-source -> [decode-snapshots] from [pgvigil.snapshots]
            statement-stats -> [metric-batches, violations-sink] stores [pgvigil-cursors, pgvigil-instances, pgvigil-statements]
            statements-source -> [decode-statements] from [pgvigil.stats.statements]
            table-stats -> [findings-sink, metric-batches, violations-sink] stores [pgvigil-cursors, pgvigil-databases, pgvigil-findings-current, pgvigil-findings-published, pgvigil-instances, pgvigil-tables]
            tables-source -> [decode-tables] from [pgvigil.stats.tables]
            trends -> [rollups-1h-sink, rollups-1m-sink] stores [pgvigil-rollup-blocks-1h, pgvigil-rollup-blocks-1m, pgvigil-rollup-blocks-open, pgvigil-rollup-marks]
            violations-sink -> [] to pgvigil.violations
            """;

    @Test
    void nodesStoresAndEdgesAreThoseOfTheDesign() {
        assertThat(describe(AnalyzerTopology.build(AnalyzerConfig.defaults()).describe())).isEqualTo(EXPECTED);
    }

    /** One line per node, sorted: "name -> [children] stores [stores]"; global stores as their source and processor. */
    private static String describe(TopologyDescription description) {
        List<String> lines = new ArrayList<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                lines.add(line(node));
            }
        }
        for (TopologyDescription.GlobalStore global : description.globalStores()) {
            lines.add("global " + global.source().name() + " " + global.source().topicSet() + " -> " + global.processor().name()
                    + " stores " + new TreeSet<>(global.processor().stores()));
        }
        lines.sort(String::compareTo);
        return String.join("\n", lines) + "\n";
    }

    private static String line(TopologyDescription.Node node) {
        StringBuilder b = new StringBuilder(node.name()).append(" -> ")
                .append(new TreeSet<>(node.successors().stream().map(TopologyDescription.Node::name).toList()));
        if (node instanceof TopologyDescription.Source source) {
            b.append(" from ").append(source.topicSet());
        } else if (node instanceof TopologyDescription.Sink sink) {
            b.append(" to ").append(sink.topic());
        } else if (node instanceof TopologyDescription.Processor processor && !processor.stores().isEmpty()) {
            b.append(" stores ").append(new TreeSet<>(processor.stores()));
        }
        return b.toString();
    }
}
