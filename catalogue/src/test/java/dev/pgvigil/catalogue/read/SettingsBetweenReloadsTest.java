package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.Setting;
import dev.pgvigil.schema.SnapshotRef;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pg_settings is read on a connection's first snapshot and again only after the session loaded the configuration
 * files: until then every snapshot carries the settings the session sees, which are the ones read before. Each
 * expectation is held to what the reading session itself sees at that moment, and the reads are counted by
 * pg_stat_statements.
 */
class SettingsBetweenReloadsTest {
    private static LocalPostgres pg;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        pg.execute("postgres", "CREATE EXTENSION pg_stat_statements");
    }

    @AfterEach
    void resetConfiguration() {
        pg.execute("postgres", "ALTER SYSTEM RESET ALL", "SELECT pg_reload_conf()");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void settingsAreReadAgainOnlyAfterTheSessionReloadsTheConfiguration() throws Exception {
        SnapshotReader reader = reader();
        try (Connection c = pg.connect("postgres"); Connection admin = pg.connect("postgres")) {
            String workMem = setting(reader.read(c, ref(), reader.server(c), ReadListener.NONE), "work_mem").getSetting();
            assertThat(workMem).isEqualTo(seen(c, "work_mem"));
            long reads = settingsReads(admin);

            reader.read(c, ref(), reader.server(c), ReadListener.NONE);
            execute(admin, "ALTER SYSTEM SET work_mem = '7MB'", "ALTER SYSTEM SET shared_buffers = '64MB'");
            Snapshot beforeReload = reader.read(c, ref(), reader.server(c), ReadListener.NONE);
            assertThat(settingsReads(admin)).as("no reload, no read").isEqualTo(reads);
            assertThat(setting(beforeReload, "work_mem").getSetting()).as("what the session sees").isEqualTo(seen(c, "work_mem")).isEqualTo(workMem);
            assertThat(setting(beforeReload, "shared_buffers").getPendingRestart()).isFalse();

            execute(admin, "SELECT pg_reload_conf()");
            awaitReload(c, "7MB");
            Snapshot afterReload = reader.read(c, ref(), reader.server(c), ReadListener.NONE);
            assertThat(settingsReads(admin)).as("read again after the reload").isEqualTo(reads + 1);
            assertThat(setting(afterReload, "work_mem").getSetting()).isEqualTo(seen(c, "work_mem")).isEqualTo("7168");
            assertThat(setting(afterReload, "work_mem").getNormalizedValue()).isEqualTo(7.0 * 1024 * 1024);
            assertThat(setting(afterReload, "shared_buffers").getPendingRestart()).as("a restart-only change shows after the reload").isTrue();

            reader.read(c, ref(), reader.server(c), ReadListener.NONE);
            assertThat(settingsReads(admin)).isEqualTo(reads + 1);
        }
    }

    @Test
    void aNewConnectionReadsTheSettingsAfresh() throws Exception {
        SnapshotReader reader = reader();
        try (Connection admin = pg.connect("postgres")) {
            try (Connection first = pg.connect("postgres")) {
                reader.read(first, ref(), reader.server(first), ReadListener.NONE);
            }
            long reads = settingsReads(admin);
            execute(admin, "ALTER DATABASE postgres SET work_mem = '9MB'");
            try (Connection second = pg.connect("postgres")) {
                Snapshot s = reader.read(second, ref(), reader.server(second), ReadListener.NONE);
                assertThat(settingsReads(admin)).isEqualTo(reads + 1);
                assertThat(setting(s, "work_mem").getSetting()).isEqualTo(seen(second, "work_mem")).isEqualTo("9216");
            } finally {
                execute(admin, "ALTER DATABASE postgres RESET work_mem");
            }
        }
    }

    /** A backend loads the files between commands once signalled; the setting it shows says when it has. */
    private static void awaitReload(Connection c, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!shown(c, "work_mem").equals(expected)) {
            assertThat(System.nanoTime()).as("the session loads the configuration within 10 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static long settingsReads(Connection admin) throws SQLException {
        try (Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE '%/* pgvigil */ name,%FROM pg_settings%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The setting in pg_settings' own words (work_mem in kB), as the session {@code c} sees it. */
    private static String seen(Connection c, String name) throws SQLException {
        try (var ps = c.prepareStatement("SELECT setting FROM pg_settings WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static String shown(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(Connection c, String... sqls) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : sqls) {
                st.execute(sql);
            }
        }
    }

    private static Setting setting(Snapshot s, String name) {
        return s.settings().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
    }

    private static SnapshotReader reader() {
        return new SnapshotReader(new SnapshotReader.Options(1000, new ActivityReader.Options(10, 0, 1000), 6, Duration.ZERO), DatabaseScope.ALL);
    }

    private static SnapshotRef ref() {
        return new SnapshotRef("test", UUID.randomUUID().toString(), Instant.now());
    }
}
