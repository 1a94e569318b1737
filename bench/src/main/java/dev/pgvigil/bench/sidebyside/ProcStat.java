package dev.pgvigil.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time and peak resident memory as the kernel counts them ({@code /proc/<pid>/stat}, {@code status}), and
 * the part of the CPU time its JIT compiler threads took (a JVM's {@code C1/C2 CompilerThread}s; 0 for others): the
 * warm-up a JVM pays once per start, which a native process does not pay at all.
 */
record ProcStat(double cpuSeconds, double jitSeconds, long peakRssBytes) {
    /** Clock ticks per second of utime/stime: USER_HZ is 100 on every Linux architecture Java runs on. */
    private static final double TICKS = 100.0;

    static ProcStat of(long pid) {
        try {
            String[] f = fields(Files.readString(Path.of("/proc/" + pid + "/stat")));
            if (f[0].equals("Z") || f[0].equals("X")) {
                return new ProcStat(Double.NaN, 0, 0); // exited, not yet reaped by its parent (this JVM): its numbers no longer grow
            }
            double cpu = cpuSeconds(f);
            long hwm = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            return new ProcStat(cpu, jitSeconds(pid), hwm);
        } catch (IOException e) {
            return new ProcStat(Double.NaN, 0, 0); // gone
        }
    }

    /** The fields of a {@code stat} line from the state (field 3) on: the command name (field 2) may hold spaces. */
    private static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** utime + stime (fields 14 and 15). */
    private static double cpuSeconds(String[] fields) {
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
    }

    private static double jitSeconds(long pid) throws IOException {
        double jit = 0;
        try (var threads = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : threads.toList()) {
                try {
                    if (Files.readString(t.resolve("comm")).contains("CompilerThre")) { // comm holds 15 characters of the name
                        jit += cpuSeconds(fields(Files.readString(t.resolve("stat"))));
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile (the JVM retires idle compiler threads): its time left with it
                }
            }
        }
        return jit;
    }
}
