package dev.pgvigil.web;

import dev.pgvigil.rules.DiskGrowth;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.FindingKind;
import dev.pgvigil.rules.Severity;
import dev.pgvigil.web.DashboardData.Alert;
import dev.pgvigil.web.DashboardData.AlertCounts;
import dev.pgvigil.web.DashboardData.AlertEvent;
import dev.pgvigil.web.DashboardData.AlertStatus;
import dev.pgvigil.web.DashboardData.BaselineComparison;
import dev.pgvigil.web.DashboardData.BaselineSummary;
import dev.pgvigil.web.DashboardData.DatabaseSize;
import dev.pgvigil.web.DashboardData.Delta;
import dev.pgvigil.web.DashboardData.FindingEntry;
import dev.pgvigil.web.DashboardData.InstanceDetail;
import dev.pgvigil.web.DashboardData.InstanceStatus;
import dev.pgvigil.web.DashboardData.InstanceSummary;
import dev.pgvigil.web.DashboardData.Archiver;
import dev.pgvigil.web.DashboardData.Receiver;
import dev.pgvigil.web.DashboardData.ReplicationStatus;
import dev.pgvigil.web.DashboardData.Role;
import dev.pgvigil.web.DashboardData.Slot;
import dev.pgvigil.web.DashboardData.Standby;
import dev.pgvigil.web.DashboardData.TopStatement;
import dev.pgvigil.web.InMemoryDashboardData.MetricSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A made-up fleet with believable numbers: daily waves in the rates, dead rows that grow until a
 * vacuum, databases that grow, some instances stale or down, alerts, findings and baselines. The
 * same seed gives the same fleet.
 */
final class FleetGenerator {
    static final Duration HISTORY = Duration.ofDays(30);
    static final long GB = 1024L * 1024 * 1024;
    private static final String[] REGIONS = {"eu", "us", "ap"};
    private static final String[][] STATEMENTS = {
            {"SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at > $1", "95"},
            {"UPDATE stock SET quantity = quantity - $1 WHERE product_id = $2", "2.1"},
            {"SELECT * FROM order_lines WHERE order_id = $1", "0.4"},
            {"INSERT INTO events (kind, payload, created_at) VALUES ($1, $2, now())", "0.8"},
            {"SELECT count(*) FROM events WHERE kind = $1 AND created_at > now() - interval '1 day'", "380"},
            {"SELECT p.* FROM products p WHERE p.name ILIKE $1 ORDER BY p.name LIMIT $2", "42"},
            {"DELETE FROM sessions WHERE expires_at < now()", "12"},
            {"SELECT sum(total) FROM orders WHERE customer_id = $1", "7.5"},
    };
    private static final String[] TABLES = {"public.orders", "public.order_lines", "public.events", "public.stock", "public.sessions",
            "public.customers", "public.products", "audit.log"};

    private final InMemoryDashboardData data;
    private final Random random;
    private final Instant now;

    private FleetGenerator(InMemoryDashboardData data, long seed) {
        this.data = data;
        this.random = new Random(seed);
        this.now = data.clock().instant();
    }

    static InMemoryDashboardData generate(int instances, Clock clock, long seed) {
        InMemoryDashboardData data = new InMemoryDashboardData(clock);
        FleetGenerator generator = new FleetGenerator(data, seed);
        for (int i = 0; i < instances; i++) {
            generator.instance(i);
        }
        return data;
    }

    static String id(int i) {
        return String.format("pg-%s-%03d", REGIONS[i % REGIONS.length], i + 1);
    }

    private void instance(int i) {
        String id = id(i);
        Instant since = now.minus(HISTORY);
        double roll = random.nextDouble();
        InstanceStatus status = i == 0 || roll < 0.93 ? InstanceStatus.UP : roll < 0.97 ? InstanceStatus.STALE : InstanceStatus.DOWN;
        Instant lastSnapshot = switch (status) {
            case UP -> now.minusSeconds(random.nextInt(10));
            case STALE -> now.minusSeconds(90 + random.nextInt(240));
            case DOWN -> now.minusSeconds(600 + random.nextInt(3000));
        };
        double phase = random.nextDouble() * Math.PI * 2;
        double tpsBase = Math.exp(2 + random.nextDouble() * 6);
        double cacheBase = random.nextDouble() < 0.08 ? 0.55 + random.nextDouble() * 0.3 : 0.95 + random.nextDouble() * 0.049;
        int maxConnections = random.nextBoolean() ? 100 : 200;
        double connBase = maxConnections * (random.nextDouble() < 0.06 ? 0.85 : 0.1 + random.nextDouble() * 0.4);

        List<DatabaseSize> databases = new ArrayList<>();
        String[] dbNames = i == 0 ? new String[] {"shop", "analytics"} : new String[] {"app"};
        for (int d = 0; d < dbNames.length; d++) {
            String db = dbNames[d];
            double cacheOffset = d == 1 ? 0.04 : 0;
            double share = d == 0 ? 0.8 : 0.2;
            long sizeNow = (long) ((2 + random.nextDouble() * 60) * GB);
            double growthPerDay = (0.005 + random.nextDouble() * 0.02) * sizeNow;
            long diskBytes = 100 * GB;
            double daysUntilFull = DiskGrowth.daysUntilFull(sizeNow, growthPerDay, diskBytes).orElse(Double.NaN);
            databases.add(new DatabaseSize(db, sizeNow, growthPerDay, diskBytes, Double.isNaN(daysUntilFull) ? null : daysUntilFull));
            data.metrics.add(new MetricSource(id, "database.tps", Map.of("database", db), since,
                    t -> Math.max(0, share * tpsBase * (1 + 0.35 * Math.sin(daily(t) + phase)) * (1 + 0.15 * noise(t, 1)))));
            data.metrics.add(new MetricSource(id, "database.cache_hit_ratio", Map.of("database", db), since,
                    t -> Math.min(1, Math.max(0, cacheBase - cacheOffset - 0.015 * (1 + Math.sin(daily(t) + phase)) + 0.004 * noise(t, 2)))));
            long nowSeconds = now.getEpochSecond();
            data.metrics.add(new MetricSource(id, "database.size_bytes", Map.of("database", db), since,
                    t -> sizeNow - growthPerDay * (nowSeconds - t) / 86400.0));
        }
        String[] states = {"active", "idle", "idle in transaction"};
        double[] shares = {0.25, 0.7, 0.05};
        for (int s = 0; s < states.length; s++) {
            double share = shares[s];
            int k = s;
            data.metrics.add(new MetricSource(id, "instance.sessions", Map.of("state", states[s]), since,
                    t -> Math.max(0, Math.round(share * connBase * (1 + 0.3 * Math.sin(daily(t) + phase) + 0.1 * noise(t, 10 + k))))));
        }
        List<TopStatement> top = new ArrayList<>();
        for (int q = 0; q < STATEMENTS.length; q++) {
            long queryId = 1_000_000_000_000L * (q + 1) + i;
            double mean = Double.parseDouble(STATEMENTS[q][1]) * (0.5 + random.nextDouble());
            int k = q;
            data.metrics.add(new MetricSource(id, "statement.mean_time_ms", Map.of("queryid", Long.toString(queryId), "database", dbNames[0]),
                    since, t -> mean * (1 + 0.25 * Math.sin(daily(t) + phase + k) + 0.1 * noise(t, 20 + k))));
            long calls = (long) (tpsBase * 3600 / (q + 1));
            top.add(new TopStatement(queryId, dbNames[0], STATEMENTS[q][0], calls, calls * mean, mean, mean * 2.4, calls * (q % 3 + 1)));
        }
        data.statements.put(id, top);
        for (int tb = 0; tb < TABLES.length; tb++) {
            double rate = Math.exp(random.nextDouble() * 8);
            long vacuumEvery = 3600L * (2 + random.nextInt(20));
            data.metrics.add(new MetricSource(id, "table.dead_rows", Map.of("schema", TABLES[tb].split("\\.")[0],
                    "table", TABLES[tb].split("\\.")[1], "database", dbNames[0]), since,
                    t -> Math.floor(rate * (Math.floorMod(t, vacuumEvery) / 60.0))));
        }

        List<FindingEntry> findings = findings(id, i);
        data.findings.put(id, findings);
        List<Alert> alerts = alerts(id, cacheBase, connBase / maxConnections, status);
        data.alerts.addAll(alerts);
        int critical = 0;
        int warning = 0;
        for (Alert a : alerts) {
            if (a.status() == AlertStatus.FIRING) {
                if (a.severity() == Severity.CRITICAL) {
                    critical++;
                } else if (a.severity() == Severity.WARNING) {
                    warning++;
                }
            }
        }
        boolean measured = status != InstanceStatus.DOWN;
        InstanceSummary summary = new InstanceSummary(id, status, lastSnapshot,
                measured ? round(cacheBase - 0.01, 4) : null,
                measured ? round(tpsBase, 1) : null,
                measured ? (int) Math.round(connBase) : null,
                maxConnections,
                new AlertCounts(critical, warning, 0));
        data.instances.put(id, new InstanceDetail(summary, "15." + (4 + i % 5), now.minus(Duration.ofDays(3 + i % 40)), databases));
        baselines(id, databases, top);
        replication(i, since);
    }

    /** The cluster identifier of primary i (above 2^53, as real ones are: the API gives it as text). */
    static String systemIdentifier(int i) {
        return Long.toString(7_300_000_000_000_000_000L + i);
    }

    /** The slot (and pg_stat_replication name) the standby i streams through. */
    static String slotOf(int i) {
        return id(i).replace('-', '_');
    }

    /**
     * Roles by position, so any fleet size has every case: every third instance (1, 4, 7, ...) a standby of
     * the one before, instance 2 a standby whose primary is not monitored, 5, 12, 19, ... with no
     * replication record yet (role unknown), the rest primaries, each streaming to a standby through a slot.
     * Instance 0 also has an inactive slot retaining WAL; instance 3's archiver is failing.
     */
    private void replication(int i, Instant since) {
        String id = id(i);
        if (i % 7 == 5) {
            return;
        }
        boolean standby = i % 3 == 1 || i == 2;
        if (standby) {
            String sysid = i == 2 ? systemIdentifier(999) : systemIdentifier(i - 1);
            String upstream = i == 2 ? "10.9.9.9:5432" : id(i - 1) + ".db.internal:5432";
            double phase = i;
            data.metrics.add(new MetricSource(id, "replication.unreplayed_bytes", Map.of(), since,
                    t -> Math.max(0, 4096 * 1024 * (1 + Math.sin(daily(t) * 24 + phase)) * (1 + 0.2 * noise(t, 40)))));
            data.metrics.add(new MetricSource(id, "replication.replay_delay_s", Map.of(), since,
                    t -> Math.max(0, 0.8 * (1 + Math.sin(daily(t) * 24 + phase)) + 0.1 * noise(t, 41))));
            data.replication.put(id, new ReplicationStatus(Role.STANDBY, now.minusSeconds(5), sysid, 1, null, 0x5_2000_0000L,
                    0x5_1FF0_0000L, new Receiver("streaming", upstream, slotOf(i), 1_048_576L, 0.8, now.minusSeconds(6), false),
                    List.of(), List.of(), null));
            return;
        }
        String standbySlot = slotOf(i + 1);
        long lagBytes = 3 * 1024 * 1024 + 17L * i;
        data.metrics.add(new MetricSource(id, "replication.replay_lag_bytes", Map.of("standby", standbySlot), since,
                t -> Math.max(0, lagBytes * (1 + 0.8 * Math.sin(daily(t) * 24 + i)) * (1 + 0.2 * noise(t, 42)))));
        data.metrics.add(new MetricSource(id, "replication.replay_lag_s", Map.of("standby", standbySlot), since,
                t -> Math.max(0, 0.4 * (1 + Math.sin(daily(t) * 24 + i)) + 0.05 * noise(t, 43))));
        List<Slot> slots = new ArrayList<>();
        slots.add(new Slot(standbySlot, "physical", true, "reserved", lagBytes, null, null));
        if (i == 0) {
            long retained = 3 * GB + GB / 2;
            data.metrics.add(new MetricSource(id, "replication.slot_retained_bytes", Map.of("slot", "old_replica"), since,
                    t -> retained - (now.getEpochSecond() - t) * 1024.0));
            // critical under this instance's own thresholds, though below the 10 GiB default
            slots.add(new Slot("old_replica", "physical", false, "extended", retained, null, Severity.CRITICAL));
        }
        Archiver archiver = i == 3
                ? new Archiver("on", 1_200, "00000001000000050000001F", now.minus(Duration.ofMinutes(42)), 37,
                        "000000010000000500000020", now.minusSeconds(20))
                : new Archiver("on", 48_211, "000000010000000500000031", now.minusSeconds(40), 0, null, null);
        data.replication.put(id, new ReplicationStatus(Role.PRIMARY, now.minusSeconds(5), systemIdentifier(i), 1, 0x5_2000_0000L, null, null,
                null, List.of(new Standby(standbySlot, "walreceiver", "10.0.0." + (i + 2), "streaming", "async", standbySlot, lagBytes, 0.4)),
                slots, archiver));
    }

    private List<FindingEntry> findings(String id, int i) {
        List<FindingEntry> list = new ArrayList<>();
        Instant seen = now.minusSeconds(30);
        list.add(new FindingEntry(new Finding(FindingKind.VACUUM_OVERDUE, Severity.CRITICAL, id, "public.events",
                "Table public.events has 1,284,311 dead rows (23.4 % of its rows), about 412 MiB of its 1.7 GiB heap; last vacuumed 6 d ago.",
                "VACUUM (ANALYZE) public.events; If it comes back, vacuum it sooner: ALTER TABLE public.events SET (autovacuum_vacuum_scale_factor = 0.05);",
                List.of("VACUUM (ANALYZE) public.events;", "ALTER TABLE public.events SET (autovacuum_vacuum_scale_factor = 0.05);")),
                seen));
        list.add(new FindingEntry(new Finding(FindingKind.MISSING_INDEX, Severity.WARNING, id, "public.orders",
                "Table public.orders (2,400,000 rows) had 1,312 sequential scans reading 2,399,870 rows each, against 12 index scans.",
                "CREATE INDEX CONCURRENTLY ON public.orders (created_at); Check the plan first: EXPLAIN (ANALYZE, BUFFERS) <the statement above>.",
                List.of("CREATE INDEX CONCURRENTLY ON public.orders (created_at);")),
                seen));
        if (i % 2 == 0) {
            list.add(new FindingEntry(new Finding(FindingKind.UNUSED_INDEX, Severity.INFO, id, "public.orders_status_idx",
                    "Index public.orders_status_idx on public.orders (184 MiB) has not been scanned since the statistics were reset 41 d ago.",
                    "If no rare job (month-end report, replica queries) needs it: DROP INDEX CONCURRENTLY public.orders_status_idx;",
                    List.of("DROP INDEX CONCURRENTLY public.orders_status_idx;")),
                    seen));
        }
        return list;
    }

    private List<Alert> alerts(String id, double cacheHit, double connectionsUsed, InstanceStatus status) {
        List<Alert> list = new ArrayList<>();
        Instant started = now.minus(Duration.ofMinutes(20 + random.nextInt(600)));
        if (status == InstanceStatus.DOWN) {
            list.add(alert(id, "instance_down", id, Severity.CRITICAL, 1, 3, "Instance " + id + " has sent no snapshot for 10 min", started, null));
        }
        if (cacheHit < 0.8) {
            Severity s = cacheHit < 0.5 ? Severity.CRITICAL : Severity.WARNING;
            list.add(alert(id, "cache_hit_ratio", "app", s, cacheHit, 0.8,
                    String.format("Cache hit ratio of database app is %.1f %% (warning below 80 %%)", cacheHit * 100), started, null));
        }
        if (connectionsUsed > 0.8) {
            list.add(alert(id, "connections_used", id, Severity.WARNING, connectionsUsed, 0.8,
                    String.format("%.0f %% of max_connections in use (warning above 80 %%)", connectionsUsed * 100), started, null));
        }
        if (random.nextDouble() < 0.15) {
            list.add(alert(id, "dead_rows", "public.events", Severity.CRITICAL, 0.234, 0.2,
                    "Table public.events: 23.4 % dead rows (critical above 20 %)", started.minus(Duration.ofHours(2)), null));
        }
        list.add(alert(id, "statement_mean_time", "queryid 5000000000000", Severity.WARNING, 412, 100,
                "Statement 5000000000000 took 412 ms per call (warning above 100 ms)", now.minus(Duration.ofHours(5)), now.minus(Duration.ofHours(4))));
        return list;
    }

    private static Alert alert(String id, String rule, String object, Severity severity, double value, double threshold, String message,
                               Instant startsAt, Instant endsAt) {
        List<AlertEvent> history = new ArrayList<>();
        history.add(new AlertEvent(startsAt, AlertStatus.FIRING, severity, value, message));
        if (endsAt != null) {
            history.add(new AlertEvent(endsAt, AlertStatus.RESOLVED, severity, threshold * 0.5, "Resolved: " + message));
        }
        return new Alert(id + "/" + rule + "/" + object, rule, id, object, severity, endsAt == null ? AlertStatus.FIRING : AlertStatus.RESOLVED,
                false, value, threshold, message, startsAt, endsAt, history);
    }

    private void baselines(String id, List<DatabaseSize> databases, List<TopStatement> top) {
        long size = databases.stream().mapToLong(DatabaseSize::sizeBytes).sum();
        List<BaselineSummary> list = new ArrayList<>();
        String[] names = {"before-upgrade", "weekly"};
        for (int b = 0; b < names.length; b++) {
            Instant created = now.minus(Duration.ofDays(14 - b * 7L));
            double then = size * (0.8 + 0.1 * b);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("database_size_bytes", then);
            metrics.put("cache_hit_ratio", 0.99);
            metrics.put("connections", 40.0);
            metrics.put("index_count", 42.0);
            list.add(new BaselineSummary(names[b], created, metrics));
            List<Delta> statementDeltas = top.stream().limit(3)
                    .map(s -> new Delta("queryid " + s.queryId(), "mean_time_ms", s.meanTimeMs() * 0.7, s.meanTimeMs())).toList();
            data.comparisons.put(id + "/" + names[b], new BaselineComparison(id, names[b], created, now,
                    List.of(new Delta("instance", "database_size_bytes", then, (double) size),
                            new Delta("instance", "cache_hit_ratio", 0.99, 0.97),
                            new Delta("instance", "connections", 40.0, 52.0),
                            new Delta("instance", "index_count", 42.0, 44.0)),
                    List.of(new Delta("public.orders", "size_bytes", 2.1 * GB, 2.6 * GB),
                            new Delta("public.events", "rows", 9_000_000.0, 14_500_000.0),
                            new Delta("public.sessions", "size_bytes", null, 0.2 * GB)),
                    statementDeltas));
        }
        data.baselines.put(id, list);
    }

    private static double daily(long epochSecond) {
        return 2 * Math.PI * (epochSecond % 86400) / 86400.0;
    }

    /** Deterministic noise in [-1, 1] for a time and a stream. */
    private static double noise(long epochSecond, int stream) {
        long x = epochSecond * 0x9E3779B97F4A7C15L + stream * 0xC2B2AE3D27D4EB4FL;
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9L;
        x ^= x >>> 29;
        return (x >>> 11) / (double) (1L << 53) * 2 - 1;
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
