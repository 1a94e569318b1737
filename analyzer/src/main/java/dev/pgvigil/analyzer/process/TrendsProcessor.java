package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.state.RollupBlock;
import dev.pgvigil.analyzer.state.SeriesKey;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.MetricBatches;
import dev.pgvigil.schema.Rollup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Metric points → tumbling-window rollups (count, min, max, sum, avg, last) per series.
 *
 * <p>The window an instance's metric is in now is an open {@link RollupBlock} (all its series) in a
 * key-value store whose values stay deserialized between commits; a point of a later window closes it:
 * the block moves to the window store of its size (what the dashboard reads) and its series go out on
 * the window's topic, once. Windows of instances that went quiet close when this task's stream time
 * (the newest interval end it has seen) passes their end plus a grace period. A late point (of a window
 * already closed) is added to the stored block but not published again.
 */
public final class TrendsProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** One rollup window size: its name on the wire, its store of closed windows and its sink. */
    public record Window(String name, Duration size, String store, String sink) {
        long startOf(long atMs) {
            return atMs - Math.floorMod(atMs, size.toMillis());
        }
    }

    private final AnalyzerConfig config;
    private final List<Window> windows;
    private final String openStore;
    private final String marksStore;
    private final Map<String, Boolean> rollsUp = new HashMap<>();
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, RollupBlock> open;
    private KeyValueStore<String, Long> marks;
    private long streamTimeMs = -1;

    public TrendsProcessor(AnalyzerConfig config, List<Window> windows, String openStore, String marksStore) {
        this.config = config;
        this.windows = windows;
        this.openStore = openStore;
        this.marksStore = marksStore;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.open = context.getStateStore(openStore);
        this.marks = context.getStateStore(marksStore);
    }

    /** The open-window store's key of an instance's metric: window name, then the closed windows' key. */
    public static String openKey(String window, String seriesKey) {
        return window + '\u0000' + seriesKey;
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        MetricBatch batch = (MetricBatch) record.value();
        String instanceId = batch.getInstanceId();
        long atMs = batch.getIntervalEnd().toEpochMilli();
        Map<Map<String, String>, String> labelKeys = new IdentityHashMap<>(); // an entity's points share one labels map
        for (Window w : windows) {
            long start = w.startOf(atMs);
            Map<String, Target> targets = new HashMap<>();
            MetricBatches.forEachPoint(batch, (name, labels, value) -> {
                if (rollsUp.computeIfAbsent(name, config::rollsUp)) {
                    Target target = targets.computeIfAbsent(name, n -> targetOf(w, instanceId, n, start));
                    target.block().add(labelKeys.computeIfAbsent(labels, SeriesKey::labelsKey), value, atMs);
                }
            });
            targets.forEach((name, target) -> {
                String key = new SeriesKey(instanceId, name, Map.of()).encode();
                if (target.closed()) {
                    windowStore(w).put(key, target.block(), start);
                } else {
                    open.put(openKey(w.name(), key), target.block());
                }
            });
            if (marks.get(w.name()) == null) {
                marks.put(w.name(), start); // the first window this task rolls up
            }
        }
        streamTimeMs = Math.max(streamTimeMs, atMs);
        for (Window w : windows) {
            closeQuiet(w);
        }
    }

    /** Where an instance's points of one metric and window go: its open block, or a closed one (late points). */
    private record Target(RollupBlock block, boolean closed) {}

    /** The block points of {@code windowStartMs} go into, closing the open one if they are of a later window. */
    private Target targetOf(Window w, String instanceId, String metric, long windowStartMs) {
        String key = new SeriesKey(instanceId, metric, Map.of()).encode();
        RollupBlock current = open.get(openKey(w.name(), key));
        if (current != null && current.windowStartMs == windowStartMs) {
            return new Target(current, false);
        }
        if (current != null && current.windowStartMs < windowStartMs) {
            close(w, instanceId, metric, current);
            return new Target(new RollupBlock(windowStartMs), false);
        }
        // not the open window: one closed already (late, or closed as quiet), or a new one; a window
        // older than the open one goes straight to the closed windows
        RollupBlock closed = windowStore(w).fetch(key, windowStartMs);
        return closed != null ? new Target(closed, true) : new Target(new RollupBlock(windowStartMs), current != null);
    }

    private void close(Window w, String instanceId, String metric, RollupBlock block) {
        windowStore(w).put(new SeriesKey(instanceId, metric, Map.of()).encode(), block, block.windowStartMs);
        long endMs = block.windowStartMs + w.size().toMillis();
        block.series.forEach((labelsKey, a) -> {
            Rollup rollup = new Rollup(instanceId, metric, SeriesKey.labels(labelsKey), w.name(), Instant.ofEpochMilli(block.windowStartMs),
                    Instant.ofEpochMilli(endMs), a.count(), a.min(), a.max(), a.sum(), a.avg(), a.last());
            context.forward(new Record<>(instanceId, rollup, endMs), w.sink());
        });
    }

    /** Closes the open windows that ended a grace period before stream time: instances that stopped reporting. */
    private void closeQuiet(Window w) {
        long graceMs = 2L * config.assumedIntervalSeconds() * 1000;
        long t = streamTimeMs - graceMs;
        long closedBefore = w.startOf(t); // windows starting before this one have ended by t
        Long mark = marks.get(w.name());
        if (mark == null || closedBefore <= mark) {
            return;
        }
        String prefix = openKey(w.name(), "");
        List<KeyValue<String, RollupBlock>> ended = new ArrayList<>();
        try (KeyValueIterator<String, RollupBlock> it = open.range(prefix, prefix + '\uffff')) {
            it.forEachRemaining(kv -> {
                if (kv.value.windowStartMs < closedBefore) {
                    ended.add(kv);
                }
            });
        }
        for (KeyValue<String, RollupBlock> kv : ended) {
            SeriesKey series = SeriesKey.decode(kv.key.substring(prefix.length()));
            close(w, series.instanceId(), series.name(), kv.value);
            open.delete(kv.key);
        }
        marks.put(w.name(), closedBefore);
    }

    private WindowStore<String, RollupBlock> windowStore(Window w) {
        return context.getStateStore(w.store());
    }
}
