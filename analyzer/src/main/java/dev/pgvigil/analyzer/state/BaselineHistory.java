package dev.pgvigil.analyzer.state;

import dev.pgvigil.rules.Condition;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One key metric of one instance by hour of day (UTC) and day: the sum and count of its interval values,
 * so "the same hour over recent days" is an average of daily averages. Also the regression condition.
 */
public final class BaselineHistory {
    private static final long DAY_MS = 86_400_000L;
    private static final long HOUR_MS = 3_600_000L;

    /** hour of day → day (epoch day) → {sum, count}. */
    public final Map<Integer, TreeMap<Long, double[]>> byHour = new HashMap<>();
    public final Map<String, Condition> conditions = new HashMap<>();

    public static long day(long atMs) {
        return Math.floorDiv(atMs, DAY_MS);
    }

    public static int hour(long atMs) {
        return (int) (Math.floorMod(atMs, DAY_MS) / HOUR_MS);
    }

    /** The baseline at {@code atMs}: mean of the daily means of the same hour on earlier days within {@code days}. */
    public Baseline baselineAt(long atMs, int days) {
        TreeMap<Long, double[]> hour = byHour.get(hour(atMs));
        long today = day(atMs);
        if (hour == null) {
            return new Baseline(Double.NaN, 0);
        }
        double sum = 0;
        int n = 0;
        for (Map.Entry<Long, double[]> e : hour.subMap(today - days, true, today, false).entrySet()) {
            if (e.getValue()[1] > 0) {
                sum += e.getValue()[0] / e.getValue()[1];
                n++;
            }
        }
        return new Baseline(n == 0 ? Double.NaN : sum / n, n);
    }

    public record Baseline(double mean, int days) {}

    /** Adds a value to today's slot of its hour and forgets days older than {@code days}. */
    public void add(long atMs, double value, int days) {
        long today = day(atMs);
        double[] slot = byHour.computeIfAbsent(hour(atMs), h -> new TreeMap<>()).computeIfAbsent(today, d -> new double[2]);
        slot[0] += value;
        slot[1] += 1;
        for (TreeMap<Long, double[]> h : byHour.values()) {
            h.headMap(today - days).clear();
        }
    }

    public static final Codec<BaselineHistory> CODEC = new Codec<>() {
        @Override
        public void write(DataOutput out, BaselineHistory b) throws IOException {
            out.writeShort(b.byHour.size());
            for (Map.Entry<Integer, TreeMap<Long, double[]>> h : b.byHour.entrySet()) {
                out.writeByte(h.getKey());
                out.writeShort(h.getValue().size());
                for (Map.Entry<Long, double[]> d : h.getValue().entrySet()) {
                    out.writeLong(d.getKey());
                    out.writeDouble(d.getValue()[0]);
                    out.writeDouble(d.getValue()[1]);
                }
            }
            out.writeShort(b.conditions.size());
            for (Map.Entry<String, Condition> c : b.conditions.entrySet()) {
                out.writeUTF(c.getKey());
                Entity.writeCondition(out, c.getValue());
            }
        }

        @Override
        public BaselineHistory read(DataInput in) throws IOException {
            BaselineHistory b = new BaselineHistory();
            int hours = in.readShort();
            for (int i = 0; i < hours; i++) {
                int hour = in.readByte();
                int days = in.readShort();
                TreeMap<Long, double[]> map = new TreeMap<>();
                for (int j = 0; j < days; j++) {
                    map.put(in.readLong(), new double[] {in.readDouble(), in.readDouble()});
                }
                b.byHour.put(hour, map);
            }
            int conditions = in.readShort();
            for (int i = 0; i < conditions; i++) {
                b.conditions.put(in.readUTF(), Entity.readCondition(in));
            }
            return b;
        }
    };
}
