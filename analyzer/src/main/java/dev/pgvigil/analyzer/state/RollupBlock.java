package dev.pgvigil.analyzer.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The rollups of every series of one metric of one instance over one window: one state record per
 * metric and window instead of one per series, so a snapshot of a thousand statements costs a handful
 * of store writes (and changelog records), not thousands.
 */
public final class RollupBlock {
    public final long windowStartMs;
    /** {@link SeriesKey#labelsKey labels key} → the series' rollup so far. */
    public final Map<String, RollupAggregate> series;

    public RollupBlock(long windowStartMs) {
        this(windowStartMs, new HashMap<>());
    }

    private RollupBlock(long windowStartMs, Map<String, RollupAggregate> series) {
        this.windowStartMs = windowStartMs;
        this.series = series;
    }

    public void add(String labelsKey, double value, long atMs) {
        RollupAggregate a = series.get(labelsKey);
        series.put(labelsKey, a == null ? RollupAggregate.of(value, atMs) : a.add(value, atMs));
    }

    /** Adds every series of {@code other} (a shorter window inside this one) to this block. */
    public void merge(RollupBlock other) {
        other.series.forEach((labelsKey, a) -> series.merge(labelsKey, a, RollupAggregate::merge));
    }

    public static final Codec<RollupBlock> CODEC = new Codec<>() {
        @Override
        public void write(DataOutput out, RollupBlock b) throws IOException {
            out.writeLong(b.windowStartMs);
            out.writeInt(b.series.size());
            for (Map.Entry<String, RollupAggregate> e : b.series.entrySet()) {
                out.writeUTF(e.getKey());
                RollupAggregate.CODEC.write(out, e.getValue());
            }
        }

        @Override
        public RollupBlock read(DataInput in) throws IOException {
            long start = in.readLong();
            int n = in.readInt();
            Map<String, RollupAggregate> series = new HashMap<>(Math.max(4, n * 4 / 3 + 1));
            for (int i = 0; i < n; i++) {
                series.put(in.readUTF(), RollupAggregate.CODEC.read(in));
            }
            return new RollupBlock(start, series);
        }
    };
}
