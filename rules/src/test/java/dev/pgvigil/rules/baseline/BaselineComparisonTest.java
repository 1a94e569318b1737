package dev.pgvigil.rules.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.rules.baseline.BaselineComparison.Direction;
import dev.pgvigil.rules.baseline.BaselineComparison.MetricChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaselineComparisonTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Baseline baseline(String name, Instant at, double size, double hit, double deadRows, double connections, double meanMs) {
        return new Baseline(name, at,
                Map.of(Baseline.DATABASE_SIZE_BYTES, size, Baseline.CACHE_HIT_RATIO, hit, Baseline.DEAD_ROWS, deadRows, Baseline.CONNECTIONS, connections),
                List.of(new Baseline.Table("public.orders", (long) size / 2, 1000)),
                List.of(new Baseline.Statement(42, "SELECT * FROM orders WHERE id = $1", 100, meanMs)));
    }

    static MetricChange metric(BaselineComparison c, String name) {
        return c.metrics().stream().filter(m -> m.metric().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void directionsAndAssessments() {
        BaselineComparison c = BaselineComparison.compare(
                baseline("before", T0, 100e6, 0.99, 100, 10, 1.0),
                baseline("now", T0.plusSeconds(3600), 150e6, 0.90, 50, 10.05, 1.0));
        assertThat(c.baselineName()).isEqualTo("before");
        assertThat(c.now()).isEqualTo(T0.plusSeconds(3600));
        MetricChange size = metric(c, Baseline.DATABASE_SIZE_BYTES);
        assertThat(size.direction()).isEqualTo(Direction.UP);
        assertThat(size.assessment()).isNull(); // growth is news, not good or bad
        assertThat(size.change()).isEqualTo(50e6);
        assertThat(size.changeShare()).isEqualTo(0.5);
        MetricChange hit = metric(c, Baseline.CACHE_HIT_RATIO);
        assertThat(hit.direction()).isEqualTo(Direction.DOWN);
        assertThat(hit.assessment()).isEqualTo("worse");
        assertThat(metric(c, Baseline.DEAD_ROWS).assessment()).isEqualTo("better");
        assertThat(metric(c, Baseline.CONNECTIONS).direction()).isEqualTo(Direction.SAME); // within 1 %
        assertThat(c.tables()).singleElement().satisfies(t -> {
            assertThat(t.direction()).isEqualTo(Direction.UP);
            assertThat(t.sizeBytes().baseline()).isEqualTo(50e6);
            assertThat(t.rows().direction()).isEqualTo(Direction.SAME);
        });
        assertThat(c.statements().get(0).factor()).isEqualTo(1.0);
    }

    @Test
    void itemsOnOneSideAreNewOrGoneAndTheBiggestChangesComeFirst() {
        Baseline before = new Baseline("b", T0, Map.of("only_then", 1.0),
                List.of(new Baseline.Table("public.small", 10, 1), new Baseline.Table("public.dropped", 500, 5)),
                List.of(new Baseline.Statement(1, "SELECT 1", 10, 2.0), new Baseline.Statement(2, "SELECT 2", 10, 1.0)));
        Baseline now = new Baseline("now", T0.plusSeconds(60), Map.of("only_now", 2.0),
                List.of(new Baseline.Table("public.small", 20, 1), new Baseline.Table("public.huge", 9000, 9)),
                List.of(new Baseline.Statement(1, null, 20, 9.0), new Baseline.Statement(3, "SELECT 3", 1, 0.5)));
        BaselineComparison c = BaselineComparison.compare(before, now);

        assertThat(metric(c, "only_then").direction()).isEqualTo(Direction.GONE);
        assertThat(metric(c, "only_now").direction()).isEqualTo(Direction.NEW);
        assertThat(metric(c, "only_now").changeShare()).isNull();
        assertThat(c.tables()).extracting(BaselineComparison.TableChange::table).containsExactly("public.huge", "public.dropped", "public.small");
        assertThat(c.tables().get(1).direction()).isEqualTo(Direction.GONE);
        assertThat(c.statements()).extracting(BaselineComparison.StatementChange::queryId).containsExactly(1L, 2L, 3L);
        BaselineComparison.StatementChange slower = c.statements().get(0);
        assertThat(slower.query()).isEqualTo("SELECT 1"); // the text from the side that has it
        assertThat(slower.factor()).isEqualTo(4.5);
        assertThat(slower.calls().change()).isEqualTo(10.0);
        assertThat(c.statements().get(1).factor()).isNull();
        assertThat(c.statements().get(1).direction()).isEqualTo(Direction.GONE);
    }
}
