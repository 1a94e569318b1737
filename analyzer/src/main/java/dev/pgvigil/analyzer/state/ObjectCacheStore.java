package dev.pgvigil.analyzer.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A write-back cache of deserialized values in front of a key-value store: the processor thread gets
 * and puts Java objects, and a changed value is serialized and written to the store (and so to its
 * changelog) once per commit, when Kafka Streams flushes caches before committing its transaction,
 * instead of on every put. The analyzer's state records change many times per commit (one bucket of
 * entities per chunk, one open-rollup bucket per metric batch), so this removes most of their
 * (de)serialization.
 *
 * <p>Only the thread that writes (the stream thread owning the task) sees the cache; any other thread
 * (interactive queries) reads the store as of the last commit. Iterators see the cache's writes: they
 * are written through first.
 */
public final class ObjectCacheStore<V> extends WrappedStateStore<KeyValueStore<String, V>, String, V> implements KeyValueStore<String, V> {
    private final Map<String, V> dirty = new LinkedHashMap<>();
    private final Map<String, V> clean;
    private volatile Thread owner;

    public ObjectCacheStore(KeyValueStore<String, V> inner, int maxCleanEntries) {
        super(inner);
        this.clean = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > maxCleanEntries;
            }
        };
    }

    /** A builder of {@code inner} (built without Kafka's byte cache, which this replaces) wrapped in this cache. */
    public static <V> StoreBuilder<KeyValueStore<String, V>> builder(StoreBuilder<KeyValueStore<String, V>> inner, int maxCleanEntries) {
        StoreBuilder<KeyValueStore<String, V>> uncached = inner.withCachingDisabled();
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<KeyValueStore<String, V>> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<String, V>> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<String, V>> withLoggingEnabled(Map<String, String> config) {
                uncached.withLoggingEnabled(config);
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
                uncached.withLoggingDisabled();
                return this;
            }

            @Override
            public KeyValueStore<String, V> build() {
                return new ObjectCacheStore<>(uncached.build(), maxCleanEntries);
            }

            @Override
            public Map<String, String> logConfig() {
                return uncached.logConfig();
            }

            @Override
            public boolean loggingEnabled() {
                return uncached.loggingEnabled();
            }

            @Override
            public String name() {
                return uncached.name();
            }
        };
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        owner = Thread.currentThread(); // tasks are initialized by the stream thread that will process them
        super.init(context, root);
    }

    private boolean foreign() {
        Thread o = owner;
        return o != null && o != Thread.currentThread();
    }

    @Override
    public V get(String key) {
        if (foreign()) {
            return wrapped().get(key);
        }
        if (dirty.containsKey(key)) {
            return dirty.get(key);
        }
        V v = clean.get(key);
        if (v == null) {
            v = wrapped().get(key);
            if (v != null) {
                clean.put(key, v);
            }
        }
        return v;
    }

    @Override
    public void put(String key, V value) {
        owner = Thread.currentThread();
        clean.remove(key);
        dirty.put(key, value);
    }

    @Override
    public V putIfAbsent(String key, V value) {
        V existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public void putAll(List<KeyValue<String, V>> entries) {
        entries.forEach(kv -> put(kv.key, kv.value));
    }

    @Override
    public V delete(String key) {
        V existing = get(key);
        put(key, null);
        return existing;
    }

    /** Writes the changed values to the store below (serializing each once). */
    private void writeBack() {
        if (dirty.isEmpty() || foreign()) {
            return;
        }
        List<KeyValue<String, V>> batch = new ArrayList<>(dirty.size());
        dirty.forEach((k, v) -> batch.add(KeyValue.pair(k, v)));
        dirty.clear();
        for (KeyValue<String, V> kv : batch) {
            if (kv.value == null) {
                wrapped().delete(kv.key);
            } else {
                wrapped().put(kv.key, kv.value);
                clean.put(kv.key, kv.value);
            }
        }
    }

    @Override
    public void flushCache() {
        writeBack();
        super.flushCache();
    }

    @Override
    public void flush() {
        writeBack();
        super.flush();
    }

    @Override
    public void close() {
        dirty.clear(); // not committed: the changelog has the truth
        clean.clear();
        super.close();
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        writeBack();
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<String, V> reverseRange(String from, String to) {
        writeBack();
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<String, V> all() {
        writeBack();
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<String, V> reverseAll() {
        writeBack();
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS prefixKeySerializer) {
        writeBack();
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries() + dirty.size();
    }
}
