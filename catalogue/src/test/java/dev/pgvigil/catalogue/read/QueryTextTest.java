package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryTextTest {
    @Test
    void passwordLiteralsAreMasked() {
        assertThat(QueryText.scrub("CREATE ROLE app LOGIN PASSWORD 'it''s-secret' VALID UNTIL 'infinity'"))
                .isEqualTo("CREATE ROLE app LOGIN PASSWORD '***' VALID UNTIL 'infinity'");
        assertThat(QueryText.scrub("alter user app with encrypted password 'x1'")).isEqualTo("alter user app with encrypted password '***'");
        assertThat(QueryText.scrub("SELECT dblink_connect('host=h user=u password=hunter2 dbname=d')"))
                .isEqualTo("SELECT dblink_connect('host=h user=u password=*** dbname=d')");
        assertThat(QueryText.scrub("SELECT dblink('postgresql://u:hunter2@h/d', 'select 1')"))
                .isEqualTo("SELECT dblink('postgresql://u:***@h/d', 'select 1')");
    }

    @Test
    void ordinaryQueriesAreUntouched() {
        String q = "SELECT password_hash FROM users WHERE id = $1";
        assertThat(QueryText.scrub(q)).isEqualTo(q);
        assertThat(QueryText.scrub(null)).isNull();
    }
}
