package dev.pgvigil.common.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An aligned plain-text table for terminal output: a header, a dashed rule, then rows; text columns
 * left-aligned, number columns right-aligned, two spaces between columns. Cells may carry ANSI colour
 * (from {@link Colors}): widths are measured without the escape codes.
 *
 * <pre>
 * TextTable t = new TextTable().left("table").right("size").right("rows");
 * t.row("public.orders", Human.bytes(8_192_000), Human.count(100_000));
 * out.print(t.render());
 * </pre>
 */
public final class TextTable {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    private record Column(String header, boolean rightAligned) {}

    private final List<Column> columns = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();
    private String indent = "";

    /** Adds a left-aligned (text) column. */
    public TextTable left(String header) {
        columns.add(new Column(header, false));
        return this;
    }

    /** Adds a right-aligned (number) column. */
    public TextTable right(String header) {
        columns.add(new Column(header, true));
        return this;
    }

    /** Prefixes every line, e.g. two spaces to nest a table under a heading. */
    public TextTable indent(String prefix) {
        this.indent = prefix;
        return this;
    }

    /** Adds a row; {@code null} prints as empty, anything else by {@code toString()}. */
    public TextTable row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + columns.size() + " columns");
        }
        List<String> row = new ArrayList<>(cells.length);
        for (Object cell : cells) {
            row.add(cell == null ? "" : cell.toString());
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public int rowCount() {
        return rows.size();
    }

    /** The table as lines ending in '\n'; an empty table renders its header only. */
    public String render() {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            widths[c] = width(columns.get(c).header());
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], width(row.get(c)));
            }
        }
        StringBuilder sb = new StringBuilder();
        List<String> headers = columns.stream().map(Column::header).toList();
        line(sb, headers, widths);
        List<String> rules = new ArrayList<>();
        for (int width : widths) {
            rules.add("-".repeat(width));
        }
        line(sb, rules, widths);
        for (List<String> row : rows) {
            line(sb, row, widths);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder(indent);
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            int pad = widths[c] - width(cell);
            boolean last = c == cells.size() - 1;
            if (c > 0) {
                line.append("  ");
            }
            if (columns.get(c).rightAligned()) {
                line.append(" ".repeat(pad)).append(cell);
            } else {
                line.append(cell);
                if (!last) {
                    line.append(" ".repeat(pad));
                }
            }
        }
        sb.append(stripTrailing(line)).append('\n');
    }

    private static String stripTrailing(StringBuilder line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        return line.substring(0, end);
    }

    /** Display width: code points, without ANSI escape codes. */
    static int width(String text) {
        String plain = ANSI.matcher(text).replaceAll("");
        return plain.codePointCount(0, plain.length());
    }
}
