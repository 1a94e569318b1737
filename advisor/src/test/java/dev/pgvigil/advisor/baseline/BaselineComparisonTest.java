package dev.pgvigil.advisor.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.Severity;
import dev.pgvigil.rules.baseline.Baseline;
import dev.pgvigil.rules.baseline.BaselineComparison;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The advisor's part of a comparison (findings) and its file of baselines; the comparison itself is tested in rules. */
class BaselineComparisonTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Baseline baseline(String name, Instant at, double size, double hit, double deadRows, double connections, double meanMs) {
        return new Baseline(name, at,
                Map.of(Baseline.DATABASE_SIZE_BYTES, size, Baseline.CACHE_HIT_RATIO, hit, Baseline.DEAD_ROWS, deadRows, Baseline.CONNECTIONS, connections),
                List.of(new Baseline.Table("public.orders", (long) size / 2, 1000)),
                List.of(new Baseline.Statement(42, "SELECT * FROM orders WHERE id = $1", 100, meanMs)));
    }

    @Test
    void aStatementThatGotSlowerIsASlowQueryFinding() {
        BaselineComparison c = BaselineComparison.compare(
                baseline("before", T0, 1, 1, 0, 1, 2.0),
                baseline("now", T0.plusSeconds(60), 1, 1, 0, 1, 9.0));
        assertThat(c.statements().get(0).factor()).isEqualTo(4.5);
        List<Finding> f = BaselineFindings.of(c, "db1");
        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(FindingKind.SLOW_QUERY);
            assertThat(x.severity()).isEqualTo(Severity.CRITICAL); // 4.5x: beyond the regression rule's critical factor 4
            assertThat(x.object()).isEqualTo("queryid 42");
        });
        BaselineComparison slight = BaselineComparison.compare(baseline("b", T0, 1, 1, 0, 1, 2.0), baseline("n", T0, 1, 1, 0, 1, 3.0));
        assertThat(BaselineFindings.of(slight, "db1")).isEmpty(); // 1.5x is below the warning factor 2
    }

    @Test
    void theStoreKeepsTheLastTenPerInstanceAndReplacesByName(@TempDir Path dir) throws IOException {
        BaselineFile store = new BaselineFile(dir.resolve("sub/baselines.json"));
        assertThat(store.find("a", null)).isEmpty();
        for (int i = 0; i < 12; i++) {
            store.add("a", baseline("b" + i, T0.plusSeconds(i), i, 1, 0, 1, 1));
        }
        store.add("b", baseline("other", T0, 1, 1, 0, 1, 1));
        List<Baseline> history = store.history("a");
        assertThat(history).extracting(Baseline::name).containsExactly("b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11");
        store.add("a", baseline("b5", T0.plusSeconds(100), 99, 1, 0, 1, 1));
        assertThat(store.history("a")).hasSize(10).last().extracting(Baseline::name).isEqualTo("b5");
        assertThat(store.find("a", "b5").orElseThrow().metrics().get(Baseline.DATABASE_SIZE_BYTES)).isEqualTo(99.0);
        assertThat(store.find("a", null).orElseThrow().name()).isEqualTo("b5");
        assertThat(store.history("b")).hasSize(1);
        assertThat(new BaselineFile(store.file()).find("a", "b9")).isPresent(); // read back from the file

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{ not json");
        assertThatThrownBy(() -> new BaselineFile(broken).history("a")).isInstanceOf(IOException.class).hasMessageContaining("not a pgvigil baselines file");
    }
}
