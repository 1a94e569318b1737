package dev.pgvigil.bench;

import dev.pgvigil.embedded.LocalPostgres;

/**
 * The large database the benchmarks read: 2,000 tables {@code t1 … t2000} (each with a primary key, an index on
 * {@code a} and 20 rows), so 4,000 indexes, and 5,000 distinct statements in pg_stat_statements. The server needs
 * {@code pg_stat_statements.max} of at least 5,000 (10,000 leaves room for the workload's own).
 */
public final class LargeDatabase {
    public static final int TABLES = 2_000;
    public static final int STATEMENTS = 5_000;

    private LargeDatabase() {}

    /** Fills {@code database} and resets pg_stat_statements, so only the 5,000 statements (and what follows) are in it. */
    public static void populate(LocalPostgres pg, String database) {
        pg.execute(database, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        // batches keep one transaction's locks well under max_locks_per_transaction
        for (int from = 1; from <= TABLES; from += 100) {
            pg.execute(database, """
                    DO $$
                    BEGIN
                      FOR t IN %d..%d LOOP
                        EXECUTE format('CREATE TABLE t%%s (id int PRIMARY KEY, a int, b text)', t);
                        EXECUTE format('CREATE INDEX t%%s_a ON t%%s (a)', t, t);
                        EXECUTE format('INSERT INTO t%%s SELECT i, i %%%% 7, md5(i::text) FROM generate_series(1, 20) i', t);
                      END LOOP;
                    END $$""".formatted(from, Math.min(TABLES, from + 99)));
        }
        int shapes = STATEMENTS / (TABLES / 2);
        pg.execute(database, "SELECT pg_stat_statements_reset()"); // the setup's DDL is not the workload
        pg.execute(database, """
                DO $$
                BEGIN
                  FOR t IN 1..%d LOOP
                    FOR k IN 1..%d LOOP
                      EXECUTE format('SELECT id %%s FROM t%%s WHERE a = 3 ORDER BY id', repeat(', a + 1', k - 1), t);
                    END LOOP;
                  END LOOP;
                END $$""".formatted(TABLES / 2, shapes));
        pg.execute(database, "ANALYZE");
    }
}
