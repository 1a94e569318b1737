package dev.pgvigil.alerter;

/** Rule names the alerter treats specially. The analyzer emits them; keep the two in step. */
public final class AlertRules {
    private AlertRules() {}

    /**
     * The instance cannot be reached. While it fires, the instance's other alerts are held back
     * (inhibited): they say nothing new about a server that is down.
     */
    public static final String INSTANCE_DOWN = "instance_down";
}
