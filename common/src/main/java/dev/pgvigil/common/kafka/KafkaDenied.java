package dev.pgvigil.common.kafka;

import dev.pgvigil.common.config.KafkaSettings;
import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * A refused login or a missing ACL, at start or at any time later: only an operator can fix either, so every
 * service stops on one (exit code 2) with this exception's message as its one line, instead of retrying and
 * logging forever. The one place that tells such a failure from others (broker down, timeouts) and words it.
 * It carries no stack trace of its own: the line is all an operator needs.
 */
public final class KafkaDenied extends RuntimeException {

    private KafkaDenied(String line, Throwable cause) {
        super(line, cause, false, false);
    }

    /** The refusal among {@code e} and its causes, if there is one; the principal is unknown here. */
    public static Optional<KafkaDenied> in(Throwable e) {
        return in(e, null);
    }

    /** The refusal among {@code e} and its causes, if there is one, naming the SASL user of {@code kafka} (when it has one). */
    public static Optional<KafkaDenied> in(Throwable e, KafkaSettings kafka) {
        String as = kafka != null && kafka.sasl() != null ? " as user " + kafka.sasl().username() : "";
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KafkaDenied d) {
                return Optional.of(d);
            }
            if (t instanceof AuthenticationException) {
                return Optional.of(new KafkaDenied("Kafka refused the login" + as + ": " + t.getMessage()
                        + " (check kafka.sasl and kafka.properties' ssl settings)", t));
            }
            if (t instanceof AuthorizationException) { // topic, group, transactional id, cluster: the message names which
                return Optional.of(new KafkaDenied("Kafka denied access" + as + ": " + t.getMessage()
                        + " (grant the ACLs listed in docs/kafka.md, \"Least privilege\")", t));
            }
        }
        return Optional.empty();
    }
}
