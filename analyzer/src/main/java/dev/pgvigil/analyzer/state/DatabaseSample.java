package dev.pgvigil.analyzer.state;

import dev.pgvigil.schema.DatabaseStat;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** A database's cumulative pg_stat_database counters, size and freeze age, as remembered between snapshots. */
public record DatabaseSample(String datname, long xactCommit, long xactRollback, long blksRead, long blksHit, long tupReturned,
                             long tupFetched, long tupInserted, long tupUpdated, long tupDeleted, long conflicts, long tempFiles,
                             long tempBytes, long deadlocks, long sizeBytes, long frozenXidAge, long statsResetMs) {

    public static DatabaseSample of(DatabaseStat d) {
        return new DatabaseSample(d.getDatname(), d.getXactCommit(), d.getXactRollback(), d.getBlksRead(), d.getBlksHit(),
                d.getTupReturned(), d.getTupFetched(), d.getTupInserted(), d.getTupUpdated(), d.getTupDeleted(), d.getConflicts(),
                d.getTempFiles(), d.getTempBytes(), d.getDeadlocks(), d.getSizeBytes(), d.getFrozenXidAge(),
                TableSample.millis(d.getStatsReset()));
    }

    /** Counters only: these must never go backwards within a series. */
    public long[] counters() {
        return new long[] {xactCommit, xactRollback, blksRead, blksHit, tupReturned, tupFetched, tupInserted, tupUpdated, tupDeleted,
                conflicts, tempFiles, tempBytes, deadlocks};
    }

    public static final Codec<DatabaseSample> CODEC = new Codec<>() {
        @Override
        public void write(DataOutput out, DatabaseSample s) throws IOException {
            out.writeUTF(s.datname);
            for (long v : s.counters()) {
                out.writeLong(v);
            }
            out.writeLong(s.sizeBytes);
            out.writeLong(s.frozenXidAge);
            out.writeLong(s.statsResetMs);
        }

        @Override
        public DatabaseSample read(DataInput in) throws IOException {
            String datname = in.readUTF();
            long[] v = new long[16];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.readLong();
            }
            return new DatabaseSample(datname, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13],
                    v[14], v[15]);
        }
    };
}
