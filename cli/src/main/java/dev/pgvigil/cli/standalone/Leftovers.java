package dev.pgvigil.cli.standalone;

import dev.pgvigil.embedded.Folders;
import dev.pgvigil.embedded.LocalPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a standalone run leaves behind when it dies without its shutdown hooks (kill -9, the OOM killer): its run
 * folder and a running demo PostgreSQL. Each run records its own process, and its demo cluster's folder, in its
 * run folder; the next start finds the run folders whose process is gone, stops their demo server and deletes
 * them. A folder whose process still runs, or that records no process, is never touched.
 */
final class Leftovers {
    /** The run's JVM: its pid and its start instant (a pid alone may be reused by another process). */
    private static final String OWNER = "owner";
    /** The demo cluster's data folder, when the run started one. */
    private static final String DEMO_POSTGRES = "demo-postgres";
    private static final String RUN_PREFIX = "standalone-";

    private Leftovers() {}

    /** Marks {@code run} as this process's. */
    static void claim(Path run) {
        ProcessHandle self = ProcessHandle.current();
        write(run.resolve(OWNER), self.pid() + "\n" + self.info().startInstant().map(Instant::toString).orElse("-") + "\n");
    }

    /** Records the demo cluster started for {@code run}, so that a later start can stop it if this run is killed. */
    static void recordDemo(Path run, Path dataDir) {
        write(run.resolve(DEMO_POSTGRES), dataDir + "\n");
    }

    /** A new run folder under {@code cache}, owned by this process. */
    static Path newRun(Path cache) {
        try {
            Files.createDirectories(cache);
            Path run = Files.createTempDirectory(cache, RUN_PREFIX); // rwx------ on POSIX
            claim(run);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder under " + cache, e);
        }
    }

    /**
     * Stops and deletes what the dead runs under {@code cache} left.
     *
     * @return one line per dead run, saying what was done
     */
    static List<String> clear(Path cache) {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        List<String> done = new ArrayList<>();
        try (Stream<Path> runs = Files.list(cache)) {
            for (Path run : runs.filter(p -> p.getFileName().toString().startsWith(RUN_PREFIX)).sorted().toList()) {
                deadOwner(run).ifPresent(pid -> done.add(clearRun(run, pid)));
            }
        } catch (IOException e) {
            done.add("could not look for the leftovers of earlier runs in " + cache + ": " + e.getMessage());
        }
        return done;
    }

    private static String clearRun(Path run, long pid) {
        String demo = "";
        Optional<Path> dataDir = readLine(run.resolve(DEMO_POSTGRES)).map(Path::of);
        if (dataDir.isPresent()) {
            Optional<LocalPostgres> cluster = LocalPostgres.adopt(dataDir.get());
            if (cluster.isPresent()) {
                LocalPostgres pg = cluster.get();
                boolean wasRunning = pg.isRunning();
                pg.close();
                if (pg.isRunning()) {
                    return "an earlier run (process " + pid + ", gone) left its demo PostgreSQL running on port " + pg.port()
                            + " and it did not stop; stop it with: pg_ctl -D " + dataDir.get() + " stop";
                }
                demo = (wasRunning ? "stopped its demo PostgreSQL on port " + pg.port() + " and " : "") + "deleted " + dataDir.get().getParent() + ", ";
            }
        }
        Folders.deleteQuietly(run);
        return "an earlier run (process " + pid + ") did not stop cleanly: " + demo + "deleted " + run;
    }

    /** The pid recorded in {@code run} when that process is gone; empty when it still runs or nothing is recorded. */
    private static Optional<Long> deadOwner(Path run) {
        List<String> owner = readLines(run.resolve(OWNER));
        if (owner.size() < 2) {
            return Optional.empty(); // being created right now, or not ours to judge
        }
        long pid;
        try {
            pid = Long.parseLong(owner.get(0).strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String started = owner.get(1).strip();
        boolean alive = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> started.equals("-") || p.info().startInstant().map(Instant::toString).orElse("-").equals(started))
                .isPresent();
        return alive ? Optional.empty() : Optional.of(pid);
    }

    private static Optional<String> readLine(Path file) {
        return readLines(file).stream().findFirst().map(String::strip).filter(s -> !s.isEmpty());
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
