package dev.pgvigil.analyzer.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The entities of one kind of one instance that hash to one bucket. Keeping a bucket per state record
 * (not an entity) turns a snapshot of thousands of statements into a handful of store writes and
 * changelog records, while keeping every record far below Kafka's size limit.
 */
public final class Bucket<S> {
    public final Map<String, Entity<S>> entities;

    public Bucket() {
        this(new HashMap<>());
    }

    private Bucket(Map<String, Entity<S>> entities) {
        this.entities = entities;
    }

    /** The store key of the bucket {@code entityKey} falls in. */
    public static String keyFor(String instanceId, String entityKey, int buckets) {
        return key(instanceId, Math.floorMod(entityKey.hashCode(), buckets));
    }

    public static String key(String instanceId, int bucket) {
        return instanceId + '\u0000' + bucket;
    }

    public static <S> Codec<Bucket<S>> codec(Codec<S> sampleCodec) {
        Codec<Entity<S>> entityCodec = Entity.codec(sampleCodec);
        return new Codec<>() {
            @Override
            public void write(DataOutput out, Bucket<S> b) throws IOException {
                out.writeInt(b.entities.size());
                for (Map.Entry<String, Entity<S>> e : b.entities.entrySet()) {
                    out.writeUTF(e.getKey());
                    entityCodec.write(out, e.getValue());
                }
            }

            @Override
            public Bucket<S> read(DataInput in) throws IOException {
                int n = in.readInt();
                Map<String, Entity<S>> map = new HashMap<>(Math.max(4, n * 4 / 3 + 1));
                for (int i = 0; i < n; i++) {
                    map.put(in.readUTF(), entityCodec.read(in));
                }
                return new Bucket<>(map);
            }
        };
    }
}
