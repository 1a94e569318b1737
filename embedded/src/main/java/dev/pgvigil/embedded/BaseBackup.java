package dev.pgvigil.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * A base backup of a running cluster into an empty data folder, ready to start as a streaming standby:
 * what {@code pg_basebackup -R -C -S <slot> -X stream} does, done with the low-level API
 * ({@code pg_backup_start}, a file copy, {@code pg_backup_stop}) because the Maven binaries of the other
 * versions ship no {@code pg_basebackup}. The slot is created first and reserves WAL at once, so the
 * standby streams everything from the backup's start, with an empty {@code pg_wal}.
 */
final class BaseBackup {
    private BaseBackup() {}

    /** Left out of the copy, as pg_basebackup leaves them out: the running server's own files. */
    private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "server.log", "backup_label",
            "tablespace_map", "standby.signal", "recovery.signal", "postgresql.auto.conf.tmp");
    /** Copied as empty folders: WAL comes by streaming, the rest is rebuilt at start. */
    private static final Set<String> EMPTIED_FOLDERS = Set.of("pg_wal", "pg_replslot", "pg_stat_tmp", "pg_dynshmem", "pg_notify",
            "pg_serial", "pg_snapshots", "pg_subtrans");

    /**
     * Backs {@code source} (the data folder of the server behind {@code primary}) up into {@code target},
     * which exists and is empty, and writes the standby's connection to the primary: its Unix socket in
     * {@code source}, trusted locally.
     *
     * @param owner who must own the copy (the postgres OS user when run as root), or null
     */
    static void take(Connection primary, int major, Path source, int primaryPort, Path target, String slot, UserPrincipal owner)
            throws SQLException, IOException {
        try (Statement s = primary.createStatement()) {
            s.execute("SELECT pg_create_physical_replication_slot('" + slot.replace("'", "''") + "', true)");
            // the functions were renamed in 15; 13 and 14 take a third argument, exclusive = false
            s.execute(major >= 15 ? "SELECT pg_backup_start('pgvigil standby', true)" : "SELECT pg_start_backup('pgvigil standby', true, false)");
            copy(source, target, owner);
            String stop = major >= 15 ? "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)"
                    : "SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)";
            try (ResultSet rs = s.executeQuery(stop)) {
                rs.next();
                write(target.resolve("backup_label"), rs.getString("labelfile"), owner);
                String spcmap = rs.getString("spcmapfile");
                if (spcmap != null && !spcmap.isEmpty()) {
                    write(target.resolve("tablespace_map"), spcmap, owner);
                }
            }
        }
        write(target.resolve("standby.signal"), "", owner);
        Files.write(target.resolve("postgresql.auto.conf"), List.of(
                "primary_conninfo = 'host=''" + source + "'' port=" + primaryPort + " user=" + LocalPostgres.SUPERUSER
                        + " application_name=" + slot + "'",
                "primary_slot_name = '" + slot + "'"), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }

    private static void copy(Path source, Path target, UserPrincipal owner) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path to = target.resolve(source.relativize(dir).toString());
                if (!dir.equals(source)) {
                    Files.createDirectory(to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    own(to, owner);
                }
                if (EMPTIED_FOLDERS.contains(dir.getFileName().toString()) && dir.getParent().equals(source)) {
                    if (dir.getFileName().toString().equals("pg_wal")) {
                        Path status = Files.createDirectory(to.resolve("archive_status"));
                        own(status, owner);
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isRegularFile() || SKIPPED_FILES.contains(file.getFileName().toString())) {
                    return FileVisitResult.CONTINUE; // sockets, and the server's own files
                }
                Path to = target.resolve(source.relativize(file).toString());
                try {
                    Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    own(to, owner);
                } catch (NoSuchFileException gone) {
                    // removed while we copied (a temporary file): the backup does not need it
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    private static void write(Path file, String content, UserPrincipal owner) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        own(file, owner);
    }

    private static void own(Path path, UserPrincipal owner) throws IOException {
        if (owner != null) {
            Files.setOwner(path, owner);
        }
    }
}
