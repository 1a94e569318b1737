package dev.pgvigil.advisor.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs a command as the pgvigil CLI would, capturing what it prints. */
public final class Cli {
    private Cli() {}

    public record Result(int exitCode, String out, String err) {}

    public static Result run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
