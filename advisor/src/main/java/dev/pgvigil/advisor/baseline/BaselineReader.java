package dev.pgvigil.advisor.baseline;

import dev.pgvigil.advisor.Snapshots;
import dev.pgvigil.catalogue.read.ServerInfo;
import dev.pgvigil.catalogue.read.Snapshot;
import dev.pgvigil.schema.DatabaseStat;
import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.TableStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Takes a {@link Baseline} of the connected database with the collector's readers. */
public final class BaselineReader {
    /** Tables kept in a baseline, largest first; enough to see where growth went without bloating the file. */
    static final int TABLES_KEPT = 50;
    static final int STATEMENTS_KEPT = 20;

    private BaselineReader() {}

    public static Baseline read(Connection c, String instance, String name, Instant now) throws SQLException {
        Snapshot snapshot = Snapshots.take(c, instance);
        ServerInfo server = snapshot.server();
        if (snapshot.databases() == null || snapshot.tables() == null || snapshot.indexes() == null) {
            throw new SQLException("cannot read the statistics: " + String.join("; ", snapshot.warnings()));
        }
        List<DatabaseStat> databases = snapshot.databases();
        DatabaseStat self = databases.stream().filter(d -> Objects.equals(d.getDatname(), server.database())).findFirst()
                .orElseThrow(() -> new SQLException("no pg_stat_database row for " + server.database()));
        List<TableStat> tables = snapshot.tables();
        List<IndexStat> indexes = snapshot.indexes();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(Baseline.DATABASE_SIZE_BYTES, (double) self.getSizeBytes());
        metrics.put(Baseline.TABLE_COUNT, (double) tables.size());
        metrics.put(Baseline.INDEX_COUNT, (double) indexes.size());
        metrics.put(Baseline.TABLES_SIZE_BYTES, (double) tables.stream().mapToLong(t -> t.getHeapSizeBytes() + t.getToastSizeBytes()).sum());
        metrics.put(Baseline.INDEXES_SIZE_BYTES, (double) tables.stream().mapToLong(TableStat::getIndexesSizeBytes).sum());
        metrics.put(Baseline.LIVE_ROWS, (double) tables.stream().mapToLong(TableStat::getNLiveTup).sum());
        metrics.put(Baseline.DEAD_ROWS, (double) tables.stream().mapToLong(TableStat::getNDeadTup).sum());
        long blocks = self.getBlksHit() + self.getBlksRead();
        if (blocks > 0) {
            metrics.put(Baseline.CACHE_HIT_RATIO, (double) self.getBlksHit() / blocks);
        }
        metrics.put(Baseline.CONNECTIONS, (double) databases.stream().mapToInt(DatabaseStat::getNumbackends).sum());
        List<Baseline.Table> tableRows = tables.stream()
                .sorted(Comparator.comparingLong((TableStat t) -> t.getHeapSizeBytes() + t.getIndexesSizeBytes() + t.getToastSizeBytes()).reversed())
                .limit(TABLES_KEPT)
                .map(t -> new Baseline.Table(t.getSchemaName() + "." + t.getTableName(),
                        t.getHeapSizeBytes() + t.getIndexesSizeBytes() + t.getToastSizeBytes(), t.getNLiveTup()))
                .toList();
        List<Baseline.Statement> statements = snapshot.statements() == null ? List.of() : snapshot.statements().stream()
                .filter(s -> Objects.equals(s.getDatname(), server.database()))
                .sorted(Comparator.comparingDouble(StatementStat::getTotalExecTimeMs).reversed())
                .limit(STATEMENTS_KEPT)
                .map(s -> new Baseline.Statement(s.getQueryId(), s.getQuery(), s.getCalls(), s.getMeanExecTimeMs()))
                .toList();
        return new Baseline(name, now, metrics, tableRows, statements);
    }
}
