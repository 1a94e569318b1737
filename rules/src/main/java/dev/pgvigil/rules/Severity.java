package dev.pgvigil.rules;

/** How bad a violation or finding is; ordered, so {@code compareTo} ranks them. */
public enum Severity {
    INFO, WARNING, CRITICAL;

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
