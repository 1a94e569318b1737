package dev.pgvigil.catalogue.read;

import java.time.Instant;

/**
 * Who we are talking to: for SnapshotInfo, and to pick the catalogue queries of this version.
 *
 * @param configLoadTime when this session last loaded the configuration files (pg_conf_load_time): the settings it
 *     sees change only when this moves
 */
public record ServerInfo(String version, int versionNum, Instant postmasterStartTime, String database, Instant configLoadTime) {
    public int majorVersion() {
        return versionNum / 10_000;
    }
}
