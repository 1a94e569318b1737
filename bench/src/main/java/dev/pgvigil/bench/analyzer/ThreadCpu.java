package dev.pgvigil.bench.analyzer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads by name, native ones included (RocksDB's, the garbage collector's,
 * the JIT's), from Linux's /proc/self/task: where a pass's CPU went besides the stream thread.
 */
final class ThreadCpu {
    private ThreadCpu() {}

    /** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    /** Thread name with its numbers dropped (so a pool is one group) → user + system ticks so far. */
    static Map<String, Long> now() {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "N");
                    String[] fields = stat.substring(close + 2).split(" ");
                    long t = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    ticks.merge(name, t, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we looked: its time is gone from /proc either way
                }
            });
        } catch (IOException e) {
            return Map.of(); // not Linux: nothing to show
        }
        return ticks;
    }

    static void print(Map<String, Long> before, Map<String, Long> after) {
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(12)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %6.2f s CPU  %s%n", e.getValue() / TICKS_PER_SECOND, e.getKey()));
    }
}
