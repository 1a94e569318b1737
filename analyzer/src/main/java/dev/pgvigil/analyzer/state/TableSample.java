package dev.pgvigil.analyzer.state;

import dev.pgvigil.rules.TableInfo;
import dev.pgvigil.schema.TableStat;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** A table's cumulative counters and current state (rows, sizes, last vacuum), as remembered between snapshots. */
public record TableSample(String datname, String schema, String table, long seqScan, long seqTupRead, long idxScan,
                          long nTupIns, long nTupUpd, long nTupDel, long liveRows, long deadRows, long heapBlksRead, long heapBlksHit,
                          long heapSizeBytes, long totalSizeBytes, long lastVacuumMs, long lastAutovacuumMs, List<String> reloptions) {

    public static TableSample of(TableStat t) {
        long total = t.getHeapSizeBytes() + t.getIndexesSizeBytes() + t.getToastSizeBytes();
        return new TableSample(t.getDatname(), t.getSchemaName(), t.getTableName(), t.getSeqScan(), t.getSeqTupRead(),
                t.getIdxScan() == null ? 0 : t.getIdxScan(), t.getNTupIns(), t.getNTupUpd(), t.getNTupDel(), t.getNLiveTup(),
                t.getNDeadTup(), t.getHeapBlksRead(), t.getHeapBlksHit(), t.getHeapSizeBytes(), total, millis(t.getLastVacuum()),
                millis(t.getLastAutovacuum()), t.getReloptions());
    }

    /** Counters only: these must never go backwards within a series. */
    public long[] counters() {
        return new long[] {seqScan, seqTupRead, idxScan, nTupIns, nTupUpd, nTupDel, heapBlksRead, heapBlksHit};
    }

    public String object() {
        return schema + "." + table;
    }

    public TableInfo info() {
        return new TableInfo(schema, table, liveRows, deadRows, heapSizeBytes, instant(lastVacuumMs), instant(lastAutovacuumMs), reloptions);
    }

    static long millis(Instant i) {
        return i == null ? -1 : i.toEpochMilli();
    }

    static Instant instant(long ms) {
        return ms < 0 ? null : Instant.ofEpochMilli(ms);
    }

    public static final Codec<TableSample> CODEC = new Codec<>() {
        @Override
        public void write(DataOutput out, TableSample s) throws IOException {
            out.writeUTF(s.datname);
            out.writeUTF(s.schema);
            out.writeUTF(s.table);
            for (long v : new long[] {s.seqScan, s.seqTupRead, s.idxScan, s.nTupIns, s.nTupUpd, s.nTupDel, s.liveRows, s.deadRows,
                    s.heapBlksRead, s.heapBlksHit, s.heapSizeBytes, s.totalSizeBytes, s.lastVacuumMs, s.lastAutovacuumMs}) {
                out.writeLong(v);
            }
            Codec.writeStrings(out, s.reloptions);
        }

        @Override
        public TableSample read(DataInput in) throws IOException {
            String datname = in.readUTF(), schema = in.readUTF(), table = in.readUTF();
            long[] v = new long[14];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.readLong();
            }
            return new TableSample(datname, schema, table, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
                    v[12], v[13], Codec.readStrings(in));
        }
    };
}
