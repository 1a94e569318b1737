package dev.pgvigil.collector;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The collector's own numbers for {@code /metrics}, per target: cycles, failed cycles, overruns (a tick
 * skipped because the previous cycle still ran or began late, see {@link TargetRunner#runCycle}), publish failures,
 * and the last cycle's wall time.
 * They read {@link CollectorStats} when scraped, so collecting pays nothing for them.
 */
final class CollectorMeters {
    private final CollectorStats stats;
    private final MeterRegistry registry;
    private final Set<String> bound = ConcurrentHashMap.newKeySet();

    CollectorMeters(CollectorStats stats, MeterRegistry registry) {
        this.stats = stats;
        this.registry = registry;
    }

    /** A target's meters, once, when this collector first collects it (targets come and go with the group). */
    void bind(String id) {
        if (bound.add(id)) {
            counter(registry, "pgvigil.collector.cycles", "collection cycles run", id, s -> s.get(id).cycles());
            counter(registry, "pgvigil.collector.cycle.failures", "cycles that could not read the target", id, s -> s.get(id).failures());
            counter(registry, "pgvigil.collector.overruns", "ticks skipped because the previous cycle was still running or began less than half an interval before", id,
                    s -> s.get(id).overruns());
            counter(registry, "pgvigil.collector.publish.failures", "snapshots Kafka did not take", id, s -> s.get(id).publishFailures());
            Gauge.builder("pgvigil.collector.last.cycle.seconds", stats, s -> s.get(id).lastCycleMs() / 1000.0)
                    .description("wall time of the target's last cycle").tag("target", id).register(registry);
        }
    }

    private void counter(MeterRegistry registry, String name, String description, String target, ToDoubleFunction<CollectorStats> value) {
        FunctionCounter.builder(name, stats, value).description(description).tag("target", target).register(registry);
    }
}
