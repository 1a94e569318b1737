package dev.pgvigil.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerProcessTest {
    @TempDir
    Path dir;

    @Test
    void aBrokerInItsOwnJvmServesClientsAndDiesWithSigkill() throws Exception {
        BrokerProcess.Running broker = BrokerProcess.start("broker", dir, 0, "512m");
        try (ServiceProcess process = broker.process()) {
            assertThat(process.pid()).isNotEqualTo(ProcessHandle.current().pid());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(Set.of(new NewTopic("probe", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("probe");
            }
            process.kill9();
            assertThat(process.isAlive()).isFalse();
        }
    }
}
