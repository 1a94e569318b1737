package dev.pgvigil.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throwaway PostgreSQL cluster started from the system's binaries ({@code /usr/lib/postgresql/N/bin},
 * or {@code PGVIGIL_PG_BIN}), or from a given major version's (see {@link PostgresBinaries#of}): initdb into a temporary folder, listen on a free loopback port, stop and
 * delete on close. {@code pg_stat_statements} is preloaded. As root, the server runs as the
 * {@code postgres} OS user through {@code runuser}, since initdb refuses root.
 *
 * <p>Password authentication is on for TCP (scram-sha-256), as on a real server, so tests can check
 * that credentials never leak.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    public static final String SUPERUSER = "postgres";

    private final PostgresBinaries binaries;
    private final Path dataDir;
    private final int port;
    private final String superuserPassword;
    private final boolean asPostgresUser;
    private final Thread shutdownHook;
    private volatile boolean running;

    private LocalPostgres(PostgresBinaries binaries, Path dataDir, int port, String superuserPassword, boolean asPostgresUser) {
        this.binaries = binaries;
        this.dataDir = dataDir;
        this.port = port;
        this.superuserPassword = superuserPassword;
        this.asPostgresUser = asPostgresUser;
        this.shutdownHook = new Thread(this::stopQuietly, "pgvigil-postgres-stop");
    }

    /**
     * Settings beyond the defaults, written to postgresql.conf; e.g. {@code max_connections=200}.
     *
     * @param tls when set, the server turns on {@code ssl} with this certificate and key (copied into the
     *     data folder, 0600 and owned by the server's OS user, as PostgreSQL demands); null for none
     */
    public record Options(List<String> extraSettings, ThrowawayTls.Pem tls) {
        public Options(List<String> extraSettings) {
            this(extraSettings, null);
        }

        public static Options defaults() {
            return new Options(List.of());
        }

        public Options withTls(ThrowawayTls.Pem pem) {
            return new Options(extraSettings, pem);
        }
    }

    public static LocalPostgres start() {
        return start(Options.defaults());
    }

    public static LocalPostgres start(Options options) {
        return start(PostgresBinaries.system().orElseThrow(() -> new IllegalStateException(
                "no PostgreSQL server binaries found: install postgresql (Debian) or set PGVIGIL_PG_BIN")), options);
    }

    /** A cluster of the given major version (13 to 18), the system's when installed, else from its Maven jar. */
    public static LocalPostgres start(int major, Options options) {
        return start(PostgresBinaries.of(major), options);
    }

    private static LocalPostgres start(PostgresBinaries bin, Options options) {
        boolean root = runningAsRoot();
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        LocalPostgres pg = new LocalPostgres(bin, newDataDir(root), EmbeddedKafka.freePort(), password, root);
        try {
            pg.initdb();
            pg.writeConfig(options);
            pg.startServer();
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    /**
     * A cluster this project started earlier in a process that is gone (killed with -9, so its shutdown hook never
     * ran), taken over so that {@link #close()} stops its server and deletes its folder. Only a data folder of this
     * class's own making is accepted: {@code data} inside a {@code pgvigil-pg-*} folder, with a {@code PG_VERSION}.
     *
     * @return the cluster, running when its {@code postmaster.pid} names a live process; empty when the folder
     *     is not one of ours (or is gone)
     */
    public static Optional<LocalPostgres> adopt(Path dataDir) {
        Path parent = dataDir.getParent();
        if (!dataDir.getFileName().toString().equals("data") || parent == null
                || !parent.getFileName().toString().startsWith("pgvigil-pg-") || !Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
            return Optional.empty();
        }
        try {
            int major = Integer.parseInt(Files.readString(dataDir.resolve("PG_VERSION")).strip());
            List<String> pidFile = Files.isRegularFile(dataDir.resolve("postmaster.pid"))
                    ? Files.readAllLines(dataDir.resolve("postmaster.pid")) : List.of();
            // postmaster.pid: the server's pid on line 1, its port on line 4
            boolean live = pidFile.size() >= 4 && ProcessHandle.of(Long.parseLong(pidFile.get(0).strip())).map(ProcessHandle::isAlive).orElse(false);
            int port = pidFile.size() >= 4 ? Integer.parseInt(pidFile.get(3).strip()) : 0;
            LocalPostgres pg = new LocalPostgres(PostgresBinaries.of(major), dataDir, port, null, runningAsRoot());
            pg.running = live;
            return Optional.of(pg);
        } catch (IOException | NumberFormatException e) {
            log.warn("{} does not look like a cluster of ours ({}); left as it is", dataDir, e.getMessage());
            return Optional.empty();
        }
    }

    /** initdb refuses root: then the server runs as the postgres OS user. */
    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** An empty data folder (mode 0700) in a new temporary folder, both owned by the postgres OS user when run as root. */
    private static Path newDataDir(boolean root) {
        try {
            Path parent = Files.createTempDirectory("pgvigil-pg-");
            Path dataDir = parent.resolve("data");
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (root) {
                UserPrincipal postgres = postgresUser(parent);
                Files.setOwner(parent, postgres);
                Files.setOwner(dataDir, postgres);
            }
            return dataDir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a PostgreSQL data folder", e);
        }
    }

    private static UserPrincipal postgresUser(Path anywhere) throws IOException {
        return anywhere.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SUPERUSER);
    }

    /**
     * A streaming standby of this running cluster, from the same binaries, on its own port: a base backup
     * (see {@link BaseBackup}: what {@code pg_basebackup -R -C -S slot} does) that streams over a physical
     * replication slot named {@code slot}, created here. The slot's name is also the standby's
     * {@code application_name} in {@code pg_stat_replication}. Its superuser password is this cluster's.
     * Closing the standby leaves the slot on this cluster (a test can watch it retain WAL); drop it with
     * {@code pg_drop_replication_slot}.
     *
     * @param options settings for the standby on top of this cluster's (its postgresql.conf is a copy), e.g.
     *     {@code hot_standby_feedback=on}
     */
    public LocalPostgres startStandby(String slot, Options options) {
        LocalPostgres standby = new LocalPostgres(binaries, newDataDir(asPostgresUser), EmbeddedKafka.freePort(), superuserPassword,
                asPostgresUser);
        try (Connection c = connect("postgres")) {
            BaseBackup.take(c, majorVersion(), dataDir, port, standby.dataDir, slot, asPostgresUser ? postgresUser(dataDir) : null);
            standby.writeConfig(options);
            standby.startServer();
        } catch (SQLException | IOException | RuntimeException e) {
            standby.close();
            throw new IllegalStateException("cannot start a standby of the cluster on port " + port + ": " + e.getMessage(), e);
        }
        return standby;
    }

    private void initdb() {
        Path pwfile = dataDir.getParent().resolve("pwfile");
        try {
            Files.writeString(pwfile, superuserPassword + "\n", StandardCharsets.UTF_8);
            if (asPostgresUser) {
                Files.setOwner(pwfile, postgresUser(pwfile));
            }
            run(Duration.ofMinutes(2), binaries.bin().resolve("initdb").toString(), "-D", dataDir.toString(), "-U", SUPERUSER,
                    "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
                    "-E", "UTF8", "--locale=C", "--no-sync");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(pwfile);
            } catch (IOException ignored) {
                // it lives in our temp folder, deleted on close anyway
            }
        }
    }

    private void writeConfig(Options options) {
        List<String> lines = new ArrayList<>(List.of(
                "",
                "# pgvigil throwaway cluster",
                "port = " + port,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + dataDir + "'",
                "shared_preload_libraries = 'pg_stat_statements'",
                "pg_stat_statements.track = all",
                "track_io_timing = on",
                "track_activity_query_size = 4096",
                // a test cluster: durability traded for speed
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "max_connections = 100",
                "shared_buffers = 32MB",
                "log_min_messages = warning"));
        lines.addAll(options.extraSettings());
        try {
            if (options.tls() != null) {
                lines.addAll(List.of("ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'"));
                copyPrivate(options.tls().serverCert(), dataDir.resolve("server.crt"));
                copyPrivate(options.tls().serverKey(), dataDir.resolve("server.key"));
            }
            Files.write(dataDir.resolve("postgresql.conf"), lines, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write postgresql.conf or the TLS files", e);
        }
    }

    /** Copies a file the server must read and nobody else: 0600, owned by the server's OS user. */
    private void copyPrivate(Path from, Path to) throws IOException {
        Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-------"));
        if (asPostgresUser) {
            Files.setOwner(to, postgresUser(to));
        }
    }

    private void startServer() {
        run(Duration.ofMinutes(2), binaries.bin().resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "60",
                "-l", dataDir.resolve("server.log").toString(), "start");
        running = true;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        log.info("PostgreSQL ready on 127.0.0.1:{} (data in {})", port, dataDir);
    }

    /** Stops the server, keeping its data, so a test can see an instance go down and come back. */
    public void stop() {
        if (running) {
            run(Duration.ofMinutes(1), binaries.bin().resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-m", "fast", "stop");
            running = false;
            removeShutdownHook();
        }
    }

    /**
     * Crashes the server (pg_ctl restart -m immediate: no shutdown checkpoint, so PostgreSQL runs crash recovery
     * and starts with every statistics counter at zero) and starts it again on the same port and data.
     */
    public void crashRestart() {
        run(Duration.ofMinutes(2), binaries.bin().resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "60",
                "-m", "immediate", "-l", dataDir.resolve("server.log").toString(), "restart");
    }

    /** Starts a stopped server again on the same port and data. */
    public void restart() {
        if (!running) {
            startServer();
        }
    }

    public boolean isRunning() {
        return running;
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** Major version of the binaries this cluster runs, e.g. 15. */
    public int majorVersion() {
        return binaries.major();
    }

    public String superuserPassword() {
        return superuserPassword;
    }

    /** The cluster's data folder (inside a temporary folder of its own, which {@link #close()} deletes). */
    public Path dataDir() {
        return dataDir;
    }

    /** JDBC URL of a database, without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A new superuser connection to {@code database}; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        return connect(database, SUPERUSER, superuserPassword);
    }

    public Connection connect(String database, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /** Runs statements as the superuser in {@code database}, each in its own autocommit transaction. */
    public void execute(String database, String... sqls) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String sql : sqls) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + database + ": " + e.getMessage(), e);
        }
    }

    public void createDatabase(String name) {
        execute("postgres", "CREATE DATABASE " + quoteIdent(name));
    }

    private static String quoteIdent(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private void run(Duration timeout, String... command) {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
        }
        cmd.addAll(List.of(command));
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
            builder.environment().putAll(binaries.environment());
            Process p = builder.start();
            // pg_ctl's server keeps no handle on our pipe (it logs to -l), so reading to EOF is safe
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out after " + timeout);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command[0] + " failed (exit " + p.exitValue() + "): " + out.strip() + serverLogTail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command[0], e);
        }
    }

    private String serverLogTail() {
        Path logFile = dataDir.resolve("server.log");
        try {
            List<String> lines = Files.readAllLines(logFile);
            return "\nserver.log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private void stopQuietly() {
        try {
            if (running) {
                run(Duration.ofSeconds(30), binaries.bin().resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-m", "immediate", "stop");
                running = false;
            }
        } catch (RuntimeException e) {
            log.warn("PostgreSQL in {} did not stop: {}", dataDir, e.getMessage());
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs anyway
        }
    }

    @Override
    public void close() {
        stopQuietly();
        removeShutdownHook();
        Folders.deleteQuietly(dataDir.getParent());
    }
}
