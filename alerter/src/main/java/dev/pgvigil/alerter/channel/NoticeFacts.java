package dev.pgvigil.alerter.channel;

import dev.pgvigil.alerter.model.Alert;
import dev.pgvigil.alerter.model.AlertNotice;
import dev.pgvigil.alerter.model.Change;
import dev.pgvigil.alerter.model.Notification;
import dev.pgvigil.common.text.Human;
import dev.pgvigil.rules.Rule;
import dev.pgvigil.rules.Unit;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One alert as a person reads it at a glance, in the same five answers whatever the channel:
 * what, where, how bad, since when, what to do. Text, HTML, Slack and the log all print these.
 */
public record NoticeFacts(String headline, String change, String what, String where, String howBad, String since, String todo) {
    private static final Set<String> NOT_WHERE = Set.of("advice", "unit");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final int SUBJECT_MAX = 160;

    public static NoticeFacts of(AlertNotice notice, Instant now, ZoneId zone) {
        Alert a = notice.alert();
        boolean resolved = notice.change() == Change.RESOLVED;
        String headline = (resolved ? "RESOLVED" : a.severity().name()) + " " + a.rule() + " on " + a.instanceId()
                + (a.object().isBlank() || a.object().equals(a.instanceId()) ? "" : " / " + a.object());
        return new NoticeFacts(headline, notice.change().describe(), a.message(), where(a), howBad(notice), since(a, now, zone),
                todo(a));
    }

    /** What to do: the violation's own label {@code advice} when its producer gave one, else its rule's advice. */
    public static String todo(Alert a) {
        String own = a.labels().get("advice");
        return own != null && !own.isBlank() ? own : Rule.adviceFor(a.rule());
    }

    public static List<NoticeFacts> of(Notification n, ZoneId zone) {
        return n.alerts().stream().map(a -> of(a, n.createdAt(), zone)).toList();
    }

    /**
     * A subject line: the worst severity and the instance first (what a person triages by), then the
     * one message, or how many alerts of which rules.
     */
    public static String subject(Notification n) {
        List<AlertNotice> firing = n.firing();
        List<AlertNotice> resolved = n.resolved();
        String text;
        if (firing.isEmpty()) {
            text = "RESOLVED " + n.instanceId() + ": "
                    + (resolved.size() == 1 ? resolved.get(0).alert().rule() + " on " + resolved.get(0).alert().object()
                    : resolved.size() + " alerts resolved (" + rules(resolved) + ")");
        } else {
            text = n.worstFiringSeverity() + " " + n.instanceId() + ": "
                    + (firing.size() == 1 ? firing.get(0).alert().message() : firing.size() + " alerts firing (" + rules(firing) + ")")
                    + (resolved.isEmpty() ? "" : ", " + resolved.size() + " resolved");
        }
        String subject = "[pgvigil] " + text;
        return subject.length() <= SUBJECT_MAX ? subject : subject.substring(0, SUBJECT_MAX - 1) + "…";
    }

    /** "2 alerts firing, 1 resolved on instance db-1". */
    public static String summary(Notification n) {
        int firing = n.firing().size();
        int resolved = n.resolved().size();
        StringBuilder sb = new StringBuilder();
        if (firing > 0) {
            sb.append(firing).append(firing == 1 ? " alert firing" : " alerts firing");
        }
        if (resolved > 0) {
            sb.append(sb.isEmpty() ? "" : ", ").append(resolved).append(resolved == 1 ? " alert resolved" : " alerts resolved");
        }
        return sb.append(" on instance ").append(n.instanceId()).toString();
    }

    /** A command that silences the alerts of {@code n} for two hours, for the reader to copy. */
    public static String silenceHint(Notification n) {
        List<String> rules = n.firing().stream().map(x -> x.alert().rule()).distinct().toList();
        String rule = rules.size() == 1 ? " --rule " + rules.get(0) : "";
        return "pgvigil silence add --instance " + n.instanceId() + rule + " --for 2h --comment \"...\"";
    }

    private static String rules(List<AlertNotice> notices) {
        return notices.stream().map(x -> x.alert().rule()).distinct().collect(Collectors.joining(", "));
    }

    private static String where(Alert a) {
        StringBuilder sb = new StringBuilder("instance ").append(a.instanceId());
        if (!a.object().isBlank() && !a.object().equals(a.instanceId())) {
            sb.append(", ").append(a.object());
        }
        String labels = a.labels().entrySet().stream()
                .filter(e -> !NOT_WHERE.contains(e.getKey()))
                .sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
        return labels.isEmpty() ? sb.toString() : sb.append(" (").append(labels).append(')').toString();
    }

    private static String howBad(AlertNotice notice) {
        Alert a = notice.alert();
        // a resolution the analyzer decided without a measurement (the object went quiet) has no numbers
        if (Double.isNaN(a.value()) || Double.isNaN(a.threshold())) {
            return notice.change() == Change.RESOLVED ? "back to normal; it was " + a.severity() : a.severity().name();
        }
        String measured = measured(a);
        return switch (notice.change()) {
            case RESOLVED -> "back within its threshold (" + measured + "); it was " + a.severity();
            case SEVERITY_CHANGED -> a.severity() + ", was " + a.lastNotifiedSeverity() + ": " + measured;
            default -> a.severity() + ": " + measured;
        };
    }

    /** "cache hit ratio 42.5 %, threshold 50.0 %" in the rule's unit; for a rule pgvigil does not know, the label {@code unit}. */
    private static String measured(Alert a) {
        Optional<Rule> rule = Rule.find(a.rule());
        if (rule.isPresent()) {
            Unit unit = rule.get().unit();
            return rule.get().label() + " " + unit.format(a.value()) + ", threshold " + unit.format(a.threshold());
        }
        String unit = a.labels().getOrDefault("unit", "");
        return "value " + Human.number(a.value(), 2) + unit + ", threshold " + Human.number(a.threshold(), 2) + unit;
    }

    private static String since(Alert a, Instant now, ZoneId zone) {
        String start = WHEN.format(a.startsAt().atZone(zone)) + " " + zoneName(zone);
        if (a.endsAt() != null && !a.firing()) {
            return start + " until " + TIME.format(a.endsAt().atZone(zone)) + " (lasted "
                    + Human.duration(Duration.between(a.startsAt(), a.endsAt())) + ")";
        }
        Duration firing = Duration.between(a.startsAt(), now);
        return start + (firing.isNegative() ? "" : " (for " + Human.duration(firing) + ")");
    }

    private static String zoneName(ZoneId zone) {
        return zone.getId().equals("Z") ? "UTC" : zone.getId();
    }
}
