package dev.pgvigil.rules;

/** Small text helpers for messages. */
public final class Text {
    private Text() {}

    /** {@code s} on one line, cut to {@code max} characters with an ellipsis. */
    public static String abbreviate(String s, int max) {
        String oneLine = s.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, Math.max(0, max - 1)) + "…";
    }
}
