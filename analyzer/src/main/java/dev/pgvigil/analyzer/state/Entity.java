package dev.pgvigil.analyzer.state;

import dev.pgvigil.rules.Condition;
import dev.pgvigil.rules.Severity;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the analyzer remembers of one statement, table, index or database between snapshots: its last
 * cumulative sample, the series it belongs to, the conditions of its rules that hold, and which findings
 * about it are out.
 */
public final class Entity<S> {
    /** collectedAt (epoch ms) of the snapshot the sample was taken in. */
    public long seenAtMs;
    /** The counter series: changes when the instance restarts or its stats are reset. */
    public long series;
    public S sample;
    /** Rule wire name (plus object suffix where one entity has several) → condition that holds. */
    public final Map<String, Condition> conditions = new HashMap<>();
    /** Finding kinds currently published about this entity. */
    public final Set<String> findings = new HashSet<>();
    /** Size at the start of each recent day: [day, bytes] pairs, oldest first (tables and databases). */
    public long[] dailySizes = new long[0];

    public Entity(long seenAtMs, long series, S sample) {
        this.seenAtMs = seenAtMs;
        this.series = series;
        this.sample = sample;
    }

    public static <S> Codec<Entity<S>> codec(Codec<S> sampleCodec) {
        return new Codec<>() {
            @Override
            public void write(DataOutput out, Entity<S> e) throws IOException {
                out.writeLong(e.seenAtMs);
                out.writeLong(e.series);
                sampleCodec.write(out, e.sample);
                out.writeShort(e.conditions.size());
                for (Map.Entry<String, Condition> c : e.conditions.entrySet()) {
                    out.writeUTF(c.getKey());
                    writeCondition(out, c.getValue());
                }
                out.writeShort(e.findings.size());
                for (String f : e.findings) {
                    out.writeUTF(f);
                }
                out.writeShort(e.dailySizes.length);
                for (long v : e.dailySizes) {
                    out.writeLong(v);
                }
            }

            @Override
            public Entity<S> read(DataInput in) throws IOException {
                Entity<S> e = new Entity<>(in.readLong(), in.readLong(), sampleCodec.read(in));
                int conditions = in.readShort();
                for (int i = 0; i < conditions; i++) {
                    e.conditions.put(in.readUTF(), readCondition(in));
                }
                int findings = in.readShort();
                for (int i = 0; i < findings; i++) {
                    e.findings.add(in.readUTF());
                }
                e.dailySizes = new long[in.readShort()];
                for (int i = 0; i < e.dailySizes.length; i++) {
                    e.dailySizes[i] = in.readLong();
                }
                return e;
            }
        };
    }

    static void writeCondition(DataOutput out, Condition c) throws IOException {
        out.writeInt(c.heldIntervals());
        out.writeLong(c.since().toEpochMilli());
        out.writeByte(c.firing() == null ? -1 : c.firing().ordinal());
    }

    static Condition readCondition(DataInput in) throws IOException {
        int held = in.readInt();
        Instant since = Instant.ofEpochMilli(in.readLong());
        byte firing = in.readByte();
        return new Condition(held, since, firing < 0 ? null : Severity.values()[firing]);
    }
}
