package dev.pgvigil.advisor.baseline;

import dev.pgvigil.advisor.Snapshots;
import dev.pgvigil.catalogue.read.Snapshot;
import dev.pgvigil.rules.baseline.Baseline;
import dev.pgvigil.rules.baseline.BaselineCapture;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of the connected database, read by the collector's readers, as the plain statistics the
 * rules take a {@link Baseline} from: the same numbers the analyzer would record for this instance.
 */
public final class BaselineReader {
    private BaselineReader() {}

    public static Baseline read(Connection c, String instance, String name, Instant now) throws SQLException {
        Snapshot snapshot = Snapshots.take(c, instance);
        if (snapshot.databases() == null || snapshot.tables() == null || snapshot.indexes() == null) {
            throw new SQLException("cannot read the statistics: " + String.join("; ", snapshot.warnings()));
        }
        List<BaselineCapture.Database> databases = snapshot.databases().stream()
                .map(d -> new BaselineCapture.Database(d.getDatname(), d.getSizeBytes(), d.getBlksHit(), d.getBlksRead())).toList();
        // as the analyzer counts them: the activity snapshot's sessions
        Integer connections = snapshot.activity() == null ? null : snapshot.activity().getTotalConnections();
        List<BaselineCapture.Table> tables = snapshot.tables().stream()
                .map(t -> new BaselineCapture.Table(t.getSchemaName() + "." + t.getTableName(),
                        t.getHeapSizeBytes() + t.getIndexesSizeBytes() + t.getToastSizeBytes(), t.getNLiveTup(), t.getNDeadTup()))
                .toList();
        List<BaselineCapture.Statement> statements = snapshot.statements() == null ? List.of() : snapshot.statements().stream()
                .map(s -> new BaselineCapture.Statement(s.getQueryId(), s.getQuery(), s.getCalls(), s.getTotalExecTimeMs(), s.getMeanExecTimeMs()))
                .toList();
        return BaselineCapture.capture(new BaselineCapture.Stats(databases, connections, tables, snapshot.indexes().size(), statements), name, now);
    }
}
