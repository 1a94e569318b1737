package dev.pgvigil.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.common.config.KafkaSettings;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class KafkaDeniedTest {
    private static final KafkaSettings AS_COLLECTOR = ConfigFile.parse("k.yaml", """
            kafka:
              bootstrapServers: localhost:9092
              sasl: {username: pgvigil-collector, passwordEnv: NOT_READ_HERE}
            """).section("kafka", KafkaSettings.class);

    @Test
    void aRefusedAclDeepInTheCausesIsOneLineNamingTheUserAndTheResource() {
        // as a transactional producer's commit reports a send that was refused
        var commit = new KafkaException("Cannot execute transactional method because we are in an error state",
                new TopicAuthorizationException(Set.of("pgvigil.snapshots")));

        KafkaDenied denied = KafkaDenied.in(new RuntimeException("wrapped", commit), AS_COLLECTOR).orElseThrow();

        assertThat(denied.getMessage()).isEqualTo("Kafka denied access as user pgvigil-collector: Not authorized to access topics: "
                + "[pgvigil.snapshots] (grant the ACLs listed in docs/kafka.md, \"Least privilege\")");
        assertThat(denied.getStackTrace()).as("the line is all: no stack of its own").isEmpty();
        assertThat(KafkaDenied.in(denied, null)).as("found again as it is").containsSame(denied);
    }

    @Test
    void aRefusedLoginPointsAtTheLoginSettings() {
        KafkaDenied denied = KafkaDenied.in(new SaslAuthenticationException("Authentication failed")).orElseThrow();

        assertThat(denied.getMessage()).isEqualTo("Kafka refused the login: Authentication failed (check kafka.sasl and kafka.properties' ssl settings)");
    }

    @Test
    void otherFailuresAreNoRefusal() {
        assertThat(KafkaDenied.in(new KafkaException("broker down", new TimeoutException("no answer")), AS_COLLECTOR)).isEmpty();
        assertThat(KafkaDenied.in(null)).isEmpty();
    }
}
