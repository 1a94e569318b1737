package dev.pgvigil.catalogue.read;

import dev.pgvigil.schema.IndexStat;
import dev.pgvigil.schema.Setting;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.StatementStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs every reader against one connection and gathers a {@link Snapshot}. Each reader runs in its own
 * autocommit statement, so one that fails (a lock timeout on a table under DDL, a statement timeout)
 * costs only its own kind: it becomes a warning and the rest is still read. A lost connection is not a
 * partial result: it is thrown, and the caller reconnects.
 */
public final class SnapshotReader {
    /**
     * Limits the readers apply.
     *
     * @param indexDefinitionsRefreshEvery index definitions (and statement texts, where evictions cannot be
     *     seen) are read afresh on every this many reads (1: on every read); in between, only those of indexes
     *     whose catalogue rows changed (see {@link IndexDefinitionCache}) and of statements not seen before
     *     (see {@link StatementTexts})
     * @param sizeRefresh relation and database sizes are measured afresh at most this often; in between, only
     *     those of relations new or rewritten since (see {@link SizeCache}); zero measures them on every read
     */
    public record Options(int queryTextMaxLength, ActivityReader.Options activity, int indexDefinitionsRefreshEvery, Duration sizeRefresh) {
        public Options {
            if (indexDefinitionsRefreshEvery < 1) {
                throw new IllegalArgumentException("indexDefinitionsRefreshEvery must be at least 1, not " + indexDefinitionsRefreshEvery);
            }
            if (sizeRefresh == null || sizeRefresh.isNegative()) {
                throw new IllegalArgumentException("sizeRefresh must be zero or more, not " + sizeRefresh);
            }
        }

        /** Every index definition read and every size measured afresh on every read: for one-off snapshots. */
        public Options(int queryTextMaxLength, ActivityReader.Options activity) {
            this(queryTextMaxLength, activity, 1, Duration.ZERO);
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T run() throws SQLException;
    }

    private final Options options;
    private final DatabaseScope scope;
    /** Definitions of the last snapshot's indexes, for those whose table is locked when the next is read. */
    private Map<Long, IndexStat> previousIndexes = Map.of();
    private final IndexDefinitionCache definitions = new IndexDefinitionCache();
    private final StatementTexts texts = new StatementTexts();
    private final ClusterStatements cluster;
    /** When the counters this reader used last were read: it never takes a shared read older than that. */
    private Instant statementsReadAt;
    private final SizeCache sizes;
    /** The settings last read on this connection, and the configuration load they reflect: see {@link #settings}. */
    private List<Setting> lastSettings;
    private Instant lastSettingsLoadTime;
    /** The connection the cached definitions and texts were read on, and how many reads have used them. */
    private Connection definitionsConnection;
    private int definitionsReads;

    public SnapshotReader(Options options, DatabaseScope scope) {
        this(options, scope, null);
    }

    /** @param cluster what this reader shares of pg_stat_statements with the readers of the cluster's other databases, or null */
    public SnapshotReader(Options options, DatabaseScope scope, ClusterStatements cluster) {
        this.options = options;
        this.scope = scope;
        this.cluster = cluster;
        this.sizes = new SizeCache(options.sizeRefresh());
    }

    /** The index definitions this reader holds: for tests. */
    IndexDefinitionCache indexDefinitions() {
        return definitions;
    }

    /** The statement texts this reader holds: for tests. */
    StatementTexts statementTexts() {
        return texts;
    }

    /** Server version, start time and database: read first, as it decides how the rest is read and sent. */
    public ServerInfo server(Connection c) throws SQLException {
        return ServerInfoReader.read(c); // if this fails, nothing else will work either
    }

    /**
     * Reads every kind, telling {@code listener} of each as soon as it is in. The big kinds come first
     * and the database kind (a slow query with few rows) after them, so the records of the last big kind
     * can be built while it runs.
     */
    public Snapshot read(Connection c, SnapshotRef ref, ServerInfo server, ReadListener listener) throws SQLException {
        if (c != definitionsConnection) {
            forget();
            definitionsConnection = c;
            definitionsReads = 0;
        } else if (definitionsReads >= options.indexDefinitionsRefreshEvery()) {
            definitions.clear();
            texts.refresh();
            definitionsReads = 0;
        }
        try {
            return readAll(c, ref, server, listener);
        } catch (SQLException | RuntimeException e) {
            forget();
            throw e;
        }
    }

    /** Everything kept from earlier reads: on a new connection, and after a read that failed. */
    private void forget() {
        definitions.clear();
        texts.clear();
        sizes.clear();
        lastSettings = null;
    }

    private Snapshot readAll(Connection c, SnapshotRef ref, ServerInfo server, ReadListener listener) throws SQLException {
        long start = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        sizes.startRead(start);

        Optional<StatementsView> view = Optional.ofNullable(attempt("statements", warnings, () -> StatementsReader.find(c).orElse(null)));
        var statements = view.isEmpty() ? null : attempt("statements", warnings,
                () -> statements(c, view.get()));
        if (statements == null) {
            texts.clear();
        }
        if (view.isEmpty() && warnings.stream().noneMatch(w -> w.startsWith("statements:"))) {
            warnings.add("statements: pg_stat_statements is not installed in database " + server.database()
                    + ", so statement statistics are not collected (CREATE EXTENSION pg_stat_statements; it must also be in shared_preload_libraries)");
        }
        var resetAt = statements == null ? null : attempt("statements", warnings, () -> StatementsReader.statsReset(c, view.get()));
        if (statements != null) {
            // counters another database's reader read for this one, before this snapshot began, carry their own time
            listener.statements(statements, statementsReadAt.isBefore(ref.getCollectedAt()) ? statementsReadAt : ref.getCollectedAt());
        }

        var indexes = attempt("indexes", warnings, () -> IndexesReader.read(c, previousIndexes, definitions, sizes.indexes));
        if (indexes == null) {
            definitions.clear();
            sizes.indexes.clear();
            sizes.tables.clear(); // the tables query now measures its indexes' sizes itself
        } else {
            definitionsReads++;
            previousIndexes = indexes.stream().collect(Collectors.toMap(IndexStat::getIndexRelid, i -> i, (a, b) -> a));
            listener.indexes(indexes);
        }
        var tables = attempt("tables", warnings, () -> TablesReader.read(c, server.versionNum(), indexes, sizes.tables));
        if (tables == null) {
            sizes.tables.clear();
        } else {
            listener.tables(tables);
        }
        var databases = attempt("database", warnings, () -> DatabaseReader.read(c, scope, sizes.databases));
        if (databases == null) {
            sizes.databases.clear();
        } else {
            listener.databases(databases);
        }
        var activity = attempt("activity", warnings, () -> ActivityReader.read(c, ref, options.activity(), scope));
        if (activity != null) {
            listener.activity(activity);
        }
        var settings = settings(c, server, warnings);
        if (settings != null) {
            listener.settings(settings);
        }
        var replication = attempt("replication", warnings, () -> ReplicationReader.read(c, ref, server.versionNum()));
        if (replication != null) {
            listener.replication(replication);
        }
        return new Snapshot(ref, server, statements != null, resetAt, databases, statements, tables, indexes, activity, settings,
                warnings, Duration.ofNanos(System.nanoTime() - start), replication);
    }

    /** This reader's statements, from counters it reads itself or that a reader of the same cluster read just before. */
    private List<StatementStat> statements(Connection c, StatementsView view) throws SQLException {
        StatementsReader.Counters counters = cluster != null && cluster.sharesCounters()
                ? cluster.counters(view, statementsReadAt, () -> StatementsReader.counters(c, view, DatabaseScope.ALL))
                : StatementsReader.counters(c, view, scope);
        List<StatementStat> statements = StatementsReader.statements(c, view, options.queryTextMaxLength(), scope, counters, texts, cluster);
        statementsReadAt = counters.readAt();
        return statements;
    }

    /**
     * The settings as this session sees them. They change only when the session loads the configuration files
     * again (ALTER SYSTEM and edited files take a reload, and so does pending_restart), so until
     * pg_conf_load_time moves the last read stands; a restarted server is a new connection. This saves reading
     * pg_settings, which builds every one of the server's few hundred settings, on almost every cycle.
     */
    private List<Setting> settings(Connection c, ServerInfo server, List<String> warnings) throws SQLException {
        if (lastSettings == null || server.configLoadTime() == null || !server.configLoadTime().equals(lastSettingsLoadTime)) {
            lastSettings = attempt("settings", warnings, () -> SettingsReader.read(c));
            lastSettingsLoadTime = server.configLoadTime();
        }
        return lastSettings;
    }

    private static <T> T attempt(String kind, List<String> warnings, Read<T> read) throws SQLException {
        try {
            return read.run();
        } catch (SQLException e) {
            if (connectionLost(e)) {
                throw e;
            }
            warnings.add(kind + ": " + explain(e));
            return null;
        }
    }

    /** Class 08 (connection exception), 57P01-57P03 (server shutting down or starting). */
    public static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    private static String explain(SQLException e) {
        String message = firstLine(e.getMessage());
        if ("55000".equals(e.getSQLState()) && message.contains("pg_stat_statements")) {
            return "pg_stat_statements is installed but not loaded (add it to shared_preload_libraries and restart): " + message;
        }
        if ("57014".equals(e.getSQLState())) {
            return "statement timeout: " + message;
        }
        if ("55P03".equals(e.getSQLState())) {
            return "lock timeout (a table is locked by DDL?): " + message;
        }
        return message + " [" + e.getSQLState() + "]";
    }

    /** An error message's first line (PostgreSQL adds DETAIL and HINT lines). */
    public static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl >= 0 ? message.substring(0, nl) : message;
    }
}
