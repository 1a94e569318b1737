package dev.pgvigil.embedded;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The PostgreSQL major versions pgvigil supports, every one of which the default suite runs on, and one
 * cluster per version for a test class (started on first use, as it was set up; closed together).
 */
public final class PostgresMatrix implements AutoCloseable {
    /** For {@code @MethodSource("dev.pgvigil.embedded.PostgresMatrix#majors")}. */
    public static final List<Integer> MAJORS = List.of(13, 14, 15, 16, 17, 18);

    private final LocalPostgres.Options options;
    private final Consumer<LocalPostgres> setup;
    private final Map<Integer, LocalPostgres> clusters = new TreeMap<>();

    public PostgresMatrix(LocalPostgres.Options options, Consumer<LocalPostgres> setup) {
        this.options = options;
        this.setup = setup;
    }

    public static List<Integer> majors() {
        return MAJORS;
    }

    /** This class's cluster of {@code major}, set up by the first caller. */
    public synchronized LocalPostgres cluster(int major) {
        LocalPostgres pg = clusters.get(major);
        if (pg == null) {
            pg = LocalPostgres.start(major, options);
            clusters.put(major, pg);
            setup.accept(pg);
        }
        return pg;
    }

    @Override
    public synchronized void close() {
        clusters.values().forEach(LocalPostgres::close);
        clusters.clear();
    }
}
