package dev.pgvigil.analyzer.state;

import dev.pgvigil.rules.StatementMeanTimeRule;
import dev.pgvigil.schema.StatementStat;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** The cumulative pg_stat_statements counters of one (queryid, userid, dbid) that deltas are taken from. */
public record StatementSample(String datname, long calls, double totalTimeMs, double meanTimeMs, double stddevTimeMs, double maxTimeMs,
                              long rows, long blksHit, long blksRead, long tempBlksWritten) {

    public static StatementSample of(StatementStat s) {
        return new StatementSample(s.getDatname(), s.getCalls(), s.getTotalExecTimeMs(), s.getMeanExecTimeMs(), s.getStddevExecTimeMs(),
                s.getMaxExecTimeMs(), s.getRows(), s.getSharedBlksHit(), s.getSharedBlksRead(), s.getTempBlksWritten());
    }

    public StatementMeanTimeRule.Sample forRule() {
        return new StatementMeanTimeRule.Sample(calls, totalTimeMs, meanTimeMs, stddevTimeMs, maxTimeMs);
    }

    public static final Codec<StatementSample> CODEC = new Codec<>() {
        @Override
        public void write(DataOutput out, StatementSample s) throws IOException {
            Codec.writeString(out, s.datname);
            out.writeLong(s.calls);
            out.writeDouble(s.totalTimeMs);
            out.writeDouble(s.meanTimeMs);
            out.writeDouble(s.stddevTimeMs);
            out.writeDouble(s.maxTimeMs);
            out.writeLong(s.rows);
            out.writeLong(s.blksHit);
            out.writeLong(s.blksRead);
            out.writeLong(s.tempBlksWritten);
        }

        @Override
        public StatementSample read(DataInput in) throws IOException {
            return new StatementSample(Codec.readString(in), in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(),
                    in.readLong(), in.readLong(), in.readLong(), in.readLong());
        }
    };
}
