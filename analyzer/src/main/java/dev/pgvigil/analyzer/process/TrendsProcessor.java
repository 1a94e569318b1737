package dev.pgvigil.analyzer.process;

import dev.pgvigil.analyzer.AnalyzerConfig;
import dev.pgvigil.analyzer.state.RollupAggregate;
import dev.pgvigil.analyzer.state.SeriesKey;
import dev.pgvigil.schema.MetricBatch;
import dev.pgvigil.schema.MetricPoint;
import dev.pgvigil.schema.Rollup;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Metric points → tumbling-window rollups (count, min, max, sum, avg, last) per series, kept in one
 * window store per window size and published once per window when it closes: when this task's stream
 * time (the newest interval end it has seen) passes the window's end plus a grace period for instances
 * whose snapshots come a little later.
 */
public final class TrendsProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    /** One rollup window size: its name on the wire, its store and its sink. */
    public record Window(String name, Duration size, String store, String sink) {}

    private final AnalyzerConfig config;
    private final List<Window> windows;
    private final String marksStore;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, Long> marks;
    private long streamTimeMs = -1;

    public TrendsProcessor(AnalyzerConfig config, List<Window> windows, String marksStore) {
        this.config = config;
        this.windows = windows;
        this.marksStore = marksStore;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.marks = context.getStateStore(marksStore);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        MetricBatch batch = (MetricBatch) record.value();
        long atMs = batch.getIntervalEnd().toEpochMilli();
        for (Window w : windows) {
            WindowStore<String, RollupAggregate> store = context.getStateStore(w.store());
            long start = atMs - Math.floorMod(atMs, w.size().toMillis());
            for (MetricPoint p : batch.getPoints()) {
                if (!config.rollsUp(p.getName())) {
                    continue;
                }
                String key = new SeriesKey(batch.getInstanceId(), p.getName(), p.getLabels()).encode();
                RollupAggregate agg = store.fetch(key, start);
                store.put(key, agg == null ? RollupAggregate.of(p.getValue(), atMs) : agg.add(p.getValue(), atMs), start);
            }
            if (marks.get(w.name()) == null) {
                marks.put(w.name(), start); // the first window this task rolls up
            }
        }
        streamTimeMs = Math.max(streamTimeMs, atMs);
        for (Window w : windows) {
            emitClosed(w);
        }
    }

    private void emitClosed(Window w) {
        long graceMs = 2L * config.assumedIntervalSeconds() * 1000;
        long size = w.size().toMillis();
        long t = streamTimeMs - graceMs;
        long closedBefore = t - Math.floorMod(t, size); // windows starting before this one have ended by t
        Long mark = marks.get(w.name());
        if (mark == null || closedBefore <= mark) {
            return;
        }
        WindowStore<String, RollupAggregate> store = context.getStateStore(w.store());
        try (KeyValueIterator<Windowed<String>, RollupAggregate> it = store.fetchAll(Instant.ofEpochMilli(mark), Instant.ofEpochMilli(closedBefore - 1))) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, RollupAggregate> kv = it.next();
                SeriesKey series = SeriesKey.decode(kv.key.key());
                RollupAggregate a = kv.value;
                long windowStart = kv.key.window().start();
                Rollup rollup = Rollup.newBuilder()
                        .setInstanceId(series.instanceId()).setName(series.name()).setLabels(series.labels()).setWindow(w.name())
                        .setWindowStart(Instant.ofEpochMilli(windowStart)).setWindowEnd(Instant.ofEpochMilli(windowStart + size))
                        .setCount(a.count()).setMin(a.min()).setMax(a.max()).setSum(a.sum()).setAvg(a.avg()).setLast(a.last())
                        .build();
                context.forward(new Record<>(series.instanceId(), rollup, windowStart + size), w.sink());
            }
        }
        marks.put(w.name(), closedBefore);
    }
}
