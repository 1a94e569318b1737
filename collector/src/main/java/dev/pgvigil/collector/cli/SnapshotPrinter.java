package dev.pgvigil.collector.cli;

import dev.pgvigil.collector.publish.OutRecord;
import dev.pgvigil.collector.publish.Publication;
import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.DatabaseStatsChunk;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.SessionInfo;
import dev.pgvigil.schema.Setting;
import dev.pgvigil.schema.SettingsChunk;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TableStat;
import dev.pgvigil.schema.TablesChunk;
import dev.pgvigil.schema.kafka.AvroJson;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** A snapshot for people (aligned tables of what matters) or for scripts (every record, as JSON by topic). */
final class SnapshotPrinter {
    private static final int TOP = 10;

    private SnapshotPrinter() {}

    /** {"pgvigil.stats.database": [chunk, ...], ..., "pgvigil.snapshots": [envelope]} in publishing order. */
    static String json(Publication p) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        List<OutRecord> all = new ArrayList<>(p.chunks());
        all.add(p.envelope());
        for (OutRecord r : all) {
            ArrayNode records = root.has(r.topic()) ? (ArrayNode) root.get(r.topic()) : root.putArray(r.topic());
            records.add(AvroJson.toJson(r.value()));
        }
        return AvroJson.write(root, true);
    }

    static String human(Publication p) {
        SnapshotInfo info = p.info();
        StringBuilder out = new StringBuilder();
        out.append(new TextTable("", "")
                .row("Instance", info.getRef().getInstanceId() + " (database " + info.getDatabase() + ")")
                .row("Server", "PostgreSQL " + info.getServerVersion() + ", started " + info.getPostmasterStartTime())
                .row("Status", info.getStatus() + " in " + info.getDurationMs() + " ms")
                .row("Statements", info.getStatementsAvailable() ? "pg_stat_statements available"
                        + (info.getStatementsResetAt() == null ? "" : ", reset " + info.getStatementsResetAt()) : "not available")
                .row("Records", info.getChunkCounts().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")) + " chunk(s) + 1 envelope")
                .render("").lines().map(String::strip).map(l -> l + "\n").collect(Collectors.joining()));
        for (String warning : info.getWarnings()) {
            out.append("Warning     ").append(warning).append('\n');
        }

        List<DatabaseStat> databases = entities(p, DatabaseStatsChunk.class, DatabaseStatsChunk::getDatabases);
        TextTable dbs = new TextTable("DATABASE", "SIZE>", "BACKENDS>", "COMMITS>", "ROLLBACKS>", "CACHE HIT>", "DEADLOCKS>", "XID AGE>");
        databases.forEach(d -> dbs.row(d.getDatname(), bytes(d.getSizeBytes()), d.getNumbackends(), d.getXactCommit(),
                d.getXactRollback(), percent(d.getBlksHit(), d.getBlksHit() + d.getBlksRead()), d.getDeadlocks(), d.getFrozenXidAge()));
        section(out, "Databases (" + databases.size() + ")", dbs);

        List<StatementStat> statements = entities(p, StatementsChunk.class, StatementsChunk::getStatements);
        TextTable st = new TextTable("CALLS>", "TOTAL MS>", "MEAN MS>", "ROWS>", "QUERY");
        statements.stream().sorted(Comparator.comparingDouble(StatementStat::getTotalExecTimeMs).reversed()).limit(TOP)
                .forEach(s -> st.row(s.getCalls(), decimal(s.getTotalExecTimeMs()), decimal(s.getMeanExecTimeMs()), s.getRows(),
                        oneLine(s.getQuery(), 70)));
        section(out, "Top statements by total time (" + Math.min(TOP, statements.size()) + " of " + statements.size() + ")", st);

        List<TableStat> tables = entities(p, TablesChunk.class, TablesChunk::getTables);
        TextTable tb = new TextTable("TABLE", "SIZE>", "LIVE ROWS>", "DEAD ROWS>", "SEQ SCANS>", "IDX SCANS>", "LAST AUTOVACUUM");
        tables.stream().sorted(Comparator.comparingLong((TableStat t) -> t.getHeapSizeBytes() + t.getIndexesSizeBytes()
                        + t.getToastSizeBytes()).reversed()).limit(TOP)
                .forEach(t -> tb.row(t.getSchemaName() + "." + t.getTableName(),
                        bytes(t.getHeapSizeBytes() + t.getIndexesSizeBytes() + t.getToastSizeBytes()), t.getNLiveTup(), t.getNDeadTup(),
                        t.getSeqScan(), t.getIdxScan(), t.getLastAutovacuum()));
        section(out, "Largest tables (" + Math.min(TOP, tables.size()) + " of " + tables.size() + ")", tb);

        List<IndexStat> indexes = entities(p, IndexesChunk.class, IndexesChunk::getIndexes);
        TextTable ix = new TextTable("INDEX", "TABLE", "SIZE>", "SCANS>", "FLAGS");
        indexes.stream().sorted(Comparator.comparingLong(IndexStat::getSizeBytes).reversed()).limit(TOP)
                .forEach(i -> ix.row(i.getSchemaName() + "." + i.getIndexName(), i.getTableName(), bytes(i.getSizeBytes()),
                        i.getIdxScan(), flags(i)));
        section(out, "Largest indexes (" + Math.min(TOP, indexes.size()) + " of " + indexes.size() + ")", ix);

        p.chunks().stream().map(OutRecord::value).filter(ActivitySnapshot.class::isInstance).map(ActivitySnapshot.class::cast)
                .findFirst().ifPresent(a -> activity(out, a));

        List<Setting> settings = entities(p, SettingsChunk.class, SettingsChunk::getSettings);
        long pending = settings.stream().filter(Setting::getPendingRestart).count();
        out.append("\nSettings: ").append(settings.size()).append(" tuning-relevant read, ").append(pending)
                .append(" pending restart (use --json for all)\n");
        return out.toString();
    }

    private static void activity(StringBuilder out, ActivitySnapshot a) {
        out.append("\nActivity: ").append(a.getTotalConnections()).append(" connections of ").append(a.getMaxConnections())
                .append(" (").append(a.getSuperuserReservedConnections() + a.getReservedConnections()).append(" reserved)")
                .append(a.getByState().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ", a.getByState().isEmpty() ? "" : "; ", "")))
                .append("\n  idle in transaction ").append(a.getIdleInTransactionCount())
                .append(", waiting on locks ").append(a.getWaitingOnLocksCount())
                .append(", oldest transaction ").append(a.getOldestXactAgeSeconds() == null ? "-" : decimal(a.getOldestXactAgeSeconds()) + " s")
                .append('\n');
        if (!a.getSessions().isEmpty()) {
            TextTable sessions = new TextTable("PID>", "USER", "DATABASE", "STATE", "XACT AGE S>", "BLOCKED BY", "QUERY");
            for (SessionInfo s : a.getSessions()) {
                sessions.row(s.getPid(), s.getUsename(), s.getDatname(), s.getState(),
                        s.getXactAgeSeconds() == null ? null : decimal(s.getXactAgeSeconds()),
                        s.getBlockedBy().isEmpty() ? "" : s.getBlockedBy().toString(), oneLine(s.getQuery(), 50));
            }
            out.append(sessions.render("  "));
        }
    }

    private static void section(StringBuilder out, String title, TextTable table) {
        out.append('\n').append(title).append('\n').append(table.render("  "));
    }

    private static <C, E> List<E> entities(Publication p, Class<C> chunkType, java.util.function.Function<C, List<E>> items) {
        return p.chunks().stream().map(OutRecord::value).filter(chunkType::isInstance).map(chunkType::cast)
                .flatMap(c -> items.apply(c).stream()).toList();
    }

    private static String flags(IndexStat i) {
        List<String> flags = new ArrayList<>();
        if (i.getIsPrimary()) {
            flags.add("primary");
        } else if (i.getIsUnique()) {
            flags.add("unique");
        }
        if (i.getPredicate() != null) {
            flags.add("partial");
        }
        if (!i.getIsValid()) {
            flags.add("INVALID");
        }
        return String.join(",", flags);
    }

    static String bytes(long n) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static String decimal(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String oneLine(String text, int max) {
        if (text == null) {
            return "-";
        }
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
    }
}
