package dev.pgvigil.catalogue.conninfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetUrlTest {
    @Test
    void libpqUriLosesItsCredentialsOnTheWayToJdbc() {
        TargetUrl url = TargetUrl.parse("postgresql://mon:p%40ss%2Fw0rd@db1:6432/my%20db?sslmode=verify-full&application_name=x");
        assertThat(url.user()).isEqualTo("mon");
        assertThat(url.password()).isEqualTo("p@ss/w0rd");
        assertThat(url.database()).isEqualTo("my db");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db1:6432/my%20db?sslmode=verify-full&application_name=x")
                .doesNotContain("mon").doesNotContain("w0rd");
        assertThat(url.redacted()).isEqualTo("postgresql://mon:***@db1:6432/my db");
        assertThat(url.toString()).doesNotContain("w0rd");
        assertThat(url.redact("failed for p@ss/w0rd and p%40ss%2Fw0rd")).isEqualTo("failed for *** and ***");
    }

    @Test
    void jdbcUrlWithPasswordParameterAndSeveralHosts() {
        TargetUrl url = TargetUrl.parse("jdbc:postgresql://h1:5432,h2:5432/app?user=mon&password=secret&targetServerType=primary");
        assertThat(url.user()).isEqualTo("mon");
        assertThat(url.password()).isEqualTo("secret");
        assertThat(url.hosts()).isEqualTo("h1:5432,h2:5432");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5432/app?targetServerType=primary");
    }

    @Test
    void malformedUrls() {
        assertThatThrownBy(() -> TargetUrl.parse("postgresql://h")).hasMessageContaining("names no database");
        assertThatThrownBy(() -> TargetUrl.parse("postgresql:///app")).hasMessageContaining("names no host");
        assertThatThrownBy(() -> TargetUrl.parse("h:5432/app")).hasMessageContaining("must start with");
        // found by a hostile probe: these passed the check and then failed every cycle
        assertThatThrownBy(() -> TargetUrl.parse("postgresql://u@[bad host:99999/db")).hasMessageContaining("is not a bracketed IPv6 address");
        assertThatThrownBy(() -> TargetUrl.parse("postgresql://u@db1:99999/db")).hasMessageContaining("port '99999' of host db1 must be a number from 1 to 65535");
        assertThatThrownBy(() -> TargetUrl.parse("postgresql://u@bad host:5432/db")).hasMessageContaining("url host 'bad host' is not a host name");
        assertThatThrownBy(() -> TargetUrl.parse("postgresql://h1:5432,:5433/db")).hasMessageContaining("url host '' is not");
        assertThatThrownBy(() -> TargetUrl.parse("postgresql://[::1]x/db")).hasMessageContaining("has text after the address");
        assertThat(TargetUrl.parse("postgresql://u@[::1]:5432/db").hosts()).isEqualTo("[::1]:5432");
        assertThat(TargetUrl.parse("postgresql://u@[fe80::1%eth0]/db").hosts()).isEqualTo("[fe80::1%eth0]");
        assertThat(TargetUrl.parse("jdbc:postgresql://db-1.example.com,db_2:6432/db").hosts()).isEqualTo("db-1.example.com,db_2:6432");
    }
}
