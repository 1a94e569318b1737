package dev.pgvigil.bench;

import dev.pgvigil.collector.TargetRunner;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.publish.OutRecord;
import dev.pgvigil.collector.publish.Publication;
import dev.pgvigil.catalogue.read.CatalogueQueries;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TablesChunk;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The collector against its baselines, in one run on one machine: one full snapshot (read + chunk + encode)
 * of an instance with 2,000 tables, 4,000 indexes and 5,000 distinct statements, against (a) the same catalogue
 * queries run raw through psql and (b) a scrape of prometheus-postgres-exporter with its example queries.yaml.
 * A fleet shared by collectors is {@link dev.pgvigil.bench.fleet.CollectorFleetBenchmark}'s.
 *
 * Each timing is the median of 7 runs, once after one warm-up and once more in steady state (see
 * {@link #medianMs}). Not a test: numbers vary with the machine.
 */
public final class CollectorBenchmark {
    private static final int TABLES = LargeDatabase.TABLES;
    private static final int STATEMENTS = LargeDatabase.STATEMENTS;
    private static final int RUNS = 7;
    private static final int STEADY_WARMUPS = 8;
    private static final Path EXPORTER = Path.of("/usr/bin/prometheus-postgres-exporter");
    private static final Path EXPORTER_QUERIES = Path.of("/usr/share/doc/prometheus-postgres-exporter/examples/queries.yaml");

    /** {@code [--profile] [--size-refresh-seconds N]} (the collector's default; 0 measures every size on every read). */
    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        int at = a.indexOf("--size-refresh-seconds");
        singleInstance(a.contains("--profile"), at < 0 ? null : Integer.valueOf(a.get(at + 1)));
    }

    // ---------------------------------------------------------------- one big instance

    private static void singleInstance(boolean profile, Integer sizeRefreshSeconds) throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(new LocalPostgres.Options(List.of("pg_stat_statements.max = 10000")))) {
            long setupStart = System.nanoTime();
            LargeDatabase.populate(pg, "postgres");
            System.out.printf(Locale.ROOT, "setup: %d tables, %d indexes, %d statements in %.1f s%n", TABLES, 2 * TABLES, STATEMENTS,
                    (System.nanoTime() - setupStart) / 1e9);

            TargetConfig target = new TargetConfig("bench", pg.jdbcUrl("postgres"), LocalPostgres.SUPERUSER, pg.superuserPassword(),
                    null, null, null, null, null, null);
            CollectorConfig config = new CollectorConfig(null, null, null, null, null, null, null, sizeRefreshSeconds, null, null, null,
                    null, List.of(target), false, null, null);
            System.out.printf(Locale.ROOT, "sizes measured at most every %d s (0: on every read)%n", config.sizeRefreshSeconds());
            Timing collectorMs;
            List<Long> readMs = new ArrayList<>();
            try (TargetRunner runner = new TargetRunner(target, config)) {
                Publication first = runner.collect();
                describe(first);
                collectorMs = medianMs(() -> {
                    Publication p = runner.collect();
                    readMs.add(p.info().getDurationMs());
                    if (p.info().getStatus() != SnapshotStatus.OK) {
                        throw new IllegalStateException("snapshot " + p.info().getStatus() + ": " + p.info().getWarnings() + p.info().getError());
                    }
                }, "collector");
            }
            System.out.println("  of which reading (queries + rows to records), ms, in run order: " + readMs.subList(1, readMs.size()));
            if (profile) {
                profileQueries(pg, config);
            }
            Timing psqlMs = psqlBaseline(pg, config);
            Timing exporterMs = exporterBaseline(pg);

            System.out.println();
            System.out.println("                                                      after 1 warm-up   steady");
            System.out.printf(Locale.ROOT, "collector, one full snapshot (read + chunk + encode): %8.1f ms  %8.1f ms%n", collectorMs.firstMs(), collectorMs.steadyMs());
            System.out.printf(Locale.ROOT, "(a) same queries raw through psql:                    %8.1f ms  %8.1f ms%n", psqlMs.firstMs(), psqlMs.steadyMs());
            System.out.printf(Locale.ROOT, "(b) prometheus-postgres-exporter scrape:              %8.1f ms  %8.1f ms%n", exporterMs.firstMs(), exporterMs.steadyMs());
            System.out.printf(Locale.ROOT, "collector / (a) = %5.2f     %5.2f  (goal <= 1.5)%n",
                    collectorMs.firstMs() / psqlMs.firstMs(), collectorMs.steadyMs() / psqlMs.steadyMs());
            System.out.printf(Locale.ROOT, "(b) / collector = %5.2f     %5.2f  (goal >= 3)%n",
                    exporterMs.firstMs() / collectorMs.firstMs(), exporterMs.steadyMs() / collectorMs.steadyMs());
        }
    }

    private static void describe(Publication p) {
        long statements = values(p, StatementsChunk.class).stream().mapToLong(c -> c.getStatements().size()).sum();
        long tables = values(p, TablesChunk.class).stream().mapToLong(c -> c.getTables().size()).sum();
        long indexes = values(p, IndexesChunk.class).stream().mapToLong(c -> c.getIndexes().size()).sum();
        long bytes = p.chunks().stream().mapToLong(r -> r.bytes().length).sum() + p.envelope().bytes().length;
        int largest = p.chunks().stream().mapToInt(r -> r.bytes().length).max().orElse(0);
        System.out.printf(Locale.ROOT, "snapshot: %d statements, %d tables, %d indexes in %d records, %.1f MB encoded, largest record %d bytes%n",
                statements, tables, indexes, p.chunks().size() + 1, bytes / 1048576.0, largest);
    }

    private static <T> List<T> values(Publication p, Class<T> type) {
        return p.chunks().stream().map(OutRecord::value).filter(type::isInstance).map(type::cast).toList();
    }

    /** Where the time goes: each catalogue query alone on one warm connection (median of 3). */
    private static void profileQueries(LocalPostgres pg, CollectorConfig config) throws Exception {
        try (Connection c = pg.connect("postgres")) {
            for (String sql : CatalogueQueries.forServer(c, config.queryTextMaxLength())) {
                double[] ms = new double[3];
                for (int i = 0; i < 4; i++) {
                    long start = System.nanoTime();
                    try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
                        while (rs.next()) {
                            rs.getObject(1);
                        }
                    }
                    if (i > 0) {
                        ms[i - 1] = (System.nanoTime() - start) / 1e6;
                    }
                }
                Arrays.sort(ms);
                String name = sql.replace("/* pgvigil */", "").replaceAll("\\s+", " ").strip();
                System.out.printf(Locale.ROOT, "  %8.1f ms  %s%n", ms[1], name.substring(0, Math.min(90, name.length())));
            }
        }
    }

    /** (a): the collector's own queries, parameters written in, as one psql script over TCP like the collector. */
    private static Timing psqlBaseline(LocalPostgres pg, CollectorConfig config) throws Exception {
        Path script = Files.createTempFile("pgvigil-bench-", ".sql");
        try (Connection c = pg.connect("postgres")) {
            Files.writeString(script, CatalogueQueries.asScript(CatalogueQueries.forServer(c, config.queryTextMaxLength())));
        }
        try {
            return medianMs(() -> run(List.of("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null",
                    "-h", pg.host(), "-p", String.valueOf(pg.port()), "-U", LocalPostgres.SUPERUSER, "-d", "postgres",
                    "-f", script.toString()), pg.superuserPassword()), "psql");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static void run(List<String> command, String password) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("PGPASSWORD", password);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(command.get(0) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * (b): the exporter with its example queries.yaml. That file names pg_stat_statements' pre-13 columns
     * (total_time, ...); they are renamed to the 13+ ones so the exporter reads statements too.
     */
    private static Timing exporterBaseline(LocalPostgres pg) throws Exception {
        if (!Files.isExecutable(EXPORTER) || !Files.exists(EXPORTER_QUERIES)) {
            System.out.println("(b) skipped: apt-get install -y prometheus-postgres-exporter");
            return new Timing(Double.NaN, Double.NaN);
        }
        Path queries = Files.createTempFile("pgvigil-bench-queries-", ".yaml");
        Files.writeString(queries, Files.readString(EXPORTER_QUERIES)
                .replaceAll("\\b(total|min|max|mean|stddev)_time\\b", "$1_exec_time"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(EXPORTER.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--extend.query-path=" + queries, "--log.level=error").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DATA_SOURCE_NAME", "postgresql://" + LocalPostgres.SUPERUSER + ":" + pg.superuserPassword() + "@"
                + pg.host() + ":" + pg.port() + "/postgres?sslmode=disable");
        Process exporter = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofMinutes(2)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    HttpResponse<String> r = http.send(scrape, HttpResponse.BodyHandlers.ofString());
                    long series = r.body().lines().filter(l -> !l.startsWith("#")).count();
                    long statementSeries = r.body().lines().filter(l -> l.startsWith("pg_stat_statements_calls")).count();
                    System.out.printf(Locale.ROOT, "exporter: %d series per scrape (%d pg_stat_statements_calls), %.1f MB%n",
                            series, statementSeries, r.body().length() / 1048576.0);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
            return medianMs(() -> {
                try {
                    HttpResponse<Void> r = http.send(scrape, HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("exporter answered " + r.statusCode());
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }, "exporter");
        } finally {
            exporter.destroy();
            if (!exporter.waitFor(10, TimeUnit.SECONDS)) {
                exporter.destroyForcibly();
            }
            Files.deleteIfExists(queries);
        }
    }

    /**
     * Two medians of one series of runs: of RUNS timed runs after one warm-up (the figure this benchmark
     * has always reported), and of RUNS more after STEADY_WARMUPS further untimed ones, when the JVM's
     * compilers are done with the collector's code. The same for every contender, so neither figure
     * favours one: psql is a new process each run, the exporter a long-running one like the collector.
     */
    private record Timing(double firstMs, double steadyMs) {}

    private static Timing medianMs(Runnable run, String what) {
        run.run();
        double first = timedMedian(run, what + " (after 1 warm-up)");
        for (int i = 0; i < STEADY_WARMUPS; i++) {
            run.run();
        }
        double steady = timedMedian(run, what + " (steady, after " + (1 + RUNS + STEADY_WARMUPS) + " runs)");
        return new Timing(first, steady);
    }

    private static double timedMedian(Runnable run, String what) {
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            run.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "%-40s runs (ms): %s%n", what, Arrays.toString(Arrays.stream(ms).map(v -> Math.round(v * 10) / 10.0).toArray()));
        return ms[RUNS / 2];
    }
}
