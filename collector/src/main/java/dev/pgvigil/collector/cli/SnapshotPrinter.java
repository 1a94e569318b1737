package dev.pgvigil.collector.cli;

import dev.pgvigil.catalogue.read.ReplicationReader;
import dev.pgvigil.collector.publish.OutRecord;
import dev.pgvigil.collector.publish.Publication;
import dev.pgvigil.schema.ActivitySnapshot;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.DatabaseStatsChunk;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.IndexesChunk;
import dev.pgvigil.schema.ReplicationPositions;
import dev.pgvigil.schema.ReplicationSnapshot;
import dev.pgvigil.schema.SessionInfo;
import dev.pgvigil.schema.Setting;
import dev.pgvigil.schema.SettingsChunk;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.TableStat;
import dev.pgvigil.schema.TablesChunk;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.common.text.TextTable;
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
        line(out, "Instance", info.getRef().getInstanceId() + " (database " + info.getDatabase() + ")");
        line(out, "Server", "PostgreSQL " + info.getServerVersion() + ", started " + info.getPostmasterStartTime());
        line(out, "Status", info.getStatus() + " in " + Human.millis(info.getDurationMs()));
        line(out, "Statements", info.getStatementsAvailable() ? "pg_stat_statements available"
                + (info.getStatementsResetAt() == null ? "" : ", reset " + info.getStatementsResetAt()) : "not available");
        line(out, "Records", info.getChunkCounts().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")) + " chunk(s) + 1 envelope");
        for (String warning : info.getWarnings()) {
            line(out, "Warning", warning);
        }

        List<DatabaseStat> databases = entities(p, DatabaseStatsChunk.class, DatabaseStatsChunk::getDatabases);
        TextTable dbs = new TextTable().left("DATABASE").right("SIZE").right("BACKENDS").right("COMMITS").right("ROLLBACKS")
                .right("CACHE HIT").right("DEADLOCKS").right("XID AGE");
        databases.forEach(d -> dbs.row(d.getDatname(), Human.bytes(d.getSizeBytes()), d.getNumbackends(), Human.count(d.getXactCommit()),
                Human.count(d.getXactRollback()),
                Human.percent((double) d.getBlksHit() / (d.getBlksHit() + d.getBlksRead())), d.getDeadlocks(), d.getFrozenXidAge()));
        section(out, "Databases (" + databases.size() + ")", dbs);

        List<StatementStat> statements = entities(p, StatementsChunk.class, StatementsChunk::getStatements);
        TextTable st = new TextTable().right("CALLS").right("TOTAL TIME").right("MEAN TIME").right("ROWS").left("QUERY");
        statements.stream().sorted(Comparator.comparingDouble(StatementStat::getTotalExecTimeMs).reversed()).limit(TOP)
                .forEach(s -> st.row(Human.count(s.getCalls()), Human.millis(s.getTotalExecTimeMs()), Human.millis(s.getMeanExecTimeMs()), Human.count(s.getRows()),
                        oneLine(s.getQuery(), 70)));
        section(out, "Top statements by total time (" + Math.min(TOP, statements.size()) + " of " + statements.size() + ")", st);

        List<TableStat> tables = entities(p, TablesChunk.class, TablesChunk::getTables);
        TextTable tb = new TextTable().left("TABLE").right("SIZE").right("LIVE ROWS").right("DEAD ROWS")
                .right("SEQ SCANS").right("IDX SCANS").left("LAST AUTOVACUUM");
        tables.stream().sorted(Comparator.comparingLong((TableStat t) -> t.getHeapSizeBytes() + t.getIndexesSizeBytes()
                        + t.getToastSizeBytes()).reversed()).limit(TOP)
                .forEach(t -> tb.row(t.getSchemaName() + "." + t.getTableName(),
                        Human.bytes(t.getHeapSizeBytes() + t.getIndexesSizeBytes() + t.getToastSizeBytes()), t.getNLiveTup(), t.getNDeadTup(),
                        t.getSeqScan(), t.getIdxScan(), t.getLastAutovacuum()));
        section(out, "Largest tables (" + Math.min(TOP, tables.size()) + " of " + tables.size() + ")", tb);

        List<IndexStat> indexes = entities(p, IndexesChunk.class, IndexesChunk::getIndexes);
        TextTable ix = new TextTable().left("INDEX").left("TABLE").right("SIZE").right("SCANS").left("FLAGS");
        indexes.stream().sorted(Comparator.comparingLong(IndexStat::getSizeBytes).reversed()).limit(TOP)
                .forEach(i -> ix.row(i.getSchemaName() + "." + i.getIndexName(), i.getTableName(), Human.bytes(i.getSizeBytes()),
                        i.getIdxScan(), flags(i)));
        section(out, "Largest indexes (" + Math.min(TOP, indexes.size()) + " of " + indexes.size() + ")", ix);

        p.chunks().stream().map(OutRecord::value).filter(ActivitySnapshot.class::isInstance).map(ActivitySnapshot.class::cast)
                .findFirst().ifPresent(a -> activity(out, a));

        p.chunks().stream().map(OutRecord::value).filter(ReplicationSnapshot.class::isInstance).map(ReplicationSnapshot.class::cast)
                .findFirst().ifPresent(r -> replication(out, r));

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
                .append(", oldest transaction ").append(a.getOldestXactAgeSeconds() == null ? "-" : Human.millis(a.getOldestXactAgeSeconds() * 1000))
                .append('\n');
        if (!a.getSessions().isEmpty()) {
            TextTable sessions = new TextTable().right("PID").left("USER").left("DATABASE").left("STATE")
                    .right("XACT AGE").left("BLOCKED BY").left("QUERY");
            for (SessionInfo s : a.getSessions()) {
                sessions.row(s.getPid(), s.getUsename(), s.getDatname(), s.getState(),
                        s.getXactAgeSeconds() == null ? null : Human.millis(s.getXactAgeSeconds() * 1000),
                        s.getBlockedBy().isEmpty() ? "" : s.getBlockedBy().toString(), oneLine(s.getQuery(), 50));
            }
            out.append(sessions.indent("  ").render());
        }
    }

    private static void replication(StringBuilder out, ReplicationSnapshot r) {
        out.append("\nReplication: ").append(r.getInRecovery() ? "standby" : "primary").append(" (system ").append(r.getSystemIdentifier())
                .append(", timeline ").append(r.getTimelineId()).append(')');
        if (r.getInRecovery()) {
            out.append(", received ").append(ReplicationReader.lsn(r.getReceiveLsn())).append(", replayed ")
                    .append(ReplicationReader.lsn(r.getReplayLsn())).append(Boolean.TRUE.equals(r.getReplayPaused()) ? " (replay PAUSED)" : "")
                    .append(", last replayed commit ").append(r.getLastReplayAt() == null ? "-" : r.getLastReplayAt()).append('\n');
            var w = r.getWalReceiver();
            out.append("  WAL receiver: ").append(w == null ? "not running" + (r.getStreamingConfigured() ? " (primary_conninfo is set)" : "")
                    : w.getStatus() + " from " + w.getSenderHost() + ":" + w.getSenderPort() + (w.getSlotName() == null ? "" : " over slot " + w.getSlotName()))
                    .append('\n');
        } else {
            out.append(", WAL at ").append(ReplicationReader.lsn(r.getCurrentLsn())).append('\n');
        }
        if (!r.getStandbys().isEmpty()) {
            TextTable standbys = new TextTable().left("STANDBY").left("STATE").left("SYNC").right("REPLAY LAG").right("NOT REPLAYED");
            Long reference = ReplicationPositions.walPosition(r);
            r.getStandbys().forEach(s -> {
                Long behind = ReplicationPositions.behind(reference, s.getReplayLsn());
                standbys.row(s.getName(), s.getState(), s.getSyncState(),
                        s.getReplayLagSeconds() == null ? "-" : Human.seconds(s.getReplayLagSeconds()), behind == null ? "-" : Human.bytes(behind));
            });
            out.append(standbys.indent("  ").render());
        }
        if (!r.getSlots().isEmpty()) {
            TextTable slots = new TextTable().left("SLOT").left("TYPE").left("ACTIVE").left("WAL STATUS").right("RETAINED");
            r.getSlots().forEach(s -> slots.row(s.getSlotName(), s.getSlotType(), s.getActive() ? "yes" : "NO", s.getWalStatus(),
                    s.getRetainedBytes() == null ? "-" : Human.bytes(s.getRetainedBytes())));
            out.append(slots.indent("  ").render());
        }
        var a = r.getArchiver();
        if (a != null) {
            out.append("  archiving: archive_mode ").append(a.getArchiveMode()).append(", ").append(Human.count(a.getArchivedCount()))
                    .append(" archived, ").append(Human.count(a.getFailedCount())).append(" failed")
                    .append(a.getLastFailedAt() != null && (a.getLastArchivedAt() == null || a.getLastFailedAt().isAfter(a.getLastArchivedAt()))
                            ? " (FAILING since " + a.getLastFailedAt() + ": " + a.getLastFailedWal() + ")" : "").append('\n');
        }
        var c = r.getCheckpoints();
        if (c != null) {
            out.append("  checkpoints: ").append(Human.count(c.getTimed())).append(" timed, ").append(Human.count(c.getRequested()))
                    .append(" requested").append(r.getWal() == null ? "" : "; WAL written " + Human.bytes(r.getWal().getBytes()))
                    .append(" since ").append(c.getStatsReset()).append('\n');
        }
        r.getHorizonHolders().stream().findFirst().ifPresent(h -> out.append("  vacuum horizon: oldest xmin (age ")
                .append(Human.count(h.getXminAge())).append(") held by ").append(h.getKind()).append(' ').append(h.getName())
                .append(h.getAgeSeconds() == null ? "" : " for " + Human.seconds(h.getAgeSeconds())).append('\n'));
    }

    private static void section(StringBuilder out, String title, TextTable table) {
        out.append('\n').append(title).append('\n').append(table.indent("  ").render());
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "%-11s %s%n", label, value));
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

    private static String oneLine(String text, int max) {
        if (text == null) {
            return "-";
        }
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
    }
}
