package dev.pgvigil.rules;

import java.util.Locale;

/** What a finding is about; the wire name is the lower-case constant (e.g. {@code missing_index}). */
public enum FindingKind {
    SLOW_QUERY, MISSING_INDEX, UNUSED_INDEX, DUPLICATE_INDEX, INVALID_INDEX, TABLE_BLOAT, VACUUM_OVERDUE,
    LOW_CACHE_HIT, CONNECTIONS_HIGH, IDLE_IN_TRANSACTION, LONG_RUNNING_QUERY, BLOCKED_QUERY, XID_WRAPAROUND, CONFIG,
    VACUUM_HORIZON_HELD, CHECKPOINTS_REQUESTED, REPLICATION_LAG, STANDBY_DISCONNECTED, REPLICATION_SLOT_RETENTION, ARCHIVER_FAILING;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }

    public static FindingKind fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
