package dev.pgvigil.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.catalogue.read.ServerInfo;
import dev.pgvigil.catalogue.read.ServerInfoReader;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.embedded.ThrowawayTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Targets over TLS on a real PostgreSQL whose server certificate a throwaway CA signed for localhost:
 * {@code sslmode=verify-full} with that CA connects and reads over an encrypted connection; another CA
 * is refused with one line that names TLS and the certificate (no exception chain, no password), and
 * a target next to it still connects.
 */
class TargetConnectionTlsTest {
    @TempDir
    static Path dir;
    private static LocalPostgres pg;
    private static ThrowawayTls.Pem serverCa;
    private static ThrowawayTls.Pem otherCa;

    @BeforeAll
    static void start() throws Exception {
        serverCa = ThrowawayTls.create(Files.createDirectory(dir.resolve("server-ca"))).pem();
        otherCa = ThrowawayTls.create(Files.createDirectory(dir.resolve("other-ca"))).pem();
        pg = LocalPostgres.start(LocalPostgres.Options.defaults().withTls(serverCa));
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    private static TargetConnection target(String id, String host, String params) {
        String url = "postgresql://" + LocalPostgres.SUPERUSER + "@" + host + ":" + pg.port() + "/postgres" + params;
        return new TargetConnection(new TargetConfig(id, url, null, pg.superuserPassword(), null, null, null, null, null, null),
                ConnectionLimits.of(null, null, 5, null));
    }

    @Test
    void verifyFullWithTheServersCaConnectsOverTls() throws Exception {
        try (TargetConnection c = target("tls", "localhost", "?sslmode=verify-full&sslrootcert=" + serverCa.caCert())) {
            ServerInfo info = ServerInfoReader.read(c.get());
            assertThat(info.majorVersion()).isEqualTo(pg.majorVersion());
            try (Statement s = c.get().createStatement();
                 ResultSet rs = s.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean("ssl")).isTrue();
                assertThat(rs.getString("version")).startsWith("TLSv1.");
            }
        }
    }

    @Test
    void anotherCaIsRefusedWithOneClearLineAndTheNextTargetStillConnects() throws Exception {
        try (TargetConnection wrong = target("wrong-ca", "localhost", "?sslmode=verify-full&sslrootcert=" + otherCa.caCert());
             TargetConnection plain = target("plain", "127.0.0.1", "")) {
            assertThatThrownBy(wrong::get)
                    .isInstanceOf(TargetConnection.NotConnectedException.class)
                    .satisfies(e -> {
                        String message = e.getMessage();
                        assertThat(message).contains("TLS").contains("certificate").contains("sslrootcert")
                                .doesNotContain("\n").doesNotContain("Exception").doesNotContain(pg.superuserPassword());
                        assertThat(message.length()).isLessThan(400);
                    });
            assertThat(ServerInfoReader.read(plain.get()).majorVersion()).isEqualTo(pg.majorVersion());
        }
    }
}
