package dev.pgvigil.alerter.support;

import dev.pgvigil.embedded.EmbeddedKafka;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real KRaft broker for every test class of this module that uses it (a broker costs seconds on
 * this machine); started by the first class, stopped when the test run ends. Each class keeps to its
 * own topics and consumer groups.
 */
public final class SharedKafka implements BeforeAllCallback {
    private static volatile EmbeddedKafka kafka;

    private record Holder(EmbeddedKafka kafka) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            SharedKafka.kafka = null;
            kafka.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Holder holder = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent("pgvigil-alerter-kafka", k -> new Holder(EmbeddedKafka.startTemporary()), Holder.class);
        kafka = holder.kafka();
    }

    public static EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(SharedKafka.class)");
        }
        return kafka;
    }
}
