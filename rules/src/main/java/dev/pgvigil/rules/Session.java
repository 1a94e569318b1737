package dev.pgvigil.rules;

import java.util.List;
import java.util.Locale;

/** One session of pg_stat_activity worth a look (ages in seconds, null when unknown). */
public record Session(int pid, String database, String user, String application, String state, String waitEventType,
                      Double xactAgeSeconds, Double queryAgeSeconds, Double stateAgeSeconds, List<Integer> blockedBy, String query) {
    public Session {
        blockedBy = blockedBy == null ? List.of() : List.copyOf(blockedBy);
    }

    public boolean idleInTransaction() {
        return state != null && state.toLowerCase(Locale.ROOT).startsWith("idle in transaction");
    }

    public boolean active() {
        return "active".equals(state);
    }

    public boolean blocked() {
        return !blockedBy.isEmpty();
    }

    /** "pid 123 (alice@shop, app)" for messages. */
    public String describe() {
        StringBuilder sb = new StringBuilder("pid ").append(pid);
        if (user != null || database != null) {
            sb.append(" (").append(user == null ? "?" : user).append('@').append(database == null ? "?" : database);
            if (application != null && !application.isBlank()) {
                sb.append(", ").append(application);
            }
            sb.append(')');
        }
        return sb.toString();
    }

    static double orZero(Double d) {
        return d == null ? 0 : d;
    }
}
