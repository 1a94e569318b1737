package dev.pgvigil.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secure listener: TLS against the throwaway CA, SCRAM-SHA-512 logins, wrong passwords refused. */
class EmbeddedKafkaSecureTest {

    @Test
    void aScramUserWritesOverTlsAndAWrongPasswordIsRefused(@TempDir Path dir) throws Exception {
        ThrowawayTls tls = ThrowawayTls.create(dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.startTemporarySecured(1, new EmbeddedKafka.ClientSecurity(tls, false))) {
            assertThat(kafka.secureBootstrapServers()).isNotEqualTo(kafka.bootstrapServers());
            try (Admin admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            kafka.addScramUser("alice", "right-password");
            try (var producer = producer(kafka.secureClientProperties("alice", "right-password"))) {
                assertThat(producer.send(new ProducerRecord<>("t", "k", "v")).get(30, TimeUnit.SECONDS).offset()).isZero();
            }
            try (var producer = producer(kafka.secureClientProperties("alice", "wrong-password"))) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("t", "k", "v")).get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> props) {
        Map<String, Object> all = new HashMap<>(props);
        all.put("max.block.ms", 20_000);
        return new KafkaProducer<>(all, new StringSerializer(), new StringSerializer());
    }
}
