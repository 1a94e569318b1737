package dev.pgvigil.common.metrics;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's meters, scraped at {@code /metrics}: a Prometheus registry tagged
 * {@code service=<name>}, with JVM and process meters bound, and the Kafka clients (or Kafka Streams)
 * the service binds. Services add their own meters to {@link #registry()} (names with units:
 * {@code pgvigil.collector.cycle} as a timer, {@code pgvigil.alerter.deliveries} as a counter, ...).
 * Closing it stops the binders' background refresh and closes the registry.
 */
public final class ServiceMeters implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceMeters.class);

    private final PrometheusMeterRegistry registry;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    public ServiceMeters(String service) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service).meterFilter(new StateStoreTags());
        bind(new JvmMemoryMetrics());
        bind(new JvmThreadMetrics());
        bind(new ClassLoaderMetrics());
        bind(new JvmGcMetrics());
        bind(new ProcessorMetrics());
        bind(new UptimeMetrics());
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Binds any Micrometer binder; it is closed with this object when it is {@link AutoCloseable}. */
    public synchronized ServiceMeters bind(MeterBinder binder) {
        binder.bindTo(registry);
        if (binder instanceof AutoCloseable closeable) {
            closeables.add(closeable);
        }
        return this;
    }

    /** The producer's own metrics (record rates, errors, latency), as {@code kafka_producer_*}. */
    public ServiceMeters bindKafkaProducer(Producer<?, ?> producer) {
        return bind(new KafkaClientMetrics(producer));
    }

    /** The consumer's own metrics (fetch rates, lag), as {@code kafka_consumer_*}. */
    public ServiceMeters bindKafkaConsumer(Consumer<?, ?> consumer) {
        return bind(new KafkaClientMetrics(consumer));
    }

    public ServiceMeters bindKafkaAdmin(AdminClient admin) {
        return bind(new KafkaClientMetrics(admin));
    }

    /**
     * Kafka Streams' metrics (process rates, state stores, and its embedded clients), as
     * {@code kafka_stream_*}. Needs kafka-streams on the classpath, which only the services that run
     * a topology have.
     */
    public ServiceMeters bindKafkaStreams(KafkaStreams streams) {
        return bind(new KafkaStreamsMetrics(streams));
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.debug("closing a meter binder failed", e);
            }
        }
        closeables.clear();
        registry.close();
    }
}
