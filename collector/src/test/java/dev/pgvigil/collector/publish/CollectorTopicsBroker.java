package dev.pgvigil.collector.publish;

import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.embedded.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own temporary broker with the collector's topics (one partition each), started before its first
 * test and stopped after its last: {@code @RegisterExtension static final CollectorTopicsBroker broker = new CollectorTopicsBroker();}
 */
public final class CollectorTopicsBroker implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka kafka;
    private KafkaSettings settings;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = EmbeddedKafka.startTemporary();
        settings = new KafkaSettings(kafka.bootstrapServers(), null, 1, null);
        KafkaSnapshotPublisher.ensureTopics(settings);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        kafka.close();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public KafkaSettings settings() {
        return settings;
    }
}
