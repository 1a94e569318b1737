package dev.pgvigil.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run folders of dead runs are cleared, their demo PostgreSQL stopped; a live run's, or an unknown one's, never. */
class LeftoversTest {
    @Test
    void aDeadRunsServerIsStoppedAndItsFoldersDeleted(@TempDir Path cache) throws Exception {
        Path live = Leftovers.newRun(cache);
        Path unowned = Files.createDirectory(cache.resolve("standalone-being-created"));
        Path dead = Files.createDirectory(cache.resolve("standalone-killed"));
        long deadPid = finishedProcessPid();
        Files.writeString(dead.resolve("owner"), deadPid + "\n2020-01-01T00:00:00Z\n");
        try (LocalPostgres pg = LocalPostgres.start()) {
            Leftovers.recordDemo(dead, pg.dataDir());

            List<String> cleared = Leftovers.clear(cache);

            assertThat(cleared).singleElement().asString()
                    .contains("process " + deadPid, "stopped its demo PostgreSQL on port " + pg.port(), dead.toString());
            assertThat(StandaloneTest.listening(pg.port())).as("the dead run's server is stopped").isFalse();
            assertThat(pg.dataDir().getParent()).as("its cluster's folder").doesNotExist();
            assertThat(dead).doesNotExist();
            assertThat(live).as("this process's run").isDirectory();
            assertThat(unowned).as("a run that records no process yet").isDirectory();
        }
    }

    @Test
    void aRecordedFolderThatIsNotOneOfOurClustersIsLeftAlone(@TempDir Path cache, @TempDir Path elsewhere) throws Exception {
        Path notOurs = Files.createDirectories(elsewhere.resolve("data"));
        Files.writeString(notOurs.resolve("PG_VERSION"), "15\n");
        Path dead = Files.createDirectory(cache.resolve("standalone-killed"));
        Files.writeString(dead.resolve("owner"), finishedProcessPid() + "\n2020-01-01T00:00:00Z\n");
        Leftovers.recordDemo(dead, notOurs);

        assertThat(Leftovers.clear(cache)).singleElement().asString().doesNotContain("PostgreSQL");

        assertThat(dead).doesNotExist();
        assertThat(notOurs.resolve("PG_VERSION")).exists();
    }

    @Test
    void aRunOfThisProcessIsLeftAlone(@TempDir Path cache) {
        Path run = Leftovers.newRun(cache);
        assertThat(Leftovers.clear(cache)).isEmpty();
        assertThat(run).isDirectory();
    }

    /** The pid of a process that has exited (not reused yet, most likely; a reuse would not match the start instant anyway). */
    private static long finishedProcessPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
