package dev.pgvigil.alerter.model;

/** Why an alert is in a notification. */
public enum Change {
    /** Firing, and not announced as firing before. */
    NEW,
    /** Still firing, at another severity than last announced. */
    SEVERITY_CHANGED,
    /** Still firing, and the repeat interval has passed: a reminder. */
    REPEAT,
    /** Resolved after it was announced as firing. */
    RESOLVED,
    /** Still firing and announced already: rides along so the message shows the instance's whole picture. */
    STILL_FIRING;

    /** Whether this change alone is worth a notification (STILL_FIRING is context, not news). */
    public boolean isNews() {
        return this != STILL_FIRING;
    }

    public String describe() {
        return switch (this) {
            case NEW -> "new";
            case SEVERITY_CHANGED -> "severity changed";
            case REPEAT -> "still firing (reminder)";
            case RESOLVED -> "resolved";
            case STILL_FIRING -> "still firing";
        };
    }
}
