package dev.pgvigil.bench.sidebyside;

import dev.pgvigil.embedded.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stack A as users run it today, from Debian's packages, each binary a child process with its own config, data
 * and port under {@code dir}: one {@code prometheus-postgres-exporter} per PostgreSQL cluster (the sidecar
 * deployment; 0.11 has no multi-target {@code /probe}) with {@code --auto-discover-databases} so per-table numbers
 * come from every database, Prometheus scraping and evaluating every 10 s, Alertmanager sending to the receiver.
 */
final class PrometheusStack implements Stack {
    static final Path EXPORTER = Path.of("/usr/bin/prometheus-postgres-exporter");
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
    private static final Path EXAMPLE_QUERIES = Path.of("/usr/share/doc/prometheus-postgres-exporter/examples/queries.yaml");
    private static final double RETENTION_DAYS = 15; // Prometheus's default --storage.tsdb.retention.time

    /** A cluster to export: its name (the {@code cluster} label), address, and a database to connect to first. */
    record Cluster(String name, String host, int port, String database) {}

    private final Map<String, ServiceProcess> processes = new LinkedHashMap<>();
    private final Path tsdb;
    private final int prometheusPort;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Whether every binary is installed; if not, prints how to install them. */
    static boolean installed() {
        boolean ok = Files.isExecutable(EXPORTER) && Files.isExecutable(PROMETHEUS) && Files.isExecutable(ALERTMANAGER)
                && Files.exists(EXAMPLE_QUERIES);
        if (!ok) {
            System.out.println("stack A needs Debian's prometheus, prometheus-alertmanager and prometheus-postgres-exporter: "
                    + "bin/setup-debian bench");
        }
        return ok;
    }

    PrometheusStack(List<Cluster> clusters, String user, String password, String webhook, Path dir) throws IOException {
        Files.createDirectories(dir);
        // the example file names pg_stat_statements' pre-13 columns (total_time, ...): renamed to the 13+ ones; and
        // pg_process_idle (a cluster-wide view) runs on the first database only, as its other cluster-wide queries do:
        // with --auto-discover-databases every database would report the same series and fail the scrape
        Path queries = Files.writeString(dir.resolve("queries.yaml"), Files.readString(EXAMPLE_QUERIES)
                .replaceAll("\\b(total|min|max|mean|stddev)_time\\b", "$1_exec_time")
                .replace("pg_process_idle:\n", "pg_process_idle:\n  master: true\n"));
        StringBuilder scrape = new StringBuilder();
        for (Cluster c : clusters) {
            int port = freePort();
            // the password stays in the child's environment, never on a command line or in a file
            start("exporter-" + c.name(), dir, Map.of("DATA_SOURCE_NAME", "postgresql://%s:%s@%s:%d/%s?sslmode=disable"
                    .formatted(user, password, c.host(), c.port(), c.database())), EXPORTER.toString(),
                    "--web.listen-address=127.0.0.1:" + port, "--extend.query-path=" + queries, "--auto-discover-databases",
                    "--exclude-databases=fleet_template,template0,template1", "--log.level=error");
            scrape.append("      - targets: ['127.0.0.1:%d']\n        labels: {cluster: %s}\n".formatted(port, c.name()));
        }
        int alertmanagerPort = freePort();
        Path amConfig = Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: bench
                  group_by: [cluster, datname]     # pgvigil groups by instance: a database here
                  group_wait: %s
                  group_interval: %s
                  repeat_interval: 4h
                receivers:
                  - name: bench
                    webhook_configs: [{url: '%s', send_resolved: true}]
                """.formatted(SideBySide.GROUP_WAIT, SideBySide.GROUP_INTERVAL, webhook));
        start("alertmanager", dir, Map.of(), ALERTMANAGER.toString(), "--config.file=" + amConfig,
                "--storage.path=" + dir.resolve("alertmanager-data"), "--web.listen-address=127.0.0.1:" + alertmanagerPort,
                "--cluster.listen-address=", "--log.level=warn");
        Path rules = Files.writeString(dir.resolve("rules.yml"), AlertRules.promql());
        Path promConfig = Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 10s, scrape_timeout: 10s, evaluation_interval: 10s}
                rule_files: ['%s']
                alerting:
                  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:%d']}]}]
                scrape_configs:
                  - job_name: postgres
                    static_configs:
                %s""".formatted(rules, alertmanagerPort, scrape));
        tsdb = dir.resolve("prometheus-data");
        prometheusPort = freePort();
        start("prometheus", dir, Map.of(), PROMETHEUS.toString(), "--config.file=" + promConfig,
                "--storage.tsdb.path=" + tsdb, "--storage.tsdb.retention.time=" + (int) RETENTION_DAYS + "d",
                "--web.listen-address=127.0.0.1:" + prometheusPort, "--log.level=warn");
        awaitReady();
    }

    private void start(String name, Path dir, Map<String, String> environment, String... command) {
        processes.put(name, ServiceProcess.command(name, dir, environment, List.of(command)));
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            processes.forEach((name, p) -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException(name + " exited; see its log");
                }
            });
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("prometheus not ready after 60 s");
            }
            SideBySide.sleep(Duration.ofMillis(500));
        }
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public String id() {
        return "A";
    }

    @Override
    public Map<String, Long> processes() {
        Map<String, Long> pids = new LinkedHashMap<>();
        processes.forEach((name, p) -> pids.put(name, p.pid()));
        return pids;
    }

    @Override
    public long storedBytes() {
        return SideBySide.bytesUnder(tsdb);
    }

    @Override
    public double retentionDays() {
        return RETENTION_DAYS;
    }

    /** Series in the head block, and samples appended so far (the difference over a window is the per-cycle count). */
    @Override
    public Map<String, Long> perCycle() {
        Map<String, Long> counts = new LinkedHashMap<>();
        try {
            for (String line : get("/metrics").body().lines().toList()) {
                if (line.startsWith("prometheus_tsdb_head_series ")) {
                    counts.put("series", (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1)));
                } else if (line.startsWith("prometheus_tsdb_head_samples_appended_total")) {
                    counts.merge("samples (total)", (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Long::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counts;
    }

    @Override
    public void close() {
        processes.values().forEach(ServiceProcess::close);
    }
}
