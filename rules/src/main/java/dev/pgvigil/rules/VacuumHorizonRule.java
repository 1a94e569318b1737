package dev.pgvigil.rules;

import dev.pgvigil.common.text.Human;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The oldest xmin of an instance, held by a session's snapshot or transaction, a replication slot or a
 * prepared transaction: VACUUM removes no row version deleted after it, on any table, so while it is
 * held dead rows pile up everywhere. Judged by how long it has been held, naming the holder.
 */
public final class VacuumHorizonRule {
    private VacuumHorizonRule() {}

    /**
     * Something holding the horizon.
     *
     * @param kind session, slot or prepared
     * @param name the pid, the slot's name or the prepared transaction's gid
     * @param xminAge age(xmin) in transactions
     * @param heldSeconds how long it has held it; null when nobody can tell yet
     */
    public record Holder(String kind, String name, long xminAge, Double heldSeconds, String database, String user, String application,
                         String state) {
        /** "session pid 123 (alice@shop, psql, idle in transaction)" for messages. */
        public String describe() {
            StringBuilder sb = new StringBuilder(switch (kind) {
                case "session" -> "session pid " + name;
                case "slot" -> "replication slot " + name;
                case "prepared" -> "prepared transaction '" + name + "'";
                default -> kind + " " + name;
            });
            String details = String.join(", ", Stream.of(
                    user == null && database == null ? null : (user == null ? "?" : user) + "@" + (database == null ? "?" : database),
                    application == null || application.isBlank() ? null : application, state).filter(Objects::nonNull).toList());
            if (!details.isEmpty()) {
                sb.append(" (").append(details).append(')');
            }
            return sb.toString();
        }
    }

    /** The holder held longest (by time; among those of unknown time, by xmin age). */
    public static Optional<Holder> oldest(List<Holder> holders) {
        return holders.stream().max(Comparator.comparingDouble((Holder h) -> h.heldSeconds() == null ? -1 : h.heldSeconds())
                .thenComparingLong(Holder::xminAge));
    }

    public static Decision evaluate(List<Holder> holders, Threshold t, String subject) {
        Optional<Holder> oldest = oldest(holders).filter(h -> h.heldSeconds() != null);
        if (oldest.isEmpty()) {
            return Decision.judge(Rule.VACUUM_HORIZON_HELD, t, 0, subject);
        }
        Holder h = oldest.get();
        Decision d = Decision.judge(Rule.VACUUM_HORIZON_HELD, t, h.heldSeconds(), subject);
        return d.withMessage(m -> m + " by " + h.describe() + ", xmin age " + Human.count(h.xminAge()) + " transactions");
    }

    /** What to run to release the horizon, by kind of holder. */
    public static Optional<Finding> finding(String instance, Holder holder, Decision d) {
        if (!d.firing()) {
            return Optional.empty();
        }
        String release = switch (holder.kind()) {
            case "session" -> "SELECT pg_terminate_backend(" + holder.name() + ");";
            case "slot" -> "SELECT pg_drop_replication_slot('" + holder.name().replace("'", "''") + "');";
            case "prepared" -> "ROLLBACK PREPARED '" + holder.name().replace("'", "''") + "';";
            default -> null;
        };
        if (release == null) {
            return Optional.empty();
        }
        String why = switch (holder.kind()) {
            case "session" -> "End the session if its work can be lost, and fix the application that keeps it open: ";
            case "slot" -> "Bring the slot's consumer back; if it is abandoned, drop the slot (this cannot be undone): ";
            default -> "Connected to database " + (holder.database() == null ? "?" : Sql.quoteIdent(holder.database()))
                    + ", commit or roll back the prepared transaction (COMMIT PREPARED if its work must be kept): ";
        };
        return Optional.of(new Finding(FindingKind.VACUUM_HORIZON_HELD, d.severity(), instance, instance, d.message(), why + release,
                List.of(release)));
    }
}
