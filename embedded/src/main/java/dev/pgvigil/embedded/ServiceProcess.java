package dev.pgvigil.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of its own on this JVM's class path, most often one pgvigil service
 * ({@code pgvigil collector|analyzer|alerter --config FILE}), so a drill, a test or a benchmark can do to it what
 * happens to a real host: SIGKILL (no shutdown hook, no goodbye to its group), SIGSTOP and SIGCONT, and count its
 * CPU apart from its own. Its output goes to {@code <name>.log}; a restarted process appends to the same file.
 */
public final class ServiceProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private volatile Process process;

    private ServiceProcess(String name, List<String> command, Map<String, String> environment, Path log) {
        this.name = name;
        this.command = command;
        this.environment = environment;
        this.log = log;
        // a drill or benchmark stopped with Ctrl-C or SIGTERM must not leave its services running
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process p = process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }, name + "-reaper"));
    }

    /**
     * {@code pgvigil <service> --config <config>}, its log in {@code dir}, sized for a dozen of them on two cores:
     * a 384 MiB heap, the serial collector and C1 only keep each one's start-up cost down.
     */
    public static ServiceProcess start(String name, String service, Path config, Path dir) {
        return start(name, dir, List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                "dev.pgvigil.cli.Main", service, "--config", config.toString());
    }

    /** {@code java <jvmOptions> -cp <this class path> <mainClass> <args>}, its log in {@code dir}. */
    public static ServiceProcess start(String name, Path dir, List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command(name, dir, Map.of(), command);
    }

    /**
     * Any program, {@code environment} added to this JVM's (where a secret goes, never on the command line),
     * its log in {@code dir}.
     */
    public static ServiceProcess command(String name, Path dir, Map<String, String> environment, List<String> command) {
        ServiceProcess p = new ServiceProcess(name, List.copyOf(command), Map.copyOf(environment), dir.resolve(name + ".log"));
        p.start();
        return p;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** The running process's id (it changes on a restart). */
    public long pid() {
        return process.pid();
    }

    /** Starts (again) with the same command, as an operator's restart of a crashed service would. */
    public void start() {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** SIGKILL, and waits until it is gone. Returns when it was sent. */
    public Instant kill9() {
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
    public Instant pause() {
        return signal("STOP");
    }

    public Instant resume() {
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

    public boolean isAlive() {
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
