package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.state.Bucket;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The buckets of one instance's entities of one kind touched while handling a chunk: each is read once,
 * changed in memory, and written back once at the end.
 */
final class BucketedEntities<S> {
    private final KeyValueStore<String, Bucket<S>> store;
    private final String instanceId;
    private final int buckets;
    private final Map<String, Bucket<S>> touched = new HashMap<>();

    BucketedEntities(KeyValueStore<String, Bucket<S>> store, String instanceId, int buckets) {
        this.store = store;
        this.instanceId = instanceId;
        this.buckets = buckets;
    }

    Bucket<S> bucketOf(String entityKey) {
        return touched.computeIfAbsent(Bucket.keyFor(instanceId, entityKey, buckets), this::load);
    }

    private Bucket<S> load(String key) {
        Bucket<S> b = store.get(key);
        return b == null ? new Bucket<>() : b;
    }

    /** Every bucket of the instance, to sweep or survey; {@code visit} may change it (then call {@link #writeBack}). */
    void forEachBucket(BiConsumer<String, Bucket<S>> visit) {
        for (int i = 0; i < buckets; i++) {
            String key = Bucket.key(instanceId, i);
            Bucket<S> b = touched.get(key);
            if (b == null) {
                b = store.get(key);
                if (b == null) {
                    continue;
                }
                touched.put(key, b);
            }
            visit.accept(key, b);
        }
    }

    void writeBack() {
        touched.forEach(store::put);
        touched.clear();
    }
}
