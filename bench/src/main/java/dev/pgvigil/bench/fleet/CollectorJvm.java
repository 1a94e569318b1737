package dev.pgvigil.bench.fleet;

import dev.pgvigil.embedded.LocalFleet;
import dev.pgvigil.embedded.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

/**
 * One collector in a JVM of its own ({@code pgvigil collector --config FILE}, the real command), with what the
 * benchmark reads from outside: its CPU from /proc, and from its {@code /metrics} its cycles, overruns and heap.
 * Its last reading is kept, so a collector killed at half time still counts what it did until then.
 */
final class CollectorJvm implements AutoCloseable {
    /** A reading: CPU ns of the whole JVM, cycles and overruns summed over its targets, heap bytes used. */
    record Reading(long cpuNanos, long cycles, long overruns, long heapBytes) {}

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ServiceProcess process;
    private final URI metrics;
    private volatile Reading last = new Reading(0, 0, 0, 0);

    private CollectorJvm(ServiceProcess process, URI metrics) {
        this.process = process;
        this.metrics = metrics;
    }

    /**
     * A collector of the default group; its targets come from pgvigil.targets. Measured JVMs run with the default
     * compilers (no TieredStopAtLevel) and the serial collector, which keeps the heap figure about live data.
     */
    static CollectorJvm start(String name, Path dir, String bootstrapServers, int intervalSeconds, int threads, String heap) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                kafka:
                  bootstrapServers: %s
                collector:
                  intervalSeconds: %d
                  threads: %d
                  http: {bindAddress: 127.0.0.1, port: %d}
                """.formatted(bootstrapServers, intervalSeconds, threads, port));
        ServiceProcess p = ServiceProcess.start(name, dir, List.of("-Xmx" + heap, "-XX:+UseSerialGC"),
                "dev.pgvigil.cli.Main", "collector", "--config", config.toString());
        return new CollectorJvm(p, URI.create("http://127.0.0.1:" + port + "/metrics"));
    }

    /** Waits until it serves /metrics (it has joined Kafka by then). */
    void awaitServing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (read() == null) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.close();
                throw new IllegalStateException(name() + " did not start; see " + process.log());
            }
            LocalFleet.sleep(Duration.ofMillis(500));
        }
    }

    String name() {
        return process.name();
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Reads now (null while it does not answer), remembering the reading. */
    Reading read() {
        long cpu = ProcCpu.of(process.pid());
        String body = scrape();
        if (body == null || cpu < 0) {
            return null;
        }
        Reading reading = new Reading(cpu, (long) sum(body, "pgvigil_collector_cycles_total", null),
                (long) sum(body, "pgvigil_collector_overruns_total", null), (long) sum(body, "jvm_memory_used_bytes", "area=\"heap\""));
        last = reading;
        return reading;
    }

    /** Its /metrics now, or null while it does not answer. */
    private String scrape() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The targets it collects now, as its /metrics names them (a target's meters are bound when the group gives it
     * the target); empty while it does not answer.
     */
    Set<String> targets() {
        String body = scrape();
        if (body == null) {
            return Set.of();
        }
        Set<String> ids = new HashSet<>();
        String label = "target=\"";
        for (String line : body.split("\n")) {
            int at = line.indexOf(label);
            if (line.startsWith("pgvigil_collector_cycles_total{") && at >= 0) {
                ids.add(line.substring(at + label.length(), line.indexOf('"', at + label.length())));
            }
        }
        return ids;
    }

    Reading last() {
        return last;
    }

    /** Heap in use after a full collection (jcmd GC.run), so it is what the collector holds, not garbage. */
    long heapAfterGc() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", String.valueOf(process.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        jcmd.waitFor();
        Reading r = read();
        return r == null ? -1 : r.heapBytes();
    }

    void kill9() {
        read();
        process.kill9();
    }

    /** The sum of a Prometheus metric's samples, those whose labels contain {@code label} if given. */
    static double sum(String exposition, String metric, String label) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(metric) && line.length() > metric.length()
                    && (line.charAt(metric.length()) == '{' || line.charAt(metric.length()) == ' ')
                    && (label == null || line.contains(label))) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    @Override
    public void close() {
        process.close();
    }
}
