package dev.pgvigil.catalogue.read;

import java.time.Instant;

/** Who we are talking to: for SnapshotInfo, and to pick the catalogue queries of this version. */
public record ServerInfo(String version, int versionNum, Instant postmasterStartTime, String database) {
    public int majorVersion() {
        return versionNum / 10_000;
    }
}
