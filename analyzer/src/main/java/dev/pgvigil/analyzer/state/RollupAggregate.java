package dev.pgvigil.analyzer.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** A metric series over one window so far: count, min, max, sum and the latest value. */
public record RollupAggregate(long count, double min, double max, double sum, double last, long lastAtMs) {

    public static RollupAggregate of(double value, long atMs) {
        return new RollupAggregate(1, value, value, value, value, atMs);
    }

    public RollupAggregate add(double value, long atMs) {
        boolean newer = atMs >= lastAtMs;
        return new RollupAggregate(count + 1, Math.min(min, value), Math.max(max, value), sum + value,
                newer ? value : last, newer ? atMs : lastAtMs);
    }

    /** This and {@code other} as one: the rollup of both windows' points. */
    public RollupAggregate merge(RollupAggregate other) {
        boolean newer = other.lastAtMs >= lastAtMs;
        return new RollupAggregate(count + other.count, Math.min(min, other.min), Math.max(max, other.max), sum + other.sum,
                newer ? other.last : last, newer ? other.lastAtMs : lastAtMs);
    }

    public double avg() {
        return count == 0 ? Double.NaN : sum / count;
    }

    public static final Codec<RollupAggregate> CODEC = new Codec<>() {
        @Override
        public void write(DataOutput out, RollupAggregate a) throws IOException {
            out.writeLong(a.count);
            out.writeDouble(a.min);
            out.writeDouble(a.max);
            out.writeDouble(a.sum);
            out.writeDouble(a.last);
            out.writeLong(a.lastAtMs);
        }

        @Override
        public RollupAggregate read(DataInput in) throws IOException {
            return new RollupAggregate(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readLong());
        }
    };
}
