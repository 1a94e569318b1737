package dev.pgvigil.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindingTest {
    @Test
    void statementsAreTheRecommendationsOwnSql() {
        Finding f = new Finding(FindingKind.UNUSED_INDEX, Severity.INFO, "i1", "public.x_idx", "unused",
                "If nothing needs it: DROP INDEX CONCURRENTLY public.x_idx;", List.of("DROP INDEX CONCURRENTLY public.x_idx;"));
        assertThat(f.statements()).containsExactly("DROP INDEX CONCURRENTLY public.x_idx;");
        assertThatThrownBy(() -> new Finding(FindingKind.UNUSED_INDEX, Severity.INFO, "i1", "public.x_idx", "unused",
                "Drop it.", List.of("DROP INDEX public.x_idx;")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DROP INDEX public.x_idx;");
    }

    @Test
    void noStatementsIsAnEmptyListThatCannotChange() {
        List<String> given = new ArrayList<>(List.of("VACUUM;"));
        Finding f = new Finding(FindingKind.CONFIG, Severity.INFO, "i1", "x", "d", "VACUUM;", given);
        given.clear();
        assertThat(f.statements()).containsExactly("VACUUM;");
        assertThat(new Finding(FindingKind.CONFIG, Severity.INFO, "i1", "x", "d", "Think about it.").statements()).isEmpty();
        assertThat(new Finding(FindingKind.CONFIG, Severity.INFO, "i1", "x", "d", "Think about it.", null).statements()).isEmpty();
    }

    @Test
    void everyRuleThatNamesSqlListsIt() {
        Threshold xid = Rule.XID_WRAPAROUND.defaults();
        Finding frozen = XidWraparoundRule.finding("i1", "shop", XidWraparoundRule.evaluate(2_000_000_000L, xid, "shop")).orElseThrow();
        assertThat(frozen.statements()).containsExactly("VACUUM (FREEZE, VERBOSE);");
        Finding bloat = TableBloatRule.evaluate("i1", "public", "events", 20_000, 40L << 20, 10L << 20, Rule.TABLE_BLOAT.defaults()).orElseThrow();
        assertThat(bloat.statements()).as("pg_repack is a program, not SQL").containsExactly("VACUUM FULL public.events;");
        Finding slow = StatementMeanTimeRule.finding("i1", 42, "select 1",
                Decision.judge(Rule.STATEMENT_MEAN_TIME, Rule.STATEMENT_MEAN_TIME.defaults(), 900, "queryid 42")).orElseThrow();
        assertThat(slow.statements()).containsExactly("SELECT * FROM pg_stat_statements WHERE queryid = 42;");
    }
}
