package dev.pgvigil.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One pgvigil service ({@code pgvigil collector|analyzer|alerter --config FILE}) in a JVM of its own, so the drill can
 * do to it what happens to a real host: SIGKILL (no shutdown hook, no goodbye to its group), SIGSTOP and SIGCONT.
 * Its output goes to {@code <name>.log}; a restarted process appends to the same file.
 */
final class ServiceProcess implements AutoCloseable {
    private final String name;
    private final String service;
    private final Path config;
    private final Path log;
    private Process process;

    private ServiceProcess(String name, String service, Path config, Path log) {
        this.name = name;
        this.service = service;
        this.config = config;
        this.log = log;
    }

    static ServiceProcess start(String name, String service, Path config, Path dir) {
        ServiceProcess p = new ServiceProcess(name, service, config, dir.resolve(name + ".log"));
        p.start();
        return p;
    }

    String name() {
        return name;
    }

    /** Starts (again) with the same configuration, as an operator's restart of a crashed service would. */
    void start() {
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            process = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), "dev.pgvigil.cli.Main", service, "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** SIGKILL, and waits until it is gone. Returns when it was sent. */
    Instant kill9() {
        Instant at = Instant.now();
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return at;
    }

    /** SIGSTOP: the JVM is frozen as a host under a long GC pause or a hung VM would be. */
    Instant pause() {
        return signal("STOP");
    }

    Instant resume() {
        return signal("CONT");
    }

    private Instant signal(String signal) {
        Instant at = Instant.now();
        try {
            int rc = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("kill -" + signal + " " + name + " exited " + rc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return at;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            signal("CONT"); // a stopped JVM ignores SIGTERM until continued
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
