package dev.pgvigil.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The copy buttons get the statements of a recommendation, and never its prose. Texts as the rules write them. */
class SqlSnippetsTest {
    @Test
    void statementsBetweenProse() {
        assertThat(SqlSnippets.extract("Rebuild it: REINDEX INDEX CONCURRENTLY public.orders_idx; or, if it is not needed: "
                + "DROP INDEX CONCURRENTLY public.orders_idx;"))
                .containsExactly("REINDEX INDEX CONCURRENTLY public.orders_idx;", "DROP INDEX CONCURRENTLY public.orders_idx;");
        assertThat(SqlSnippets.extract("Connected to database shop, run: VACUUM (FREEZE, VERBOSE); first end whatever holds back "
                + "the xmin horizon: long transactions (pg_stat_activity.backend_xmin)."))
                .containsExactly("VACUUM (FREEZE, VERBOSE);");
    }

    @Test
    void proseThatStartsWithACommandWordIsNotSql() {
        assertThat(SqlSnippets.extract("Look at its plan with EXPLAIN (ANALYZE, BUFFERS) on a representative call, and check for "
                + "missing indexes or too many rows read; its counters: SELECT * FROM pg_stat_statements WHERE queryid = 42;"))
                .containsExactly("SELECT * FROM pg_stat_statements WHERE queryid = 42;");
        assertThat(SqlSnippets.extract("CREATE INDEX CONCURRENTLY ON public.orders (<columns the statements filter on>); "
                + "Check the plan first: EXPLAIN (ANALYZE, BUFFERS) <the statement above>."))
                .containsExactly("CREATE INDEX CONCURRENTLY ON public.orders (<columns the statements filter on>);");
    }

    @Test
    void statementsInParenthesesAndQuotes() {
        assertThat(SqlSnippets.extract("close idle sessions (ALTER SYSTEM SET idle_session_timeout = '10min; or so'; SELECT pg_reload_conf();)."))
                .containsExactly("ALTER SYSTEM SET idle_session_timeout = '10min; or so';", "SELECT pg_reload_conf();");
        assertThat(SqlSnippets.extract("VACUUM (ANALYZE) \"Order Items\";")).containsExactly("VACUUM (ANALYZE) \"Order Items\";");
    }

    @Test
    void nothingToCopy() {
        assertThat(SqlSnippets.extract("Fix the application that leaves transactions open.")).isEmpty();
        assertThat(SqlSnippets.extract("SELECT without an end")).isEmpty();
        assertThat(SqlSnippets.extract(null)).isEmpty();
    }
}
