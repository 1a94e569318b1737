package dev.pgvigil.collector.fleet;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.schema.Target;
import dev.pgvigil.schema.TargetStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One target of the fleet with how its collection goes: what {@code pgvigil targets list [--json]} prints
 * and {@code GET /api/targets} answers. The url is redacted; the owner, last cycle and last error come
 * from pgvigil.targets.status (all null until a collector has collected the target once).
 *
 * @param owner the collector that ran the last cycle (its client id in the group)
 * @param lastStatus OK, PARTIAL or FAILED
 */
public record TargetView(String id, boolean enabled, Integer intervalSeconds, String url, String user, String passwordEnv,
        String passwordFile, Map<String, String> labels, String owner, String ownerHost, Instant lastCycleAt, Long lastDurationMs,
        String lastStatus, String lastError) {

    public TargetView {
        labels = labels == null ? Map.of() : new TreeMap<>(labels);
    }

    /** Every target on the topic, by id, joined with its status (a status of a target no longer on the topic is left out). */
    public static List<TargetView> join(Map<String, Target> targets, Map<String, TargetStatus> statuses) {
        return new TreeMap<>(targets).values().stream().map(t -> of(t, statuses.get(t.getId().toString()))).toList();
    }

    private static TargetView of(Target t, TargetStatus s) {
        TargetConfig c = TargetRecords.fromRecord(t);
        return new TargetView(c.id(), t.getEnabled(), c.intervalSeconds(), c.parsedUrl().redacted(), c.user(), c.passwordEnv(),
                c.passwordFile(), c.labels(),
                s == null ? null : s.getCollector().toString(),
                s == null ? null : s.getHost().toString(),
                s == null ? null : s.getLastCycleAt(),
                s == null ? null : s.getLastDurationMs(),
                s == null ? null : s.getLastStatus().toString(),
                s == null || s.getLastError() == null ? null : s.getLastError().toString());
    }
}
