package dev.pgvigil.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time of processes from {@code /proc/<pid>/stat} (utime + stime, all threads), in nanoseconds. A process that
 * is gone reads as absent, not as zero, so a delta over a process's life is taken between samples it was alive for.
 */
final class ProcCpu {
    private static final long NANOS_PER_TICK = 1_000_000_000L / clockTicks();

    private ProcCpu() {}

    /** The process's own CPU (every thread), or -1 when it is gone. */
    static long of(long pid) {
        long[] f = fields(pid);
        return f == null ? -1 : (f[11] + f[12]) * NANOS_PER_TICK;
    }

    /**
     * A PostgreSQL cluster's CPU: the postmaster's own, that of its children that ended (the kernel adds a child's
     * time to its parent's cutime/cstime once it is reaped) and that of its live children (backends, workers).
     */
    static long ofTree(long postmaster) {
        long[] f = fields(postmaster);
        if (f == null) {
            return -1;
        }
        long ticks = f[11] + f[12] + f[13] + f[14];
        for (long child : children(postmaster)) {
            long[] c = fields(child);
            if (c != null) {
                ticks += c[11] + c[12];
            }
        }
        return ticks * NANOS_PER_TICK;
    }

    static long parent(long pid) {
        long[] f = fields(pid);
        return f == null ? -1 : f[1];
    }

    static List<Long> children(long parent) {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit)).map(Long::parseLong)
                    .filter(pid -> parent(pid) == parent).forEach(found::add);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    /** The fields after the command name, so index 0 is field 3 (state) of proc(5): 1 = ppid, 11 = utime, 12 = stime. */
    private static long[] fields(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        } catch (IOException e) {
            return null; // gone
        }
        String[] parts = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long[] values = new long[15];
        for (int i = 1; i < values.length; i++) {
            values[i] = Long.parseLong(parts[i]);
        }
        return values;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            return Long.parseLong(new String(p.getInputStream().readAllBytes()).strip());
        } catch (IOException | NumberFormatException e) {
            return 100; // Linux's USER_HZ nearly everywhere
        }
    }
}
