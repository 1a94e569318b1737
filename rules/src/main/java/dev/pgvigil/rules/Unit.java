package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;

/** How a rule's value reads to a person. */
public enum Unit {
    RATIO, MILLISECONDS, SECONDS, COUNT, INTERVALS, FACTOR, ROWS_PER_SCAN, BYTES;

    public String format(double value) {
        return switch (this) {
            case RATIO -> Human.percent(value);
            case MILLISECONDS -> Human.millis(value);
            case SECONDS -> Human.seconds(value);
            case COUNT -> Human.count(Math.round(value));
            case INTERVALS -> Human.number(value, 2) + " intervals";
            case FACTOR -> Human.number(value, 2) + "x";
            case ROWS_PER_SCAN -> Human.count(Math.round(value)) + " rows per scan";
            case BYTES -> Human.bytes(Math.round(value));
        };
    }
}
