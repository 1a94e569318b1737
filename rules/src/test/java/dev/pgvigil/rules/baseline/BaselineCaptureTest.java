package dev.pgvigil.rules.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineCaptureTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void metricsAreSummedOverDatabasesAndTablesAndStatementsKeepTheLargestFirst() {
        List<BaselineCapture.Table> tables = new ArrayList<>();
        for (int i = 0; i < BaselineCapture.MAX_TABLES + 5; i++) {
            tables.add(new BaselineCapture.Table("public.t" + i, 1000L * i, i, 2));
        }
        List<BaselineCapture.Statement> statements = new ArrayList<>();
        for (int i = 0; i < BaselineCapture.MAX_STATEMENTS + 3; i++) {
            statements.add(new BaselineCapture.Statement(i, "SELECT " + i, 10, i * 100.0, i * 10.0));
        }
        Baseline b = BaselineCapture.capture(new BaselineCapture.Stats(
                List.of(new BaselineCapture.Database("shop", 8000, 90, 10), new BaselineCapture.Database("postgres", 2000, 0, 0)),
                7, tables, 12, statements), "before-upgrade", T0);

        assertThat(b.name()).isEqualTo("before-upgrade");
        assertThat(b.createdAt()).isEqualTo(T0);
        assertThat(b.metrics()).containsEntry(Baseline.DATABASE_SIZE_BYTES, 10000.0).containsEntry(Baseline.DATABASE_COUNT, 2.0)
                .containsEntry(Baseline.CACHE_HIT_RATIO, 0.9).containsEntry(Baseline.CONNECTIONS, 7.0)
                .containsEntry(Baseline.TABLE_COUNT, 105.0).containsEntry(Baseline.INDEX_COUNT, 12.0)
                .containsEntry(Baseline.STATEMENT_COUNT, 23.0).containsEntry(Baseline.DEAD_ROWS, 210.0);
        assertThat(b.tables()).hasSize(BaselineCapture.MAX_TABLES).first().isEqualTo(new Baseline.Table("public.t104", 104_000, 104));
        assertThat(b.topStatements()).hasSize(BaselineCapture.MAX_STATEMENTS).first()
                .isEqualTo(new Baseline.Statement(22, "SELECT 22", 10, 220.0));
    }

    @Test
    void unknownValuesAreLeftOutNotZero() {
        Baseline b = BaselineCapture.capture(new BaselineCapture.Stats(
                List.of(new BaselineCapture.Database("shop", 8000, 0, 0)), null, List.of(), 0, List.of()), "empty", T0);
        assertThat(b.metrics()).doesNotContainKeys(Baseline.CACHE_HIT_RATIO, Baseline.CONNECTIONS)
                .containsEntry(Baseline.TABLE_COUNT, 0.0);
    }

    @Test
    void namesAreCheckedByOneRule() {
        assertThat(BaselineNames.isValid("before-upgrade_1.2")).isTrue();
        assertThat(BaselineNames.isValid("baseline-20261205-163000")).isTrue();
        assertThat(BaselineNames.isValid("")).isFalse();
        assertThat(BaselineNames.isValid(null)).isFalse();
        assertThat(BaselineNames.isValid("-leading")).isFalse();
        assertThat(BaselineNames.isValid("a/b")).isFalse();
        assertThat(BaselineNames.isValid("x".repeat(65))).isFalse();
    }
}
