package dev.pgvigil.common;

/** What pgvigil's exit codes mean, for scripts. */
public final class ExitCodes {
    private ExitCodes() {}

    /** Healthy, or the command did what was asked. */
    public static final int OK = 0;
    /** The command ran and found problems of warning severity or worse. */
    public static final int FINDINGS = 1;
    /** Bad usage, a bad configuration file, or a database/broker that cannot be reached. */
    public static final int USAGE_OR_CONNECTION = 2;
}
