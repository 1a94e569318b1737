package dev.pgvigil.advisor.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlTextTest {
    @Test
    void oneStatementWithATrailingSemicolonIsFine() {
        assertThat(SqlText.singleStatement("  SELECT 1;  ")).isEqualTo("SELECT 1");
        assertThat(SqlText.singleStatement("SELECT ';' AS x; -- done")).isEqualTo("SELECT ';' AS x");
        assertThat(SqlText.singleStatement("SELECT $$a;b$$, $tag$;$tag$ /* ; */")).isEqualTo("SELECT $$a;b$$, $tag$;$tag$ /* ; */");
        assertThat(SqlText.singleStatement("SELECT * FROM t WHERE a = $1")).isEqualTo("SELECT * FROM t WHERE a = $1");
    }

    @Test
    void aSecondStatementIsRefused() {
        assertThatThrownBy(() -> SqlText.singleStatement("SELECT 1; DROP TABLE t")).hasMessageContaining("only one");
        assertThatThrownBy(() -> SqlText.singleStatement("SELECT 'x'';'; DELETE FROM t")).hasMessageContaining("only one");
        assertThatThrownBy(() -> SqlText.singleStatement(" -- nothing\n ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> SqlText.singleStatement("SELECT 'open")).hasMessageContaining("unterminated");
    }

    @Test
    void firstKeywordSkipsCommentsAndParentheses() {
        assertThat(SqlText.firstKeyword("/* hi */ -- x\n  delete from t")).isEqualTo("DELETE");
        assertThat(SqlText.firstKeyword("(select 1)")).isEqualTo("SELECT");
        assertThat(SqlText.firstKeyword("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x")).isEqualTo("WITH");
    }

    @Test
    void statementsPreparedWithSqlAreReadInside() {
        assertThat(SqlText.withoutPrepare("PREPARE p1 AS SELECT * FROM t WHERE a = $1")).isEqualTo("SELECT * FROM t WHERE a = $1");
        assertThat(SqlText.withoutPrepare("prepare q (int, text) as delete from t where id = $1")).isEqualTo("delete from t where id = $1");
        assertThat(SqlText.withoutPrepare("SELECT 'PREPARE x AS y'")).isEqualTo("SELECT 'PREPARE x AS y'");
    }
}
