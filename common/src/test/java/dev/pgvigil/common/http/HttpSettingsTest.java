package dev.pgvigil.common.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.common.config.ConfigException;
import dev.pgvigil.common.config.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpSettingsTest {
    @Test
    void defaultsAreLoopback8080AndTheTokenFromTheEnvironment() {
        HttpSettings settings = ConfigFile.parse("pgvigil.yaml", "kafka: {bootstrapServers: x}\n").section("http", HttpSettings.class);
        assertThat(settings).isEqualTo(HttpSettings.defaults());
        assertThat(settings.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.tokenEnv()).isEqualTo("PGVIGIL_HTTP_TOKEN");
        assertThat(settings.token(Map.of("PGVIGIL_HTTP_TOKEN", "abc")::get).matches("Bearer abc")).isTrue();
        assertThat(settings.token(name -> null).configured()).isFalse();
    }

    @Test
    void badValuesNameTheFileLineAndKey() {
        assertThatThrownBy(() -> ConfigFile.parse("pgvigil.yaml", "http:\n  bindAddress: 0.0.0.0\n  port: 70000\n")
                .section("http", HttpSettings.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("pgvigil.yaml:")
                .hasMessageContaining("http")
                .hasMessageContaining("port must be between 0");
        assertThatThrownBy(() -> ConfigFile.parse("pgvigil.yaml", "http:\n  prot: 80\n").section("http", HttpSettings.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("pgvigil.yaml:")
                .hasMessageContaining("http.prot: unknown key 'prot'");
    }

    @Test
    void tlsIsANestedSectionWithThePasswordNeverInline() {
        HttpSettings settings = ConfigFile.parse("p.yaml", "http:\n  tls:\n    keystore: /etc/pgvigil/http.p12\n"
                + "    keystorePasswordEnv: HTTP_KS\n").section("http", HttpSettings.class);
        assertThat(settings.tls()).isEqualTo(new HttpTls(Path.of("/etc/pgvigil/http.p12"), null, "HTTP_KS", null));
        assertThat(HttpSettings.defaults().tls()).isNull();
        assertThatThrownBy(() -> ConfigFile.parse("p.yaml", "http:\n  tls:\n    keystore: /k.p12\n    keystorePassword: hunter2\n")
                .section("http", HttpSettings.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.tls.keystorePassword")
                .hasMessageContaining("never given inline")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void tokenFileWinsAndMustHoldAToken(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "from-file\n");
        HttpSettings settings = ConfigFile.parse("p.yaml", "http:\n  tokenFile: " + file + "\n  tokenEnv: MY_TOKEN\n")
                .section("http", HttpSettings.class);
        BearerToken token = settings.token(Map.of("MY_TOKEN", "from-env")::get);
        assertThat(token.matches("Bearer from-file")).isTrue();
        assertThat(token.matches("Bearer from-env")).isFalse();
        assertThat(token.toString()).doesNotContain("from-file");

        Files.writeString(file, "  \n");
        assertThatThrownBy(() -> settings.token(name -> null)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> settings.withTokenFile(dir.resolve("nope")).token(name -> null)).hasMessageContaining("cannot read");
    }

    @Test
    void bearerTokenMatchesOnlyTheExactTokenWithTheScheme() {
        BearerToken token = BearerToken.of("abc");
        assertThat(token.matches("Bearer abc")).isTrue();
        assertThat(token.matches("bearer   abc ")).isTrue();
        assertThat(token.matches("Bearer abcd")).isFalse();
        assertThat(token.matches("Basic abc")).isFalse();
        assertThat(token.matches("abc")).isFalse();
        assertThat(token.matches("Bearer ")).isFalse();
        assertThat(token.matches(null)).isFalse();
        assertThat(BearerToken.none().matches("Bearer abc")).isFalse();
    }

    @Test
    void hostNamesAllowedByDefaultAndByConfiguration() {
        HttpSettings loopback = HttpSettings.defaults();
        assertThat(loopback.allowsHost("localhost:8080")).isTrue();
        assertThat(loopback.allowsHost("LOCALHOST")).isTrue();
        assertThat(loopback.allowsHost("[::1]:8080")).isTrue();
        assertThat(loopback.allowsHost("evil.example:8080")).isFalse();
        assertThat(loopback.allowsHost("127.0.0.1.evil.example")).isFalse();
        assertThat(loopback.allowsHost("")).isFalse();
        HttpSettings everywhere = new HttpSettings("0.0.0.0", 8080, null, null, null, null);
        assertThat(everywhere.allowsHost("monitor.corp:8080")).isTrue();
        HttpSettings named = new HttpSettings("0.0.0.0", 8080, null, null, null, List.of("Monitor.Corp"));
        assertThat(named.allowsHost("monitor.corp:8080")).isTrue();
        assertThat(named.allowsHost("localhost:8080")).isFalse();
        assertThatThrownBy(() -> new HttpSettings(null, null, null, null, null, List.of("http://x/"))).hasMessageContaining("allowedHosts");
    }
}
