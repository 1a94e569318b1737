package dev.pgvigil.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

class StateStoreTagsTest {
    @Test
    void storesOfDifferentTypesShareOneMeterNameAndBothAreScraped() {
        try (ServiceMeters meters = new ServiceMeters("analyzer")) {
            meters.registry().gauge("kafka.stream.state.put.rate",
                    Tags.of("rocksdb-state-id", "pgvigil-tables"), 2.0);
            meters.registry().gauge("kafka.stream.state.put.rate",
                    Tags.of("in-memory-window-state-id", "pgvigil-rollups"), 3.0);
            meters.registry().gauge("kafka.stream.state.put.rate",
                    Tags.of("rocksdb.window.state.id", "pgvigil-rollup-blocks-1h"), 4.0);
            String scrape = meters.registry().scrape();
            assertThat(scrape).contains("state_id=\"pgvigil-tables\"").contains("store_type=\"rocksdb\"")
                    .contains("state_id=\"pgvigil-rollups\"").contains("store_type=\"in-memory-window\"")
                    .contains("state_id=\"pgvigil-rollup-blocks-1h\"").contains("store_type=\"rocksdb-window\"")
                    .doesNotContain("rocksdb_state_id");
        }
    }

    @Test
    void otherMetersKeepTheirTags() {
        try (ServiceMeters meters = new ServiceMeters("analyzer")) {
            meters.registry().counter("pgvigil.analyzer.records", "rocksdb-state-id", "kept").increment();
            assertThat(meters.registry().scrape()).contains("rocksdb_state_id=\"kept\"");
        }
    }
}
