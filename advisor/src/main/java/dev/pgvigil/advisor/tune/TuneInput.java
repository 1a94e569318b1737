package dev.pgvigil.advisor.tune;

import java.util.Locale;

/**
 * What PGTune-style tuning needs to know about a server: memory, CPUs, storage, the kind of workload,
 * the connections it must serve (null: the workload's usual number) and the PostgreSQL major version.
 */
public record TuneInput(long ramBytes, int cpus, Storage storage, Workload workload, Integer connections, int majorVersion) {
    public TuneInput {
        if (ramBytes < 256L * 1024 * 1024) {
            throw new IllegalArgumentException("--ram must be at least 0.25 GB");
        }
        if (cpus < 1) {
            throw new IllegalArgumentException("--cpus must be at least 1");
        }
        if (connections != null && connections < 1) {
            throw new IllegalArgumentException("--connections must be at least 1");
        }
    }

    public enum Storage {
        SSD, HDD, SAN, NVME;

        public static Storage parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /** web: many short queries; oltp: many writes; dw: few large analytical queries; mixed; desktop: a developer's machine. */
    public enum Workload {
        WEB(200), OLTP(300), DW(40), MIXED(100), DESKTOP(20);

        private final int defaultConnections;

        Workload(int defaultConnections) {
            this.defaultConnections = defaultConnections;
        }

        public int defaultConnections() {
            return defaultConnections;
        }
    }

    public int effectiveConnections() {
        return connections != null ? connections : workload.defaultConnections();
    }
}
