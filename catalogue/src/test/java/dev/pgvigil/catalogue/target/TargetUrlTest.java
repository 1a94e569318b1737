package dev.pgvigil.catalogue.target;

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
    }
}
