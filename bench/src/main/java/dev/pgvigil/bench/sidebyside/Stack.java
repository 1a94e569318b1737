package dev.pgvigil.bench.sidebyside;

import java.util.Map;

/** One monitoring stack as the benchmark runs it: its processes, what it stores and how much it knows. */
interface Stack extends AutoCloseable {
    /** "A" or "B", as in the report. */
    String id();

    /** Process name → pid, every process the stack runs. */
    Map<String, Long> processes();

    /** Bytes it has stored on disk so far. */
    long storedBytes();

    /** Its retention of what it stores, in days (to turn bytes per day into bytes kept). */
    double retentionDays();

    /** What it holds per cycle: name → count (series for Prometheus, records and entities for pgvigil). */
    Map<String, Long> perCycle();

    @Override
    void close();
}
