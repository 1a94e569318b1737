package dev.pgvigil.catalogue.ask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.catalogue.read.IndexesReader;
import dev.pgvigil.embedded.LocalPostgres;
import dev.pgvigil.schema.IndexStat;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every question of {@code catalogue.ask}, asked as the role the docs tell a DBA to create: {@code pg_monitor}
 * plus SELECT on the tables (what suggest-indexes and explain document). The schema has what trips name
 * handling up: a mixed-case table and column, an expression index, sub-partitioned and partition-less
 * partitioned tables.
 */
class QuestionsAsMonitorTest {
    private static final String DB = "questions";
    private static final String ROLE = "watcher";
    /** pg_monitor and nothing else: what report and analyze-table document they need. */
    private static final String BARE = "bare_monitor";
    private static final String PASSWORD = "watcher-pw";
    private static final int ROWS = 2000;

    static LocalPostgres pg;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        pg.createDatabase(DB);
        pg.execute(DB,
                "CREATE EXTENSION pg_stat_statements",
                "CREATE EXTENSION hypopg",
                "CREATE SCHEMA app",
                "CREATE TABLE app.\"Orders\" (id int PRIMARY KEY, \"CustomerId\" int NOT NULL, note text DEFAULT 'x', created date)"
                        + " WITH (fillfactor = 90)",
                "CREATE INDEX orders_customer ON app.\"Orders\" (\"CustomerId\", created) INCLUDE (note)",
                "CREATE INDEX orders_note ON app.\"Orders\" (lower(note), id)",
                "INSERT INTO app.\"Orders\" SELECT i, i % 100, CASE WHEN i % 10 = 0 THEN NULL ELSE 'n' || i END, date '2024-01-01' + i % 300"
                        + " FROM generate_series(1, " + ROWS + ") i",
                "CREATE TABLE app.parted (id int, k int) PARTITION BY RANGE (id)",
                "CREATE INDEX parted_k ON app.parted (k)",
                "CREATE TABLE app.parted_1 PARTITION OF app.parted FOR VALUES FROM (0) TO (1000) PARTITION BY RANGE (id)",
                "CREATE TABLE app.parted_1a PARTITION OF app.parted_1 FOR VALUES FROM (0) TO (500)",
                "INSERT INTO app.parted SELECT i, i % 7 FROM generate_series(0, 499) i",
                "CREATE TABLE app.parted_empty (id int) PARTITION BY RANGE (id)",
                "CREATE INDEX parted_empty_id ON app.parted_empty (id)",
                "ANALYZE",
                "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'",
                "GRANT pg_monitor TO " + ROLE,
                "GRANT USAGE ON SCHEMA app TO " + ROLE,
                "GRANT SELECT ON ALL TABLES IN SCHEMA app TO " + ROLE,
                "ALTER ROLE " + ROLE + " SET search_path = app, public",
                "CREATE ROLE " + BARE + " LOGIN PASSWORD '" + PASSWORD + "'",
                "GRANT pg_monitor TO " + BARE);
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    private static Connection monitor() throws SQLException {
        return pg.connect(DB, ROLE, PASSWORD);
    }

    private static UserTable orders(Connection c) throws SQLException {
        return UserTable.all(c).stream().filter(t -> t.name().equals("Orders")).findFirst().orElseThrow();
    }

    @Test
    void tablesAndSearchPathAreAsStored() throws SQLException {
        try (Connection c = monitor()) {
            Map<String, UserTable> tables = UserTable.all(c).stream().collect(Collectors.toMap(t -> t.schema() + "." + t.name(), t -> t));
            assertThat(tables).containsKeys("app.Orders", "app.parted", "app.parted_1", "app.parted_1a", "app.parted_empty");
            UserTable orders = tables.get("app.Orders");
            assertThat(orders.columns()).containsExactly("id", "CustomerId", "note", "created");
            assertThat(orders.estimatedRows()).isEqualTo(ROWS);
            assertThat(orders.pages()).isPositive();
            assertThat(SearchPath.of(c).schemas()).containsExactly("app", "public"); // the role's own setting
        }
    }

    @Test
    void columnStatisticsOfTheColumnsTheRoleMaySelect() throws SQLException {
        try (Connection c = monitor()) {
            Map<String, ColumnStats> stats = ColumnStats.of(c, "app", "Orders");
            assertThat(stats).containsOnlyKeys("id", "CustomerId", "note", "created");
            assertThat(stats.get("CustomerId").nDistinct()).isEqualTo(100);
            assertThat(stats.get("CustomerId").mostCommonValues()).isNotEmpty();
            assertThat(stats.get("note").nullFraction()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.01));
            assertThat(stats.get("id").distinctValues(ROWS)).isEqualTo(ROWS); // unique: n_distinct -1
            // a partitioned parent has only inherited statistics, and those are answered
            assertThat(ColumnStats.of(c, "app", "parted")).containsKeys("id", "k");
        }
    }

    @Test
    void theIndexesReaderQuotesColumnsAndGivesExpressionsAsText() throws SQLException {
        try (Connection c = monitor()) {
            Map<String, IndexStat> indexes = IndexesReader.read(c, Map.of()).stream()
                    .collect(Collectors.toMap(IndexStat::getIndexName, Function.identity()));
            assertThat(indexes.get("orders_customer").getColumns()).containsExactly("\"CustomerId\"", "created"); // INCLUDE left out
            assertThat(indexes.get("orders_note").getColumns()).containsExactly("lower(note)", "id");
            assertThat(indexes).doesNotContainKeys("parted_k", "parted_empty_id"); // partitioned indexes have no statistics
        }
    }

    @Test
    void partitionedIndexesNameAnIndexOnALeafPartition() throws SQLException {
        try (Connection c = monitor()) {
            Map<String, PartitionedIndex> parted = PartitionedIndex.all(c).stream()
                    .collect(Collectors.toMap(PartitionedIndex::name, Function.identity()));
            assertThat(parted).containsKeys("parted_k", "parted_empty_id");
            PartitionedIndex k = parted.get("parted_k");
            assertThat(k.accessMethod()).isEqualTo("btree");
            assertThat(k.valid()).isTrue();
            assertThat(k.partial()).isFalse();
            IndexStat leaf = IndexesReader.read(c, Map.of()).stream().filter(i -> i.getIndexRelid() == k.leafIndexOid()).findFirst().orElseThrow();
            assertThat(leaf.getTableName()).isEqualTo("parted_1a"); // two levels down
            assertThat(leaf.getColumns()).containsExactly("k");
            assertThat(parted.get("parted_empty_id").leafIndexOid()).isNull();
            assertThat(k.tableOid()).isEqualTo(RelationByName.find(c, "parted").orElseThrow().oid());
        }
    }

    @Test
    void namesResolveAsPostgresqlResolvesThem() throws SQLException {
        try (Connection c = monitor()) {
            RelationByName orders = RelationByName.find(c, "\"Orders\"").orElseThrow(); // along the search_path
            assertThat(orders).isEqualTo(new RelationByName(orders(c).oid(), "app", "Orders", 'r'));
            assertThat(RelationByName.find(c, "app.parted").orElseThrow().kind()).isEqualTo('p');
            assertThat(RelationByName.find(c, "app.orders_customer").orElseThrow().kind()).isEqualTo('i');
            assertThat(RelationByName.find(c, "app.orders")).isEmpty(); // folds to lower case: no such table
            assertThatThrownBy(() -> RelationByName.find(c, "x; DROP TABLE t --"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn("42601", "42602"));
            try { // a schema that does not exist: an error before PostgreSQL 16, no table since
                assertThat(RelationByName.find(c, "nowhere.t")).isEmpty();
            } catch (SQLException e) {
                assertThat(e.getSQLState()).isEqualTo("3F000");
            }
            assertThat(TablesNamedLike.of(c, "orders").qualifiedNames()).containsExactly("app.\"Orders\"");
            assertThat(TablesNamedLike.of(c, "nothing").qualifiedNames()).isEmpty();
        }
    }

    @Test
    void columnsAndConstraintsOfOneTable() throws SQLException {
        try (Connection c = monitor()) {
            long oid = orders(c).oid();
            List<TableColumn> columns = TableColumn.of(c, oid);
            assertThat(columns).extracting(TableColumn::name).containsExactly("id", "CustomerId", "note", "created");
            TableColumn customer = columns.get(1);
            assertThat(customer.type()).isEqualTo("integer");
            assertThat(customer.notNull()).isTrue();
            assertThat(customer.nDistinct()).isEqualTo(100);
            assertThat(customer.averageWidthBytes()).isEqualTo(4);
            assertThat(customer.tableEstimatedRows()).isEqualTo(ROWS);
            assertThat(columns.get(2).defaultValue()).isEqualTo("'x'::text");
            assertThat(columns.get(2).nullFraction()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.01));
            assertThat(TableConstraint.of(c, oid)).singleElement().satisfies(con -> {
                assertThat(con.type()).isEqualTo('p');
                assertThat(con.definition()).isEqualTo("PRIMARY KEY (id)");
            });
        }
    }

    @Test
    void rowWidthsForTheBloatEstimate() throws SQLException {
        try (Connection c = monitor()) {
            long oid = orders(c).oid();
            Map<Long, RowWidth> all = RowWidth.of(c, null);
            assertThat(all).containsKey(oid);
            assertThat(RowWidth.of(c, oid)).containsOnlyKeys(oid);
            RowWidth w = all.get(oid);
            assertThat(w.blockSize()).isEqualTo(8192);
            assertThat(w.fillfactor()).isEqualTo(90);
            assertThat(w.columns()).isEqualTo(4);
            assertThat(w.analyzedColumns()).isEqualTo(4);
            assertThat(w.hasNulls()).isTrue();
            assertThat(w.rowDataWidthBytes()).isBetween(4 + 4 + 4.0, 4 + 4 + 4 + 6.0); // three fixed 4-byte columns, a short text 90% of the time
        }
    }

    @Test
    void hypoPgAndPreparedStatements() throws SQLException {
        try (Connection c = monitor(); Statement s = c.createStatement()) {
            HypoPgExtension hypopg = HypoPgExtension.of(c);
            assertThat(hypopg.installed()).isTrue();
            assertThat(hypopg.schema()).isEqualTo("public");
            assertThat(hypopg.available()).isTrue();
            s.execute("PREPARE two AS SELECT * FROM \"Orders\" WHERE id = $1 AND note = $2");
            assertThat(PreparedParameterTypes.of(c, "two").types()).containsExactly("integer", "text");
            assertThat(PreparedParameterTypes.of(c, "none").types()).isEmpty();
        }
    }

    /** Without SELECT on a table its column statistics are hidden: answered as absent, not as an error. */
    @Test
    void withPgMonitorAloneStatisticsAreAbsentNotErrors() throws SQLException {
        try (Connection c = pg.connect(DB, BARE, PASSWORD)) {
            long oid = orders(c).oid();
            assertThat(ColumnStats.of(c, "app", "Orders")).isEmpty();
            assertThat(RowWidth.of(c, oid).get(oid).analyzedColumns()).isZero(); // so no bloat estimate is made
            assertThat(TableColumn.of(c, oid)).hasSize(4).allSatisfy(col -> assertThat(col.nullFraction()).isNull());
            assertThat(TableConstraint.of(c, oid)).hasSize(1);
            assertThat(PartitionedIndex.all(c)).extracting(PartitionedIndex::name).contains("parted_k");
            assertThat(IndexesReader.read(c, Map.of())).extracting(IndexStat::getIndexName).contains("orders_customer", "orders_note");
        }
    }

    @Test
    void statisticsResetNeedsTheGrantsTheMessageNames() throws SQLException {
        try (Connection c = monitor()) {
            assertThatThrownBy(() -> StatisticsReset.run(c))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        }
        pg.execute(DB, "GRANT EXECUTE ON FUNCTION pg_stat_reset() TO " + ROLE,
                "GRANT EXECUTE ON FUNCTION pg_stat_statements_reset(oid, oid, bigint) TO " + ROLE);
        try (Connection c = monitor()) {
            assertThat(StatisticsReset.run(c).statements()).isTrue();
        }
    }
}
