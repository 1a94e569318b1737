package dev.pgvigil.alerter.model;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** A silence as the API and {@code pgvigil silence list --json} show it (and as POST /api/silences reads matchers). */
public record SilenceView(String id, String state, List<MatcherView> matchers, Instant startsAt, Instant endsAt,
        Instant createdAt, String createdBy, String comment) {

    public record MatcherView(String name, String value, Boolean regex) {
        public LabelMatcher toMatcher() {
            return LabelMatcher.of(name, value, regex != null && regex);
        }

        static MatcherView of(LabelMatcher m) {
            return new MatcherView(m.name(), m.value(), m.isRegex());
        }
    }

    public static SilenceView of(Silence s, Instant now) {
        return new SilenceView(s.id(), s.state(now).name().toLowerCase(Locale.ROOT),
                s.matchers().stream().map(MatcherView::of).toList(),
                s.startsAt(), s.endsAt(), s.createdAt(), s.createdBy(), s.comment());
    }
}
