package dev.pgvigil.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka Streams tags a state store's meters with a key named after the store's type
 * ({@code rocksdb-state-id}, {@code in-memory-window-state-id}, {@code rocksdb.window.state.id}, ...), so one meter name carries different
 * tag keys for different stores. Prometheus needs one set of keys per name and Micrometer drops (and
 * warns about) every meter after the first; this filter gives them all {@code state-id} and {@code store-type}.
 */
final class StateStoreTags implements MeterFilter {
    private static final String METER_PREFIX = "kafka.stream.state";
    private static final String KEY_SUFFIX = "-state-id";

    @Override
    public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(METER_PREFIX)) {
            return id;
        }
        List<Tag> tags = new ArrayList<>();
        for (Tag tag : id.getTagsAsIterable()) {
            String key = tag.getKey().replace('.', '-'); // Kafka 4.4 gives some as rocksdb.window.state.id
            if (key.endsWith(KEY_SUFFIX) && key.length() > KEY_SUFFIX.length()) {
                tags.add(Tag.of("state-id", tag.getValue()));
                tags.add(Tag.of("store-type", key.substring(0, key.length() - KEY_SUFFIX.length())));
            } else {
                tags.add(tag);
            }
        }
        return id.replaceTags(tags);
    }
}
