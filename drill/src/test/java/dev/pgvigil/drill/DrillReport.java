package dev.pgvigil.drill;

import dev.pgvigil.drill.TopicRecorder.Envelope;
import dev.pgvigil.drill.TopicRecorder.Metrics;
import dev.pgvigil.drill.TopicRecorder.Point;
import dev.pgvigil.drill.TopicRecorder.Transition;
import dev.pgvigil.drill.WebhookReceiver.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Counts what the drill's promise is about, from the topics ({@link TopicRecorder}) and the receiver only: each
 * figure of the "must be" table and, per fault, how long until data flowed again and what was delayed by how much.
 */
final class DrillReport {
    /** Metrics whose value is a count or rate of an interval: a negative one is a counter gone backwards unnoticed. */
    private static final Set<String> INTERVAL_COUNTS = Set.of("database.temp_files", "database.deadlocks", "database.conflicts",
            "checkpoints.timed", "checkpoints.requested", "archiver.archived", "archiver.failed");
    /** A rate this many times the highest of the same series before the restart (plus one) is a spike. */
    static final double SPIKE_FACTOR = 10;
    /**
     * What work costs, not how much work was done, really rises after a crash restart, and is shown, not judged as a
     * spike: shared buffers start empty, so every page is read again (blocks read) and statements run slower (time);
     * the dead-entry marks that let index scans skip dead rows are hints, lost in the crash, so scans visit those
     * entries again until they are marked anew (index rows read, rows fetched). The workload's own counts (calls,
     * rows returned, inserted, updated, deleted; commits) stay judged: a counter reset misread shows there.
     */
    static final List<String> COST_AFTER_CRASH = List.of("blocks_read", "time_ms", "rows_read", "rows_fetched");

    /**
     * How much later than the alerter the recorder may see a violation, or the other way round: each polls (at most
     * 200 ms and 100 ms apart) and a loop step takes its time. Added to the group interval and to an outage's end.
     */
    static final Duration ARRIVAL_SLACK = Duration.ofMillis(500);

    /** An alerter was down: from its kill until its successor's first notification, for the instances whose violations it reads. */
    record Outage(Set<String> instances, Instant from, Instant to) {}

    private final List<Envelope> envelopes;
    private final List<Metrics> metrics;
    private final List<Transition> violations;
    private final List<TopicRecorder.DeadLetter> deadLetters;
    private final List<Delivery> deliveries;

    // the figures, public to the test for its assertions
    int published;
    int reflected;
    final List<String> notReflected = new ArrayList<>();
    int firstOfInstance;
    int duplicatePoints;
    int duplicateEnvelopes;
    int collectedTwiceInAnInterval;
    final List<String> negatives = new ArrayList<>();
    final List<String> spikes = new ArrayList<>();
    int restartedSeries;
    double worstRestartRatio;
    double costRatio;
    final List<String> doubleCollections = new ArrayList<>();
    int transitions;
    final List<String> undelivered = new ArrayList<>();
    final List<String> inhibited = new ArrayList<>();
    final List<String> superseded = new ArrayList<>();
    int deliveredTransitions;
    int dlqOnlyTransitions;
    int duplicateDeliveries;
    final Map<String, Integer> duplicatesByCause = new LinkedHashMap<>();
    int failedEveryRetry;
    final List<String> failedNotOnDlq = new ArrayList<>();
    int dlqMessages;
    final List<String> falseInstanceDown = new ArrayList<>();
    int instanceDownTransitions;

    DrillReport(TopicRecorder recorder, WebhookReceiver receiver) {
        envelopes = List.copyOf(recorder.envelopes);
        metrics = List.copyOf(recorder.metrics);
        violations = List.copyOf(recorder.violations);
        deadLetters = List.copyOf(recorder.deadLetters);
        deliveries = receiver.deliveries();
    }

    /** Snapshots published (OK or PARTIAL envelopes) against those reflected in pgvigil.metrics. */
    DrillReport countSnapshots() {
        Set<String> withMetrics = metrics.stream().map(Metrics::snapshotId).collect(Collectors.toSet());
        Map<String, Envelope> firsts = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (Envelope e : sortedSucceeded()) {
            firsts.putIfAbsent(e.instance(), e);
            if (!seen.add(e.snapshotId())) {
                duplicateEnvelopes++;
                continue;
            }
            published++;
            if (withMetrics.contains(e.snapshotId())) {
                reflected++;
            } else if (firsts.get(e.instance()) == e) {
                firstOfInstance++; // a first sighting is a baseline, not an interval: no metrics by design
            } else {
                notReflected.add(e.instance() + " " + e.snapshotId() + " collected " + e.collectedAt());
            }
        }
        Map<String, Integer> points = new HashMap<>();
        for (Metrics m : metrics) {
            for (Point p : m.points()) {
                points.merge(m.snapshotId() + "|" + p.series(), 1, Integer::sum);
            }
        }
        duplicatePoints = points.values().stream().mapToInt(n -> n - 1).sum();
        return this;
    }

    /** Two successful snapshots of one instance closer than half an interval: two collectors at once (a zombie). */
    DrillReport countDoubleCollection(Duration interval) {
        Map<String, List<Envelope>> byInstance = sortedSucceeded().stream().collect(Collectors.groupingBy(Envelope::instance));
        for (List<Envelope> list : byInstance.values()) {
            for (int i = 1; i < list.size(); i++) {
                if (Duration.between(list.get(i - 1).collectedAt(), list.get(i).collectedAt()).compareTo(interval.dividedBy(2)) < 0) {
                    collectedTwiceInAnInterval++;
                    doubleCollections.add(list.get(i).instance() + " at " + list.get(i - 1).collectedAt() + " and " + list.get(i).collectedAt());
                }
            }
        }
        return this;
    }

    /** No negative interval value anywhere; after the crash restart of {@code restarted}, no rate far above its level before. */
    DrillReport countDeltas(Set<String> restarted, Instant crashedAt) {
        Map<String, Double> maxBefore = new HashMap<>();
        Map<String, Double> maxAfter = new HashMap<>();
        for (Metrics m : metrics) {
            for (Point p : m.points()) {
                boolean rate = p.name().contains("_per_s") && !p.name().contains("growth");
                if ((rate || INTERVAL_COUNTS.contains(p.name())) && p.value() < 0) {
                    negatives.add(m.instance() + " " + p.series() + " = " + p.value() + " (interval ending " + m.intervalEnd() + ")");
                }
                if (rate && restarted.contains(m.instance())) {
                    String series = m.instance() + " " + p.series();
                    Map<String, Double> side = m.intervalEnd().isBefore(crashedAt) ? maxBefore : maxAfter;
                    side.merge(series, p.value(), Math::max);
                }
            }
        }
        for (Map.Entry<String, Double> after : maxAfter.entrySet()) {
            Double before = maxBefore.get(after.getKey());
            if (before == null) {
                continue;
            }
            double ratio = after.getValue() / Math.max(before, 1e-9);
            if (COST_AFTER_CRASH.stream().anyMatch(after.getKey()::contains)) {
                costRatio = Math.max(costRatio, ratio);
                continue;
            }
            restartedSeries++;
            worstRestartRatio = Math.max(worstRestartRatio, ratio);
            if (after.getValue() > SPIKE_FACTOR * before + 1) {
                spikes.add(after.getKey() + ": " + after.getValue() + " after, at most " + before + " before");
            }
        }
        return this;
    }

    /**
     * Every alert transition (fingerprint, FIRING or RESOLVED, startsAt) on pgvigil.violations against what the
     * receiver answered 2xx and what is on pgvigil.notifications.dlq; deliveries of one alert key more than once,
     * by the window they fell in ({@code windows}: cause → [from, to)). {@code lookEvery} is the longer of the alerters'
     * group wait and group interval, {@code outages} when an alerter was down (see {@link #supersededTransitions}).
     */
    DrillReport countNotifications(Map<String, Instant[]> windows, Duration lookEvery, List<Outage> outages) {
        Map<String, Transition> byKey = new LinkedHashMap<>();
        violations.forEach(v -> byKey.putIfAbsent(v.key(), v));
        transitions = byKey.size();
        Set<String> delivered = new HashSet<>();
        Map<String, List<Delivery>> byAlertKey = new HashMap<>();
        for (Delivery d : deliveries) {
            if (d.succeeded()) {
                for (String k : d.alertKeys()) {
                    delivered.add(transitionKey(k));
                    byAlertKey.computeIfAbsent(k, x -> new ArrayList<>()).add(d);
                }
            }
        }
        Set<String> onDlq = new HashSet<>();
        deadLetters.forEach(dl -> dl.alertKeys().forEach(k -> onDlq.add(transitionKey(k))));
        Map<String, String> supersededBy = supersededTransitions(byKey.values(), k -> delivered.contains(k) || onDlq.contains(k), lookEvery, outages);
        for (Map.Entry<String, Transition> t : byKey.entrySet()) {
            if (delivered.contains(t.getKey())) {
                deliveredTransitions++;
            } else if (onDlq.contains(t.getKey())) {
                dlqOnlyTransitions++;
            } else if (!t.getValue().rule().equals("instance_down") && instanceDownFiring(t.getValue().instance(), t.getValue().arrived())) {
                Transition v = t.getValue(); // the alerter holds an instance's other alerts back while it is down (inhibitingRules)
                inhibited.add(v.rule() + " " + v.instance() + " " + v.state() + " (violation at " + v.arrived() + ")");
            } else if (supersededBy.containsKey(t.getKey())) {
                Transition v = t.getValue();
                superseded.add(v.rule() + " " + v.instance() + " " + v.state() + " (violation at " + v.arrived() + ") " + supersededBy.get(t.getKey()));
            } else {
                Transition v = t.getValue();
                // the alerter ignores a violation observed before its alert's last change: show both times
                Instant before = violations.stream().filter(o -> o.fingerprint().equals(v.fingerprint()) && o.arrived().isBefore(v.arrived()))
                        .map(Transition::observedAt).max(Comparator.naturalOrder()).orElse(null);
                undelivered.add(v.rule() + " " + v.instance() + " " + v.state() + " (violation at " + v.arrived() + ", observedAt "
                        + v.observedAt() + (before == null ? "" : ", the alert's previous one " + before) + ")");
            }
        }
        for (List<Delivery> same : byAlertKey.values()) {
            same.sort(Comparator.comparing(Delivery::arrived));
            for (Delivery extra : same.subList(1, same.size())) {
                duplicateDeliveries++;
                String cause = windows.entrySet().stream()
                        .filter(w -> !extra.arrived().isBefore(w.getValue()[0]) && extra.arrived().isBefore(w.getValue()[1]))
                        .map(Map.Entry::getKey).findFirst().orElse("outside any fault window");
                duplicatesByCause.merge(cause, 1, Integer::sum);
            }
        }
        Set<String> succeededMessages = deliveries.stream().filter(Delivery::succeeded).map(Delivery::messageKey).collect(Collectors.toSet());
        Set<String> dlqMessageKeys = deadLetters.stream().map(TopicRecorder.DeadLetter::messageKey).collect(Collectors.toSet());
        dlqMessages = dlqMessageKeys.size();
        Set<String> failed = deliveries.stream().filter(d -> !d.succeeded()).map(Delivery::messageKey)
                .filter(k -> !succeededMessages.contains(k)).collect(Collectors.toCollection(TreeSet::new));
        failedEveryRetry = failed.size();
        failed.stream().filter(k -> !dlqMessageKeys.contains(k)).forEach(failedNotOnDlq::add);
        return this;
    }

    /**
     * The transitions neither delivered nor dead-lettered that the alerter never owed a notification, each with why.
     *
     * <p>The alerter does not send transitions: it looks at an instance's alerts when the group is due (its group wait
     * after the group forms, then every group interval; after a restart, once the successor has read what it missed)
     * and announces each alert's status at that moment if the receiver was last told otherwise (DedupStage, as
     * Alertmanager's notification log does). An alert that changes and changes back between two looks has nothing to
     * announce: the receiver's last word on it is still true. And a change followed by another before the look is
     * announced as the later one. Precisely, an undelivered transition is superseded when the same alert's next
     * transition arrived before the alerter's next look: within {@code lookEvery} (plus {@link #ARRIVAL_SLACK}) of it,
     * or, when the alerter reading the instance was down (an {@code outages} entry) in that time, before its successor
     * looked; and that next transition
     * <ul>
     * <li>was delivered or dead-lettered (the receiver heard the newer state), or</li>
     * <li>was not, and puts the alert back into the state the receiver was last told of it (the pair cancels out; both
     * count as superseded).</li>
     * </ul>
     * Anything else, notably a transition whose alert then stayed as it was for longer than a group interval, is a
     * transition lost and stays in {@link #undelivered}.
     */
    static Map<String, String> supersededTransitions(Collection<Transition> transitions, Predicate<String> heard, Duration lookEvery,
            List<Outage> outages) {
        Map<String, List<Transition>> byAlert = new LinkedHashMap<>();
        transitions.forEach(t -> byAlert.computeIfAbsent(t.fingerprint(), f -> new ArrayList<>()).add(t));
        Map<String, String> out = new HashMap<>();
        for (List<Transition> alert : byAlert.values()) {
            alert.sort(Comparator.comparing(Transition::arrived));
            String told = "RESOLVED"; // before its first notification the receiver knows of no firing
            for (int i = 0; i < alert.size(); i++) {
                Transition t = alert.get(i);
                if (heard.test(t.key())) {
                    told = t.state();
                    continue;
                }
                if (i + 1 == alert.size() || !beforeTheNextLook(t, alert.get(i + 1), lookEvery, outages)) {
                    continue;
                }
                Transition next = alert.get(i + 1);
                if (heard.test(next.key())) {
                    out.put(t.key(), "by " + next.state() + " at " + next.arrived() + ", delivered");
                } else if (next.state().equals(told)) {
                    out.put(t.key(), "cancelled by " + next.state() + " at " + next.arrived() + ": the receiver's last word was " + told);
                    out.put(next.key(), "cancels " + t.state() + " at " + t.arrived() + ": the receiver's last word was " + told);
                    i++;
                }
            }
        }
        return out;
    }

    /**
     * Whether {@code next} arrived before the alerter's first look after {@code t}: {@code lookEvery} later, or, when
     * the instance's alerter was down at any moment until then (a change taken in just before a kill included), once
     * its successor looked.
     */
    private static boolean beforeTheNextLook(Transition t, Transition next, Duration lookEvery, List<Outage> outages) {
        Instant look = t.arrived().plus(lookEvery);
        for (Outage o : outages) {
            if (o.instances().contains(t.instance()) && !o.from().isAfter(look) && !o.to().isBefore(t.arrived()) && o.to().isAfter(look)) {
                look = o.to();
            }
        }
        return !next.arrived().isAfter(look.plus(ARRIVAL_SLACK));
    }

    /**
     * instance_down firing for an instance outside {@code stopped}; each with the longest wait for one of its envelopes
     * of the minute before to become readable (read_committed): long when the topic held them back, short when the
     * analyzer was the one behind.
     */
    DrillReport countFalseAlerts(Set<String> stopped) {
        for (Transition v : violations) {
            if (v.rule().equals("instance_down")) {
                instanceDownTransitions++;
                if (v.state().equals("FIRING") && !stopped.contains(v.instance())) {
                    Duration held = envelopes.stream().filter(e -> e.instance().equals(v.instance())
                                    && e.collectedAt().isAfter(v.arrived().minusSeconds(60)) && e.collectedAt().isBefore(v.arrived()))
                            .map(e -> Duration.between(e.collectedAt(), e.arrived())).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
                    falseInstanceDown.add(v.instance() + " at " + v.arrived() + " (its envelopes of the minute before readable after at most "
                            + secs(held) + ")");
                }
            }
        }
        return this;
    }

    /** Whether an instance_down of {@code instance} had fired and not yet resolved (on the topic) at {@code at}. */
    private boolean instanceDownFiring(String instance, Instant at) {
        boolean firing = false;
        for (Transition v : violations) {
            if (v.instance().equals(instance) && v.rule().equals("instance_down") && !v.arrived().isAfter(at.plusSeconds(1))) {
                firing = v.state().equals("FIRING");
            }
        }
        return firing;
    }

    /** {@code fingerprint:STATE:startsAt:sequence} → {@code fingerprint:STATE:startsAt}. */
    private static String transitionKey(String alertKey) {
        return alertKey.substring(0, alertKey.lastIndexOf(':'));
    }

    private List<Envelope> sortedSucceeded() {
        return envelopes.stream().filter(Envelope::succeeded).sorted(Comparator.comparing(Envelope::collectedAt)).toList();
    }

    // --- per fault ---

    /** The typical delay from collection to metrics outside faults: the median over {@code [from, to)}. */
    Duration medianMetricsDelay(Instant from, Instant to) {
        List<Duration> delays = metrics.stream().filter(m -> !m.intervalEnd().isBefore(from) && m.intervalEnd().isBefore(to))
                .map(m -> Duration.between(m.intervalEnd(), m.arrived())).sorted().toList();
        return delays.isEmpty() ? Duration.ZERO : delays.get(delays.size() / 2);
    }

    /** One row per fault. */
    List<String> phaseRows(List<Phase> phases, Instant end) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            Instant until = i + 1 < phases.size() ? phases.get(i + 1).injected() : end;
            Optional<Duration> flowing = flowingAgain(p.affected(), p.recoveryFrom());
            Duration maxDelay = metrics.stream().filter(m -> !m.intervalEnd().isBefore(p.injected()) && m.intervalEnd().isBefore(until))
                    .map(m -> Duration.between(m.intervalEnd(), m.arrived())).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
            Duration gap = maxCollectionGap(p.affected(), p.injected(), until);
            Duration notify = maxNotificationDelay(p.injected(), until);
            rows.add("| %s | %s | %s | %s | %s | %s | %s | %s |".formatted(p.name(), time(p.injected()), p.undone() == null ? "—" : time(p.undone()),
                    flowing.map(DrillReport::secs).orElse("**not within the phase**"), secs(maxDelay), secs(gap), notify == null ? "—" : secs(notify),
                    p.note()));
        }
        return rows;
    }

    /** From {@code from} until every one of {@code instances} had a metrics batch of a snapshot collected after it. */
    Optional<Duration> flowingAgain(Set<String> instances, Instant from) {
        Duration worst = Duration.ZERO;
        for (String instance : instances) {
            Optional<Instant> first = metrics.stream().filter(m -> m.instance().equals(instance) && m.intervalEnd().isAfter(from))
                    .map(Metrics::arrived).min(Comparator.naturalOrder());
            if (first.isEmpty()) {
                return Optional.empty();
            }
            worst = max(worst, Duration.between(from, first.get()));
        }
        return Optional.of(worst);
    }

    private Duration maxCollectionGap(Collection<String> instances, Instant from, Instant to) {
        Map<String, List<Instant>> times = sortedSucceeded().stream().filter(e -> instances.contains(e.instance()))
                .collect(Collectors.groupingBy(Envelope::instance, Collectors.mapping(Envelope::collectedAt, Collectors.toList())));
        Duration worst = Duration.ZERO;
        for (List<Instant> list : times.values()) {
            for (int i = 1; i < list.size(); i++) {
                // gaps that overlap the window
                if (list.get(i).isAfter(from) && list.get(i - 1).isBefore(to)) {
                    worst = max(worst, Duration.between(list.get(i - 1), list.get(i)));
                }
            }
        }
        return worst;
    }

    /** The longest wait from a violation to its first 2xx delivery or dead letter, for violations in the window; null: none. */
    private Duration maxNotificationDelay(Instant from, Instant to) {
        Map<String, Instant> handled = new HashMap<>();
        for (Delivery d : deliveries) {
            if (d.succeeded()) {
                d.alertKeys().forEach(k -> handled.merge(transitionKey(k), d.arrived(), DrillReport::min));
            }
        }
        deadLetters.forEach(dl -> dl.alertKeys().forEach(k -> handled.merge(transitionKey(k), dl.arrived(), DrillReport::min)));
        Map<String, Transition> firstSeen = violations.stream().collect(Collectors.toMap(Transition::key, Function.identity(), (a, b) -> a));
        Duration worst = null;
        for (Transition t : firstSeen.values()) {
            if (t.arrived().isBefore(from) || !t.arrived().isBefore(to) || !handled.containsKey(t.key())) {
                continue;
            }
            Duration d = Duration.between(t.arrived(), handled.get(t.key()));
            worst = worst == null ? d : max(worst, d);
        }
        return worst;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    static String secs(Duration d) {
        return "%.1f s".formatted(d.toMillis() / 1000.0);
    }

    private static String time(Instant t) {
        return t.toString().substring(11, 19);
    }
}
