package dev.pgvigil.collector.cli;

import dev.pgvigil.collector.TargetRunner;
import dev.pgvigil.collector.config.CollectorConfig;
import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.collector.publish.Publication;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.schema.SnapshotStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgvigil snapshot}: one snapshot, printed instead of published. */
@Command(name = "snapshot",
        header = "Take one snapshot of a database and print what the collector would publish.",
        mixinStandardHelpOptions = true,
        description = {
                "Take one snapshot of a PostgreSQL database and print what the collector would publish: server, "
                        + "databases, top statements, tables, indexes, activity and settings. Reads as the collector does: "
                        + "read-only, with timeouts, as a role with pg_monitor."},
        footer = {"", "Examples:",
                "  PGPW=secret pgvigil snapshot --target postgresql://monitor@db1:5432/app --password-env PGPW",
                "pgvigil snapshot --target jdbc:postgresql://db1/app --user monitor --password-file ~/.pgvigil-pw "
                        + "--json",
                "", "Exit codes: 0 snapshot taken (OK or PARTIAL), 2 bad arguments or cannot connect."})
public final class SnapshotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "URL",
            description = "jdbc:postgresql://host:port/db or postgresql://user@host:port/db")
    String url;

    @Option(names = "--user", paramLabel = "USER", description = "Role to connect as (if the URL names none).")
    String user;

    static final class PasswordSource {
        @Option(names = "--password-env", paramLabel = "VAR", description = "Read the password from this environment variable.")
        String env;

        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from this file.")
        String file;
    }

    @ArgGroup(exclusive = true)
    PasswordSource password = new PasswordSource();

    @Option(names = "--id", paramLabel = "ID", defaultValue = "snapshot", description = "Instance id to put in the records (default: ${DEFAULT-VALUE}).")
    String id;

    @Option(names = "--json", description = "Print every record that would be published, as JSON grouped by topic.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TargetConfig target = TargetConfig.of(id, url, user, password.env, password.file);
        Publication publication;
        try (TargetRunner runner = new TargetRunner(target, CollectorConfig.of(List.of(target)))) {
            publication = runner.collect();
        }
        if (publication.info().getStatus() == SnapshotStatus.FAILED) {
            err.println("pgvigil: " + publication.info().getError());
            return ExitCodes.USAGE_OR_CONNECTION;
        }
        out.print(json ? SnapshotPrinter.json(publication) + "\n" : SnapshotPrinter.human(publication));
        out.flush();
        return ExitCodes.OK;
    }
}
