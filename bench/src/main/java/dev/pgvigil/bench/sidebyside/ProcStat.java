package dev.pgvigil.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's CPU time and peak resident memory as the kernel counts them ({@code /proc/<pid>/stat}, {@code status}). */
record ProcStat(double cpuSeconds, long peakRssBytes) {
    /** Clock ticks per second of utime/stime: USER_HZ is 100 on every Linux architecture Java runs on. */
    private static final double TICKS = 100.0;

    static ProcStat of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (f[0].equals("Z") || f[0].equals("X")) {
                return new ProcStat(Double.NaN, 0); // exited, not yet reaped by its parent (this JVM): its numbers no longer grow
            }
            double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS; // utime, stime (fields 14, 15)
            long hwm = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            return new ProcStat(cpu, hwm);
        } catch (IOException e) {
            return new ProcStat(Double.NaN, 0); // gone
        }
    }
}
