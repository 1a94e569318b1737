package dev.pgvigil.alerter.model;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Map;
import java.util.Objects;

/**
 * One condition on an alert's labels (see {@link Alert#matchLabels()}): equal to a value, or matching a
 * regular expression in full (anchored, as in Alertmanager). A label the alert lacks is the empty string.
 *
 * <p>Expressions are RE2, as in Alertmanager: matching takes time linear in the label's length whatever
 * the pattern, so a silence like {@code (a+)+$} from the API cannot stall the notification thread.
 * Back-references and look-around, which need backtracking, are refused as invalid.
 */
public final class LabelMatcher {
    private final String name;
    private final String value;
    private final boolean regex;
    private final Pattern pattern;

    private LabelMatcher(String name, String value, boolean regex) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a matcher needs a label name (rule, instance, object, severity or a label)");
        }
        this.name = name;
        this.value = Objects.requireNonNull(value, "matcher value");
        this.regex = regex;
        try {
            this.pattern = regex ? Pattern.compile(value) : null;
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(name + " =~ '" + value + "' is not a valid regular expression (RE2 syntax): " + e.getDescription());
        }
    }

    public static LabelMatcher of(String name, String value, boolean regex) {
        return new LabelMatcher(name, value, regex);
    }

    public static LabelMatcher exact(String name, String value) {
        return new LabelMatcher(name, value, false);
    }

    public static LabelMatcher regex(String name, String pattern) {
        return new LabelMatcher(name, pattern, true);
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(name, "");
        return regex ? pattern.matcher(actual).matches() : value.equals(actual);
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    public boolean isRegex() {
        return regex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMatcher m && m.name.equals(name) && m.value.equals(value) && m.regex == regex;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, value, regex);
    }

    /** {@code rule="dead_rows"} or {@code instance=~"db-.*"}, as Alertmanager writes matchers. */
    @Override
    public String toString() {
        return name + (regex ? "=~" : "=") + '"' + value + '"';
    }
}
