package dev.pgvigil.advisor;

import dev.pgvigil.common.ExitCodes;
import dev.pgvigil.common.text.Colors;
import dev.pgvigil.common.text.JsonOutput;
import dev.pgvigil.rules.Finding;
import dev.pgvigil.rules.Severity;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;

/** Where a command prints: text with colour on a terminal only, or one JSON document. */
public final class Output {
    private final PrintWriter out;
    private final Colors colors;
    private final JsonOutput json;

    public Output(PrintWriter out, Colors colors) {
        this.out = out;
        this.colors = colors;
        this.json = AdvisorJson.create();
    }

    public Colors colors() {
        return colors;
    }

    public void json(Object value) {
        json.print(out, value);
    }

    public void println(String line) {
        out.println(line);
    }

    public void println() {
        out.println();
    }

    /** Text as it is (a rendered table ends in its own newline). */
    public void print(String text) {
        out.print(text);
        out.flush();
    }

    public void heading(String title) {
        out.println(colors.bold(title));
    }

    public void flush() {
        out.flush();
    }

    /** Findings worst first: severity and kind, the object, then what was seen and what to do, indented. */
    public void findings(List<Finding> findings) {
        if (findings.isEmpty()) {
            println(colors.green("No findings."));
            return;
        }
        heading("Findings (" + findings.size() + ")");
        for (Finding f : findings.stream().sorted(Comparator.comparing(Finding::severity).reversed()).toList()) {
            String severity = String.format("%-8s", f.severity().name());
            severity = switch (f.severity()) {
                case CRITICAL -> colors.red(severity);
                case WARNING -> colors.yellow(severity);
                case INFO -> colors.dim(severity);
            };
            println("  " + severity + " " + f.kind().wireName() + "  " + f.object());
            for (String line : f.detail().split("\n")) {
                println("           " + line);
            }
            for (String line : f.recommendation().split("\n")) {
                println("           " + colors.dim("→ ") + line);
            }
        }
    }

    /** 1 when any finding is a warning or worse, else 0. */
    public static int exitCode(List<Finding> findings) {
        return findings.stream().anyMatch(f -> f.severity().atLeast(Severity.WARNING)) ? ExitCodes.FINDINGS : ExitCodes.OK;
    }
}
