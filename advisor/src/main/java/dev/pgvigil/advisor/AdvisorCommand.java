package dev.pgvigil.advisor;

import dev.pgvigil.advisor.connect.ConnectionOptions;
import dev.pgvigil.advisor.connect.TargetUnavailableException;
import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.text.Colors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A one-shot question to one database: connect (read-only), answer, print text or JSON, and return
 * 0 (healthy), 1 (findings of warning or worse) or 2 (usage or connection error). Errors are printed
 * as one clear line on stderr, never with a password in it.
 */
public abstract class AdvisorCommand implements Callable<Integer> {
    @Mixin
    protected ConnectionOptions connection;

    @Spec
    protected CommandSpec spec;

    @Override
    public final Integer call() {
        Output out = new Output(spec.commandLine().getOut(), Colors.auto());
        try {
            checkOptions();
            if (!needsDatabase()) {
                return run(null, out);
            }
            try (Connection c = connection.connect()) {
                return run(c, out);
            }
        } catch (UsageException | IllegalArgumentException e) {
            return fail(e.getMessage());
        } catch (TargetUnavailableException e) {
            return fail(e.getMessage());
        } catch (SQLException e) {
            return fail("database error: " + e.getMessage());
        } finally {
            out.flush();
        }
    }

    /** Checks that need no database (option combinations); throw {@link UsageException}. */
    protected void checkOptions() {}

    /** False for a command that answers from local files only ({@code run} then gets no connection). */
    protected boolean needsDatabase() {
        return true;
    }

    /** Answers the question on an open read-only session and returns the exit code. */
    protected abstract int run(Connection c, Output out) throws SQLException;

    protected boolean json() {
        return connection.json();
    }

    protected String instance() {
        return connection.instance();
    }

    /** Progress of slow steps, on stderr and only when a person watches a terminal. */
    protected java.util.function.Consumer<String> progress() {
        if (System.console() == null || json()) {
            return msg -> { };
        }
        return msg -> {
            spec.commandLine().getErr().println("… " + msg);
            spec.commandLine().getErr().flush();
        };
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("pgvigil " + spec.name() + ": " + message);
        spec.commandLine().getErr().flush();
        return ExitCodes.USAGE_OR_CONNECTION;
    }

    /** Bad usage found after parsing (a missing table, conflicting options): exit code 2 with this message. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
