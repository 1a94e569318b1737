package dev.pgvigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks what can be checked without it:
 * the services exist, they run real pgvigil commands, the mounted configuration binds to the real config
 * records, and the names in it (hosts, ports, secrets' variables, versions) agree with the compose file.
 */
class DockerComposeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        try (Reader r = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(r); // SnakeYAML resolves the <<: merge keys
            services = (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @Test
    void hasTheBrokerTheSampleDatabaseAndTheThreeServices() {
        assertThat(services).containsOnlyKeys("kafka", "postgres", "collector", "analyzer", "alerter");
    }

    @Test
    void servicesRunRealSubcommandsOnAMountedConfigThatBindsToTheRealRecords() {
        Set<String> subcommands = new CommandLine(new Main()).getSubcommands().keySet();
        for (String name : List.of("collector", "analyzer", "alerter")) {
            List<String> command = strings(services.get(name).get("command"));
            assertThat(subcommands).as(name + " command").contains(command.get(0));
            assertThat(command).containsSubsequence("--config", "/etc/pgvigil/pgvigil.yaml");
            assertThat(hostFileMountedAt(name, "/etc/pgvigil/pgvigil.yaml")).exists();
        }
        ConfigFile config = ConfigFile.load(hostFileMountedAt("collector", "/etc/pgvigil/pgvigil.yaml"));
        KafkaSettings kafka = config.section("kafka", KafkaSettings.class);
        CollectorConfig collector = config.section("collector", CollectorConfig.class);
        config.section("analyzer", AnalyzerConfig.class);
        AlerterConfig alerter = config.section("alerter", AlerterConfig.class);

        assertThat(strings(env("kafka").get("KAFKA_ADVERTISED_LISTENERS")).get(0))
                .isEqualTo("PLAINTEXT://" + kafka.bootstrapServers());
        assertThat(collector.targets()).isNotEmpty();
        for (TargetConfig target : collector.targets()) {
            assertThat(target.url()).as("targets reach the compose database by its service name").contains("//postgres:5432/");
            assertThat(target.passwordEnv()).as("the password comes from the environment").isNotBlank();
            assertThat(env("collector")).containsKey(target.passwordEnv());
            assertThat(env("postgres")).containsKey(target.passwordEnv());
        }
        assertThat(alerter.http().port()).isEqualTo(8093);
        assertThat(strings(services.get("alerter").get("ports"))).containsExactly("127.0.0.1:8093:8093");
        assertThat(env("alerter")).containsKey("PGVIGIL_ALERTER_TOKEN");
    }

    @Test
    void publishesPortsOnLoopbackOnlyAndPinsTheKafkaVersionWeBuildWith() throws IOException {
        services.forEach((name, service) -> strings(service.getOrDefault("ports", List.of()))
                .forEach(port -> assertThat(port).as(name + " port").startsWith("127.0.0.1:")));
        Properties versions = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/pgvigil-version.properties")) {
            versions.load(in);
        }
        assertThat(services.get("kafka").get("image")).isEqualTo("apache/kafka:" + versions.getProperty("kafka"));
    }

    @Test
    void theSampleDatabasePreloadsPgStatStatementsAndCreatesAMonitorRole() throws IOException {
        assertThat(String.join(" ", strings(services.get("postgres").get("command"))))
                .contains("shared_preload_libraries=pg_stat_statements");
        String init = Files.readString(hostFileMountedAt("postgres", "/docker-entrypoint-initdb.d/10-pgvigil.sql"));
        assertThat(init).contains("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", "GRANT pg_monitor TO pgvigil_monitor");
        assertThat(init).doesNotContain("SUPERUSER");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(String service) {
        return (Map<String, Object>) services.get(service).get("environment");
    }

    private static Path hostFileMountedAt(String service, String containerPath) {
        for (String volume : strings(services.get(service).get("volumes"))) {
            String[] parts = volume.split(":");
            if (parts.length >= 2 && parts[1].equals(containerPath)) {
                return ROOT.resolve(parts[0]).normalize();
            }
        }
        throw new AssertionError(service + " mounts nothing at " + containerPath);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        return ((List<Object>) value).stream().map(String::valueOf).toList();
    }
}
