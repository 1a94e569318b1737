package dev.pgvigil.advisor.tune;

import dev.pgvigil.advisor.tune.TuneInput.Storage;
import dev.pgvigil.advisor.tune.TuneInput.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * PGTune's recommendations (pgtune.leopard.in.ua, for Linux) as a pure function of the server's memory,
 * CPUs, storage, workload and connections: the memory split between shared_buffers, the OS cache and
 * per-operation work_mem; WAL and checkpoint sizes; planner costs for the storage; parallel workers for
 * the CPUs. Memory is computed in kB, as PGTune does, and printed in PostgreSQL's units.
 */
public final class PgTune {
    private PgTune() {}

    private static final long KB_PER_MB = 1024;
    private static final long KB_PER_GB = 1024 * 1024;

    /** One setting: its value as PostgreSQL accepts it, the value as a number (bytes for memory; null for text), and why. */
    public record Recommendation(String name, String value, Double normalizedValue, String why) {}

    public static List<Recommendation> recommend(TuneInput in) {
        long ramKb = in.ramBytes() / 1024;
        Workload w = in.workload();
        int connections = in.effectiveConnections();
        List<Recommendation> r = new ArrayList<>();

        r.add(number("max_connections", connections, in.connections() == null ? "usual for a " + name(w) + " workload" : "connections to plan memory for"));
        long sharedBuffersKb = w == Workload.DESKTOP ? ramKb / 16 : ramKb / 4;
        r.add(memory("shared_buffers", sharedBuffersKb, w == Workload.DESKTOP ? "1/16 of RAM on a desktop" : "1/4 of RAM"));
        r.add(memory("effective_cache_size", w == Workload.DESKTOP ? ramKb / 4 : ramKb * 3 / 4,
                "what the OS cache and shared_buffers hold together: 3/4 of RAM" + (w == Workload.DESKTOP ? " (1/4 on a desktop)" : "")));
        long maintenanceKb = Math.min(w == Workload.DW ? ramKb / 8 : ramKb / 16, 8 * KB_PER_GB);
        r.add(memory("maintenance_work_mem", maintenanceKb, "for VACUUM and CREATE INDEX: RAM/" + (w == Workload.DW ? 8 : 16) + ", at most 8 GB"));
        r.add(number("checkpoint_completion_target", 0.9, "spread checkpoint writes over 90 % of the interval"));
        r.add(memory("wal_buffers", walBuffersKb(sharedBuffersKb), "3 % of shared_buffers, at most 16 MB"));
        r.add(number("default_statistics_target", w == Workload.DW ? 500 : 100,
                w == Workload.DW ? "finer statistics for large analytical queries" : "PostgreSQL's default"));
        r.add(number("random_page_cost", in.storage() == Storage.HDD ? 4 : 1.1,
                in.storage() == Storage.HDD ? "random reads are slow on spinning disks" : "random reads cost little more than sequential ones on " + name(in.storage())));
        r.add(number("effective_io_concurrency", switch (in.storage()) {
            case HDD -> 2;
            case SSD -> 200;
            case SAN -> 300;
            case NVME -> 1000;
        }, "concurrent reads the storage handles (" + name(in.storage()) + ")"));

        List<Recommendation> parallel = parallel(in);
        int workersForWorkMem = in.cpus() >= 4 ? in.cpus() : 8;
        double workMem = (double) (ramKb - sharedBuffersKb) / ((connections + workersForWorkMem) * 3);
        long workMemKb = (long) Math.floor(switch (w) {
            case DW, MIXED -> workMem / 2;
            case DESKTOP -> workMem / 6;
            default -> workMem;
        });
        workMemKb = Math.max(workMemKb, 4 * KB_PER_MB);
        r.add(memory("work_mem", workMemKb, "per sort or hash: (RAM - shared_buffers) / (3 x (connections + workers))"
                + (w == Workload.DW || w == Workload.MIXED ? " / 2" : w == Workload.DESKTOP ? " / 6" : "") + ", at least 4 MB"));
        r.add(text("huge_pages", sharedBuffersKb >= 2 * KB_PER_GB ? "try" : "off",
                sharedBuffersKb >= 2 * KB_PER_GB ? "large shared_buffers map faster with huge pages" : "shared_buffers below 2 GB gain little"));
        long[] wal = switch (w) {
            case WEB, MIXED -> new long[] {1024, 4096};
            case OLTP -> new long[] {2048, 8192};
            case DW -> new long[] {4096, 16384};
            case DESKTOP -> new long[] {100, 2048};
        };
        r.add(memory("min_wal_size", wal[0] * KB_PER_MB, "WAL kept for reuse between checkpoints"));
        r.add(memory("max_wal_size", wal[1] * KB_PER_MB, "WAL between checkpoints: fewer, smoother checkpoints"));
        r.addAll(parallel);
        if (w == Workload.DESKTOP) {
            r.add(text("wal_level", "minimal", "no replication on a desktop: least WAL"));
            r.add(number("max_wal_senders", 0, "required with wal_level = minimal"));
        }
        if (in.majorVersion() >= 12 && (w == Workload.WEB || w == Workload.OLTP || w == Workload.MIXED)) {
            r.add(text("jit", "off", "JIT compilation costs more than it saves on short queries"));
        }
        if (in.majorVersion() >= 15) {
            r.add(text("wal_compression", "lz4", "less WAL for little CPU (lz4, PostgreSQL 15+)"));
        } else if (in.majorVersion() >= 10) {
            r.add(text("wal_compression", "on", "less WAL for little CPU"));
        }
        if (in.cpus() >= 16) {
            r.add(number("autovacuum_max_workers", in.cpus() >= 32 ? 5 : 4, "more tables vacuumed at once on a large server"));
        }
        if (maintenanceKb >= 2 * KB_PER_GB) {
            r.add(memory("autovacuum_work_mem", 2 * KB_PER_GB, "each autovacuum worker at most 2 GB, not maintenance_work_mem"));
        }
        return List.copyOf(r);
    }

    /** 3 % of shared_buffers, rounded up to 16 MB when near it, between 32 kB and 16 MB. */
    static long walBuffersKb(long sharedBuffersKb) {
        long kb = 3 * sharedBuffersKb / 100;
        long max = 16 * KB_PER_MB;
        if (kb > max) {
            kb = max;
        }
        if (kb > 14 * KB_PER_MB && kb < max) {
            kb = max;
        }
        return Math.max(kb, 32);
    }

    private static List<Recommendation> parallel(TuneInput in) {
        int cpus = in.cpus();
        if (cpus < 4) {
            return List.of();
        }
        int perGather = (int) Math.ceil(cpus / 2.0);
        if (in.workload() != Workload.DW) {
            perGather = Math.min(perGather, 4);
        }
        List<Recommendation> r = new ArrayList<>();
        r.add(number("max_worker_processes", cpus, "one background worker per CPU"));
        r.add(number("max_parallel_workers_per_gather", perGather, "workers one query may use" + (in.workload() == Workload.DW ? "" : ", at most 4")));
        r.add(number("max_parallel_workers", cpus, "parallel workers across all queries: one per CPU"));
        r.add(number("max_parallel_maintenance_workers", Math.min((int) Math.ceil(cpus / 2.0), 4), "workers for CREATE INDEX and VACUUM, at most 4"));
        return r;
    }

    /** kB as PostgreSQL prints memory: whole GB, whole MB, else kB. */
    static String formatKb(long kb) {
        if (kb % KB_PER_GB == 0) {
            return kb / KB_PER_GB + "GB";
        }
        if (kb % KB_PER_MB == 0) {
            return kb / KB_PER_MB + "MB";
        }
        return kb + "kB";
    }

    private static Recommendation memory(String name, long kb, String why) {
        return new Recommendation(name, formatKb(kb), kb * 1024.0, why);
    }

    private static Recommendation number(String name, double value, String why) {
        String text = value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
        return new Recommendation(name, text, value, why);
    }

    private static Recommendation text(String name, String value, String why) {
        return new Recommendation(name, value, null, why);
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }
}
