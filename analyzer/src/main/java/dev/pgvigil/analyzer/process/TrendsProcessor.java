package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.state.RollupAggregate;
import dev.pgvigil.analyzer.state.RollupBlock;
import dev.pgvigil.analyzer.state.SeriesKey;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.MetricBatches;
import dev.pgvigil.schema.Rollup;
import dev.pgvigil.schema.RollupSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
 * Metric points → tumbling-window rollups (count, min, max, sum, avg, last) per series, by minute and,
 * from the closed minutes, by hour.
 *
 * <p>The window an instance's metric is in now is an open {@link RollupBlock} (all its series) in a
 * key-value store whose values stay deserialized between commits. A point of a later minute closes the
 * open minute: the block moves to the window store of minutes (what the dashboard reads), goes out on the
 * minute topic as one record holding all its series, once, and it is added to the open hour, which closes the same way when a
 * minute of a later hour arrives. So the hour's state is written once a minute, not at every snapshot.
 * Windows of instances that went quiet close when this task's stream time (the newest interval end it
 * has seen) passes their end plus a grace period. A late point (of a minute already closed) is added to
 * that minute's stored block, not published again and not added to its hour.
 */
public final class TrendsProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** One rollup window size: its name on the wire, its store of closed windows and its sink. */
    public record Window(String name, Duration size, String store, String sink) {
        public long startOf(long atMs) {
            return atMs - Math.floorMod(atMs, size.toMillis());
        }
    }

    private final AnalyzerConfig config;
    private final Window minute;
    private final Window hour;
    private final String openStore;
    private final String marksStore;
    private final Map<String, Boolean> rollsUp = new HashMap<>();
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, RollupBlock> open;
    private KeyValueStore<String, Long> marks;
    private long streamTimeMs = -1;

    public TrendsProcessor(AnalyzerConfig config, Window minute, Window hour, String openStore, String marksStore) {
        this.config = config;
        this.minute = minute;
        this.hour = hour;
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
        long start = minute.startOf(atMs);
        Map<Map<String, String>, String> labelKeys = new IdentityHashMap<>(); // an entity's points share one labels map
        Map<String, Target> targets = new HashMap<>(); // per metric of the batch: its block, or NOT_ROLLED_UP
        MetricBatches.forEachPoint(batch, (name, labels, value) -> {
            Target target = targets.get(name);
            if (target == null) {
                target = rollsUp.computeIfAbsent(name, config::rollsUp) ? targetOf(minute, instanceId, name, start) : NOT_ROLLED_UP;
                targets.put(name, target);
            }
            if (target != NOT_ROLLED_UP) {
                target.block().add(labelKeys.computeIfAbsent(labels, SeriesKey::labelsKey), value, atMs);
            }
        });
        targets.forEach((name, target) -> {
            if (target != NOT_ROLLED_UP) {
                store(minute, instanceId, name, target);
            }
        });
        for (Window w : List.of(minute, hour)) {
            if (marks.get(w.name()) == null) {
                marks.put(w.name(), w.startOf(atMs)); // the first window this task rolls up
            }
        }
        streamTimeMs = Math.max(streamTimeMs, atMs);
        closeQuiet(minute);
        closeQuiet(hour);
    }

    /** Where an instance's points of one metric and window go: its open block, or a closed one (late points). */
    private record Target(RollupBlock block, boolean closed) {}

    private static final Target NOT_ROLLED_UP = new Target(null, false);

    /**
     * Label sets by labels key, parsed once rather than at every window a series closes in; shared by the
     * rollups published (never changed). Dropped when it grows past a fleet's worth of series.
     */
    private final Map<String, Map<String, String>> labelsByKey = new HashMap<>();
    private static final int LABEL_SETS_KEPT = 200_000;

    private Map<String, String> labelsOf(String labelsKey) {
        Map<String, String> labels = labelsByKey.get(labelsKey);
        if (labels == null) {
            if (labelsByKey.size() >= LABEL_SETS_KEPT) {
                labelsByKey.clear();
            }
            labels = Collections.unmodifiableMap(SeriesKey.labels(labelsKey));
            labelsByKey.put(labelsKey, labels);
        }
        return labels;
    }

    /** The block points of {@code windowStartMs} go into, closing the open one if they are of a later window. */
    private Target targetOf(Window w, String instanceId, String metric, long windowStartMs) {
        String key = new SeriesKey(instanceId, metric).encode();
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

    private void store(Window w, String instanceId, String metric, Target target) {
        String key = new SeriesKey(instanceId, metric).encode();
        if (target.closed()) {
            windowStore(w).put(key, target.block(), target.block().windowStartMs);
        } else {
            open.put(openKey(w.name(), key), target.block());
        }
    }

    private void close(Window w, String instanceId, String metric, RollupBlock block) {
        windowStore(w).put(new SeriesKey(instanceId, metric).encode(), block, block.windowStartMs);
        long endMs = block.windowStartMs + w.size().toMillis();
        context.forward(new Record<>(instanceId, published(w, instanceId, metric, block, endMs), endMs), w.sink());
        if (w == minute) {
            Target hourly = targetOf(hour, instanceId, metric, hour.startOf(block.windowStartMs));
            hourly.block().merge(block);
            store(hour, instanceId, metric, hourly);
        }
    }

    /**
     * The record a closed window is published as: every series of the metric in one block record (a
     * thousand statements' rollups are one record, not a thousand); a metric whose only series has no
     * labels (instance.*) as a single-series record, which readers of before 0.3 read as they did.
     */
    private Rollup published(Window w, String instanceId, String metric, RollupBlock block, long endMs) {
        Instant start = Instant.ofEpochMilli(block.windowStartMs);
        Instant end = Instant.ofEpochMilli(endMs);
        RollupAggregate single = block.series.size() == 1 ? block.series.get(SeriesKey.NO_LABELS) : null;
        if (single != null) {
            return new Rollup(instanceId, metric, Map.of(), w.name(), start, end, single.count(), single.min(), single.max(), single.sum(),
                    single.avg(), single.last(), List.of());
        }
        List<RollupSeries> series = new ArrayList<>(block.series.size());
        block.series.forEach((labelsKey, a) -> series.add(new RollupSeries(labelsOf(labelsKey), a.count(), a.min(), a.max(), a.sum(), a.avg(), a.last())));
        return new Rollup(instanceId, metric, Map.of(), w.name(), start, end, 0L, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, series);
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
            open.delete(kv.key);
            SeriesKey series = SeriesKey.decode(kv.key.substring(prefix.length()));
            close(w, series.instanceId(), series.name(), kv.value);
        }
        marks.put(w.name(), closedBefore);
    }

    private WindowStore<String, RollupBlock> windowStore(Window w) {
        return context.getStateStore(w.store());
    }
}
