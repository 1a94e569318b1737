package dev.pgvigil.alerter.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A route, as in Alertmanager: an alert matches when every {@code match} label equals and every
 * {@code matchRegex} label matches in full. Label names are {@code rule}, {@code instance},
 * {@code object}, {@code severity} and the violation's own labels. Routes are tried in order; the first
 * match decides unless it says {@code continue: true}. A {@code muted} route sends nothing.
 */
public record RouteConfig(String name, Map<String, String> match, Map<String, String> matchRegex, List<String> channels,
        @JsonProperty("continue") Boolean continueMatching, Boolean muted) {
    public RouteConfig {
        match = match == null ? Map.of() : Map.copyOf(match);
        matchRegex = matchRegex == null ? Map.of() : Map.copyOf(matchRegex);
        channels = channels == null ? List.of() : List.copyOf(channels);
        continueMatching = continueMatching != null && continueMatching;
        muted = muted != null && muted;
        for (Map.Entry<String, String> e : matchRegex.entrySet()) {
            try {
                Pattern.compile(e.getValue());
            } catch (PatternSyntaxException ex) {
                throw new IllegalArgumentException("matchRegex." + e.getKey() + " is not a valid regular expression: " + ex.getDescription());
            }
        }
        if (channels.isEmpty() && !muted) {
            throw new IllegalArgumentException("a route needs channels, or muted: true");
        }
    }

    /** For messages: the route's name, or its position. */
    public String label(int index) {
        return name != null ? name : "routes[" + index + "]";
    }
}
