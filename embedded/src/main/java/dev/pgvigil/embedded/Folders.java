package dev.pgvigil.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting folders this project created (temporary data of brokers, clusters, state stores). */
public final class Folders {
    private Folders() {}

    /** Deletes {@code root} and everything below it, as far as it can; a missing folder is fine. */
    public static void deleteQuietly(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp folder left behind is not worth failing a shutdown
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // as above; the walk itself fails when a process still exiting removes a file under it
        }
    }
}
