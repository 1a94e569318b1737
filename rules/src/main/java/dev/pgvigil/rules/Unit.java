package dev.pgvigil.rules;

/** How a rule's value reads to a person. */
public enum Unit {
    RATIO, MILLISECONDS, SECONDS, COUNT, INTERVALS, FACTOR, ROWS_PER_SCAN;

    public String format(double value) {
        return switch (this) {
            case RATIO -> Format.percent(value);
            case MILLISECONDS -> Format.millis(value);
            case SECONDS -> Format.seconds(value);
            case COUNT -> Format.count(Math.round(value));
            case INTERVALS -> Format.decimal(value) + " intervals";
            case FACTOR -> Format.decimal(value) + "x";
            case ROWS_PER_SCAN -> Format.count(Math.round(value)) + " rows per scan";
        };
    }
}
