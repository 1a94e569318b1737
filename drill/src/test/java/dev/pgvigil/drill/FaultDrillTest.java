package dev.pgvigil.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.embedded.BrokerProcess;
import dev.pgvigil.embedded.LocalFleet;
import dev.pgvigil.embedded.ServiceProcess;
import dev.pgvigil.schema.kafka.TopicSetup;
import dev.pgvigil.schema.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault drill of issue 15: a fleet of 22 targets on three PostgreSQL clusters, a three-broker Kafka cluster
 * (replication factor 3, min.insync.replicas 2, every broker a JVM of its own so that its crash is a real SIGKILL), two
 * collectors, two analyzers and two alerters as separate JVMs,
 * a webhook receiver; then faults one after another with recovery between. What happened is counted from the
 * topics and the receiver, the promise is asserted, and a table goes to stdout and target/drill-results.md.
 *
 * <p>Intervals are short (5 s) to fit in ten minutes; {@code instance_down} warns after 6 intervals (30 s, the
 * default 3 intervals of the default 10 s), since a hung collector's targets move to another one only after the
 * group's 15 s session timeout. Run: {@code mvn -B -Pdrill -pl drill -am verify -Dtest=FaultDrillTest
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs}.
 */
class FaultDrillTest {
    private static final int INTERVAL_SECONDS = 5;
    private static final int PARTITIONS = 6;
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String ALERTER_GROUP = "drill-alerters";
    private static final Duration GROUP_WAIT = Duration.ofSeconds(1);
    private static final Duration GROUP_INTERVAL = Duration.ofSeconds(2);

    private final List<ServiceProcess> services = new ArrayList<>();
    private final List<Phase> phases = new ArrayList<>();
    private final List<DrillReport.Outage> outages = new ArrayList<>();
    private Path dir;
    private BrokerProcess.Cluster kafka;
    private LocalFleet fleet;
    private WebhookReceiver receiver;
    private TopicRecorder recorder;

    @Test
    @Timeout(value = 14, unit = TimeUnit.MINUTES)
    void everySnapshotAndAlertOutlivesTheFaults() throws Exception {
        Instant began = Instant.now();
        dir = Path.of(System.getProperty("drill.dir", "target/drill"));
        deleteTree(dir); // a previous run's analyzer state belongs to a cluster that is gone (its offsets would not exist)
        Files.createDirectories(dir);
        try (BrokerProcess.Cluster cluster = BrokerProcess.Cluster.start(dir, 3, "512m");
             LocalFleet targets = new LocalFleet(new LinkedHashMap<>(Map.of("a", 10, "b", 10, "c", 2)), dir);
             WebhookReceiver hook = new WebhookReceiver()) {
            kafka = cluster;
            fleet = targets;
            receiver = hook;
            try (Admin admin = kafka.admin()) {
                TopicSetup.ensureAll(admin, PARTITIONS, (short) 3, 2);
            }
            fleet.startWorkload();
            startServices();
            recorder = new TopicRecorder(kafka.bootstrapServers());
            try {
                Set<String> all = ids(fleet.targets().stream().map(LocalFleet.Target::id).toList());
                awaitFlowing(all, began, Duration.ofSeconds(180), "every target's metrics");
                Instant warm = Instant.now();
                progress("all " + all.size() + " targets have metrics; faults begin");
                awaitAlertersShareTheViolations();
                LocalFleet.sleep(Duration.ofSeconds(2L * INTERVAL_SECONDS)); // a normal stretch, for the typical delay

                // a fault the pipeline does not recover from in time is noted and the drill goes on: the table is the point
                phase(() -> brokerCrash(all));
                phase(() -> analyzerCrash(all));
                phase(() -> alerterCrashWhileDelivering(all));
                Instant[] crashedAt = {Instant.now()};
                phase(() -> crashedAt[0] = postgresCrashRestart());
                phase(this::postgresStoppedForAMinute);
                phase(() -> receiverFailing(all));
                phase(() -> collectorPaused(all));

                // the collectors stop first, so every published snapshot has had time through the analyzers when counting
                services.stream().filter(s -> s.name().startsWith("collector")).forEach(ServiceProcess::close);
                LocalFleet.sleep(Duration.ofSeconds(15));
                Instant end = Instant.now();
                report(warm, crashedAt[0], end, began);
            } finally {
                if (recorder != null) {
                    recorder.close();
                }
                services.forEach(ServiceProcess::close);
            }
        }
    }

    private final List<String> stuck = new ArrayList<>();

    private interface Fault {
        void run() throws Exception;
    }

    private void phase(Fault fault) throws Exception {
        try {
            fault.run();
        } catch (AssertionError e) {
            progress("NOT RECOVERED: " + e.getMessage());
            stuck.add(e.getMessage());
            fleet.releaseTransactions();
            receiver.slow(Duration.ZERO);
            receiver.failing(false);
        }
    }

    private void startServices() throws Exception {
        String kafkaSection = """
                kafka:
                  bootstrapServers: %s
                  partitions: %d
                  replicationFactor: 3
                  minInsyncReplicas: 2
                """.formatted(kafka.bootstrapServers(), PARTITIONS);
        for (int i = 1; i <= 2; i++) {
            services.add(service("collector-" + i, "collector", kafkaSection + """
                    collector:
                      intervalSeconds: %d
                      groupId: drill-collectors
                      httpEnabled: false
                      threads: 4
                      targets:
                    %s""".formatted(INTERVAL_SECONDS, fleet.targetsYaml())));
            services.add(service("analyzer-" + i, "analyzer", kafkaSection + """
                    analyzer:
                      applicationId: drill-analyzer
                      stateDir: %s
                      assumedIntervalSeconds: %d
                      instanceDownCheckSeconds: 2
                      rules:
                        thresholds:
                          idle_in_transaction: {warning: 10, critical: 100000}
                          instance_down: {warning: 6, critical: 10}
                      streams: {group.instance.id: analyzer-%d, num.stream.threads: 1}
                    http: {port: 0}
                    """.formatted(dir.resolve("analyzer-" + i + "-state"), INTERVAL_SECONDS, i)));
            services.add(service("alerter-" + i, "alerter", kafkaSection + """
                    alerter:
                      groupId: %s
                      groupInstanceId: alerter-%d
                      groupWait: %ds
                      groupInterval: %ds
                      retry: {maxAttempts: 4, initialBackoff: 1s, maxBackoff: 4s}
                      webhooks: [{name: drill, url: "%s", timeout: 15s}]
                      httpEnabled: false
                    """.formatted(ALERTER_GROUP, i, GROUP_WAIT.toSeconds(), GROUP_INTERVAL.toSeconds(), receiver.url())));
        }
    }

    private ServiceProcess service(String name, String command, String yaml) throws Exception {
        Path config = Files.writeString(dir.resolve(name + ".yaml"), yaml);
        Files.deleteIfExists(dir.resolve(name + ".log"));
        return ServiceProcess.start(name, command, config, dir);
    }

    private ServiceProcess named(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    // --- the faults ---

    /** 1. The node leading most partitions crashes; 30 s later it comes back. */
    private void brokerCrash(Set<String> all) throws Exception {
        progress("brokerCrash");
        int leader;
        Map<Integer, Integer> leaderships = new HashMap<>();
        try (Admin admin = kafka.admin()) {
            for (TopicDescription t : admin.describeTopics(admin.listTopics().names().get(30, TimeUnit.SECONDS)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).values()) {
                t.partitions().forEach(p -> leaderships.merge(p.leader().id(), 1, Integer::sum));
            }
        }
        leader = leaderships.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Instant injected = Instant.now();
        kafka.kill9(leader);
        LocalFleet.sleep(Duration.ofSeconds(30));
        kafka.restart(leader);
        Instant undone = Instant.now();
        Duration insync = awaitAllInSync();
        awaitFlowing(all, injected, WAIT, "metrics after the broker crash");
        phases.add(new Phase("1. kill -9 broker " + leader + " (leader of " + leaderships.get(leader) + " partitions), back after 30 s",
                injected, undone, all, injected, "every partition 3 in sync again " + DrillReport.secs(insync) + " after the restart"));
    }

    /** 2a. One analyzer is killed; restarted 5 s later on its state folder. */
    private void analyzerCrash(Set<String> all) {
        progress("analyzerCrash");
        ServiceProcess analyzer = named("analyzer-1");
        Instant injected = analyzer.kill9();
        LocalFleet.sleep(Duration.ofSeconds(5));
        analyzer.start();
        Instant undone = Instant.now();
        awaitFlowing(all, injected, WAIT, "metrics after the analyzer crash");
        LocalFleet.sleep(Duration.ofSeconds(INTERVAL_SECONDS));
        phases.add(new Phase("2a. kill -9 analyzer-1, restarted after 5 s", injected, undone, all, injected, ""));
    }

    /**
     * 2b. The receiver answers slowly (6 s); sessions idle in a transaction on cluster a make its ten targets fire;
     * while a message of alerter-1 announcing one of them is held, alerter-1 is killed; it is restarted 3 s later.
     */
    private void alerterCrashWhileDelivering(Set<String> all) throws Exception {
        progress("alerterCrashWhileDelivering");
        Set<String> ownedByAlerter1 = instancesOf("alerter-1", fleet.targetsOf("a"));
        assertThat(ownedByAlerter1).as("targets of cluster a whose violations alerter-1 reads").isNotEmpty();
        Set<String> readByAlerter1 = instancesOf("alerter-1", fleet.targets().stream().map(LocalFleet.Target::id).toList());
        receiver.slow(Duration.ofSeconds(6));
        Instant opened = Instant.now();
        fleet.holdTransactions("a");
        // The restarted alerter sends each alert's status as it is then, not the message it was killed sending: a held
        // alert that changes before the successor's first flush comes back with another key, or not at all when it
        // changed and changed back (dead_rows flaps every few seconds here; the first run of 2026-12-07 held a dead_rows
        // resolution, the alert fired again while alerter-1 was down, and the held message never came back). An
        // idle_in_transaction alert of cluster a cannot change meanwhile: its sessions stay idle in their transactions
        // until this phase releases them, and its critical threshold is out of reach. So the held alert is one of those,
        // announced as news; it was never stamped, so it must come back with the same key (status, start, sequence).
        // The message's key is the same too unless another alert of the instance in it changed: noted, not required.
        String[] held = new String[2]; // message key, alert key
        await(() -> {
            receiver.inFlight().forEach((key, message) -> {
                if (ownedByAlerter1.contains(message.instance())) {
                    message.alerts().stream().filter(a -> a.news() && a.rule().equals("idle_in_transaction")).findFirst().ifPresent(a -> {
                        held[0] = key;
                        held[1] = a.key();
                    });
                }
            });
            return held[0] != null;
        }, Duration.ofSeconds(90), "a message of alerter-1 announcing an idle_in_transaction alert held by the receiver");
        ServiceProcess alerter = named("alerter-1");
        Instant injected = alerter.kill9();
        receiver.slow(Duration.ZERO);
        LocalFleet.sleep(Duration.ofSeconds(3));
        alerter.start();
        Instant undone = Instant.now();
        await(() -> resent(held[1], injected).isPresent(), WAIT, "the held idle_in_transaction alert sent again with the same idempotency key");
        WebhookReceiver.Delivery again = resent(held[1], injected).orElseThrow();
        // until its first notification the restarted alerter had not looked at its alerts: what changed and changed
        // back meanwhile was never announced (DrillReport.superseded)
        outages.add(new DrillReport.Outage(readByAlerter1, injected, again.arrived()));
        await(() -> firingDelivered("idle_in_transaction", fleet.targetsOf("a"), opened), Duration.ofSeconds(30),
                "every idle_in_transaction alert of cluster a");
        fleet.releaseTransactions();
        await(() -> resolvedDelivered("idle_in_transaction", fleet.targetsOf("a"), opened), Duration.ofSeconds(60), "their resolution");
        phases.add(new Phase("2b. kill -9 alerter-1 while the receiver (slowed to 6 s) holds its message", injected, undone, all, injected,
                "held alert sent again " + DrillReport.secs(Duration.between(injected, again.arrived())) + " after the kill, same key; "
                        + (again.messageKey().equals(held[0]) ? "same Idempotency-Key" : "in another message (another alert of it changed)")));
    }

    /** The first 2xx delivery after {@code since} that carries the alert with idempotency key {@code alertKey}. */
    private Optional<WebhookReceiver.Delivery> resent(String alertKey, Instant since) {
        return receiver.deliveries().stream().filter(d -> d.succeeded() && d.arrived().isAfter(since) && d.alertKeys().contains(alertKey))
                .min(Comparator.comparing(WebhookReceiver.Delivery::arrived));
    }

    /** 3a. Cluster b crashes and restarts at once (its counters start again from zero). Returns when. */
    private Instant postgresCrashRestart() {
        progress("postgresCrashRestart");
        Set<String> b = ids(fleet.targetsOf("b"));
        Instant injected = fleet.crashRestart("b");
        Instant undone = Instant.now();
        awaitFlowing(b, undone, WAIT, "metrics of cluster b after its crash restart");
        LocalFleet.sleep(Duration.ofSeconds(3L * INTERVAL_SECONDS)); // a few intervals after the restart for the spike check
        phases.add(new Phase("3a. crash-restart PostgreSQL cluster b (10 targets, counters reset)", injected, undone, b, injected, ""));
        return injected;
    }

    /** 3b. Cluster c (2 targets) stops for a minute: instance_down fires, then resolves when it is back. */
    private void postgresStoppedForAMinute() {
        progress("postgresStoppedForAMinute");
        Set<String> c = ids(fleet.targetsOf("c"));
        Instant injected = fleet.stop("c");
        LocalFleet.sleep(Duration.ofSeconds(60));
        Instant undone = fleet.start("c");
        awaitFlowing(c, undone, WAIT, "metrics of cluster c after its start");
        await(() -> c.stream().allMatch(id -> recorder.violations.stream().anyMatch(v -> v.rule().equals("instance_down")
                && v.instance().equals(id) && v.state().equals("RESOLVED") && v.arrived().isAfter(undone))), WAIT, "instance_down resolved on c");
        Instant fired = recorder.violations.stream().filter(v -> v.rule().equals("instance_down") && v.state().equals("FIRING")
                && v.arrived().isAfter(injected)).map(TopicRecorder.Transition::arrived).min(Instant::compareTo).orElse(null);
        phases.add(new Phase("3b. stop PostgreSQL cluster c (2 targets) for 60 s", injected, undone, c, undone,
                fired == null ? "instance_down never fired" : "instance_down fired " + DrillReport.secs(Duration.between(injected, fired))
                        + " after the stop, resolved after the start"));
    }

    /** 4. The receiver answers 500 for two minutes, while alerts of cluster a fire and resolve. */
    private void receiverFailing(Set<String> all) {
        progress("receiverFailing");
        Instant injected = Instant.now();
        receiver.failing(true);
        fleet.holdTransactions("a");
        await(() -> violationsSince("idle_in_transaction", "FIRING", injected) >= fleet.targetsOf("a").size(), WAIT, "alerts firing while failing");
        LocalFleet.sleep(Duration.ofSeconds(20));
        fleet.releaseTransactions();
        await(() -> violationsSince("idle_in_transaction", "RESOLVED", injected) >= fleet.targetsOf("a").size(), WAIT, "alerts resolved while failing");
        Duration left = Duration.ofMinutes(2).minus(Duration.between(injected, Instant.now()));
        if (!left.isNegative()) {
            LocalFleet.sleep(left);
        }
        receiver.failing(false);
        Instant undone = Instant.now();
        LocalFleet.sleep(Duration.ofSeconds(10));
        long dead = recorder.deadLetters.stream().filter(d -> d.arrived().isAfter(injected)).count();
        phases.add(new Phase("4. webhook receiver answers 500 for 120 s", injected, undone, all, injected,
                dead + " messages on pgvigil.notifications.dlq after 4 attempts each"));
    }

    /** 5. collector-1 is frozen (SIGSTOP) for 25 s, past its 15 s session timeout, then continued (SIGCONT). */
    private void collectorPaused(Set<String> all) {
        progress("collectorPaused");
        ServiceProcess collector = named("collector-1");
        Instant injected = collector.pause();
        LocalFleet.sleep(Duration.ofSeconds(25));
        Instant undone = collector.resume();
        awaitFlowing(all, undone, WAIT, "metrics after the collector's SIGCONT");
        LocalFleet.sleep(Duration.ofSeconds(2L * INTERVAL_SECONDS));
        phases.add(new Phase("5. SIGSTOP collector-1 for 25 s (session timeout 15 s), then SIGCONT", injected, undone, all, injected, ""));
    }

    // --- counting and asserting ---

    private void report(Instant warm, Instant crashedAt, Instant end, Instant began) throws Exception {
        Set<String> stopped = ids(fleet.targetsOf("c"));
        Map<String, Instant[]> windows = new LinkedHashMap<>();
        for (int i = 0; i < phases.size(); i++) {
            windows.put(phases.get(i).name().substring(0, phases.get(i).name().indexOf(' ')),
                    new Instant[] {phases.get(i).injected(), i + 1 < phases.size() ? phases.get(i + 1).injected() : end});
        }
        DrillReport r = new DrillReport(recorder, receiver)
                .countSnapshots()
                .countDoubleCollection(Duration.ofSeconds(INTERVAL_SECONDS))
                .countDeltas(ids(fleet.targetsOf("b")), crashedAt)
                .countNotifications(windows, GROUP_WAIT.compareTo(GROUP_INTERVAL) > 0 ? GROUP_WAIT : GROUP_INTERVAL, outages)
                .countFalseAlerts(stopped);

        List<String> out = new ArrayList<>();
        out.add("## Fault drill results (" + Instant.now().toString().substring(0, 19) + "Z, " + DrillReport.secs(Duration.between(began, end)) + ")");
        out.add("");
        out.add("Setup: 3 Kafka brokers (KRaft, RF 3, min ISR 2, a JVM each), " + fleet.targets().size() + " targets on 3 PostgreSQL clusters, "
                + "2 collectors, 2 analyzers, 2 alerters (separate JVMs), interval " + INTERVAL_SECONDS + " s.");
        out.add("");
        out.add("| what | must be | counted | ok |");
        out.add("|---|---|---|---|");
        out.add(row("snapshots published vs reflected in pgvigil.metrics", "equal: none lost, none twice",
                r.published + " published (OK/PARTIAL), " + r.reflected + " reflected, " + r.firstOfInstance
                        + " first of their instance (a baseline, no interval by design), " + r.notReflected.size() + " lost; "
                        + r.duplicatePoints + " points twice, " + r.duplicateEnvelopes + " envelopes twice, "
                        + r.collectedTwiceInAnInterval + " instances collected twice in one interval",
                r.notReflected.isEmpty() && r.duplicatePoints == 0 && r.duplicateEnvelopes == 0));
        out.add(row("per-interval deltas after the PostgreSQL restart", "none negative, no spike",
                r.negatives.size() + " negative in the whole run; " + r.restartedSeries + " rate series of cluster b compared: highest after / before = "
                        + "%.2f".formatted(r.worstRestartRatio) + ", " + r.spikes.size() + " spikes (> " + (int) DrillReport.SPIKE_FACTOR + "x); "
                        + "the cost of work (blocks read, time, index entries visited) up to %.0fx (real: caches and index hints start empty after a crash)"
                                .formatted(r.costRatio),
                r.negatives.isEmpty() && r.spikes.isEmpty() && r.restartedSeries > 0));
        out.add(row("every alert transition (firing, resolved)", "delivered at least once; duplicates counted and explained",
                r.transitions + " transitions: " + r.deliveredTransitions + " delivered, " + r.dlqOnlyTransitions
                        + " on the DLQ only (receiver failing), " + r.inhibited.size() + " held back by the instance's instance_down (inhibition), "
                        + r.superseded.size() + " superseded before delivery (the alert changed again within one group interval or while its "
                        + "alerter was down, and the later state was delivered or was what the receiver had last been told), "
                        + r.undelivered.size() + " neither; " + r.duplicateDeliveries
                        + " duplicate deliveries " + r.duplicatesByCause + " (same idempotency key)",
                r.undelivered.isEmpty() && r.transitions > 0));
        out.add(row("notifications that failed every retry", "on pgvigil.notifications.dlq, none dropped",
                r.failedEveryRetry + " messages never answered 2xx, " + r.dlqMessages + " on the DLQ, " + r.failedNotOnDlq.size() + " missing from it",
                r.failedNotOnDlq.isEmpty() && r.failedEveryRetry > 0));
        out.add(row("false alerts", "no instance_down for instances that never stopped",
                r.instanceDownTransitions + " instance_down transitions, " + r.falseInstanceDown.size() + " on instances that never stopped",
                r.falseInstanceDown.isEmpty()));
        out.add("");
        out.add("Per fault (typical collected→metrics delay outside faults: " + DrillReport.secs(r.medianMetricsDelay(warm, phases.get(0).injected())) + "):");
        out.add("");
        out.add("| fault | injected | undone | data flowing again after | max collected→metrics delay | max collection gap | max violation→delivery (or DLQ) | notes |");
        out.add("|---|---|---|---|---|---|---|---|");
        out.addAll(r.phaseRows(phases, end));
        List<String> details = new ArrayList<>();
        details.addAll(stuck.stream().map(s -> "- a fault's recovery the drill waited for in vain: " + s).toList());
        details.addAll(r.notReflected.stream().limit(20).map(s -> "- lost: " + s).toList());
        details.addAll(r.negatives.stream().limit(20).map(s -> "- negative: " + s).toList());
        details.addAll(r.spikes.stream().limit(20).map(s -> "- spike: " + s).toList());
        details.addAll(r.undelivered.stream().limit(20).map(s -> "- undelivered: " + s).toList());
        details.addAll(r.inhibited.stream().limit(20).map(s -> "- inhibited, not sent: " + s).toList());
        details.addAll(r.superseded.stream().limit(20).map(s -> "- superseded, not sent: " + s).toList());
        details.addAll(r.failedNotOnDlq.stream().limit(20).map(s -> "- failed, not on the DLQ: " + s).toList());
        details.addAll(r.falseInstanceDown.stream().limit(20).map(s -> "- false instance_down: " + s).toList());
        details.addAll(r.doubleCollections.stream().limit(20).map(s -> "- collected twice in one interval: " + s).toList());
        if (!details.isEmpty()) {
            out.add("");
            out.addAll(details);
        }
        String table = String.join("\n", out) + "\n";
        System.out.println(table);
        Files.writeString(dir.getParent().resolve("drill-results.md"), table, StandardCharsets.UTF_8);

        assertThat(stuck).as("faults not recovered from in time").isEmpty();
        assertThat(r.notReflected).as("snapshots not reflected in pgvigil.metrics").isEmpty();
        assertThat(r.duplicatePoints).as("metric points published twice").isZero();
        assertThat(r.duplicateEnvelopes).as("envelopes published twice").isZero();
        assertThat(r.negatives).as("negative interval values").isEmpty();
        assertThat(r.restartedSeries).as("rate series of the restarted cluster compared").isPositive();
        assertThat(r.spikes).as("spikes after the crash restart").isEmpty();
        assertThat(r.transitions).as("alert transitions").isPositive();
        assertThat(r.undelivered).as("transitions neither delivered nor dead-lettered").isEmpty();
        assertThat(r.failedEveryRetry).as("messages that failed every retry while the receiver failed").isPositive();
        assertThat(r.failedNotOnDlq).as("failed messages missing from pgvigil.notifications.dlq").isEmpty();
        assertThat(r.falseInstanceDown).as("instance_down on instances that never stopped").isEmpty();
    }

    private static String row(String what, String mustBe, String counted, boolean ok) {
        return "| " + what + " | " + mustBe + " | " + counted + " | " + (ok ? "yes" : "**NO**") + " |";
    }

    // --- waiting ---

    /** A line on the build's output, so whoever watches the drill knows where it is. */
    private static void progress(String what) {
        System.out.println("drill " + Instant.now().toString().substring(11, 19) + ": " + what);
    }

    private void awaitFlowing(Set<String> instances, Instant since, Duration timeout, String what) {
        await(() -> instances.stream().allMatch(id -> recorder.metrics.stream()
                .anyMatch(m -> m.instance().equals(id) && m.intervalEnd().isAfter(since))), timeout, what);
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("drill: no " + what + " within " + timeout);
            }
            LocalFleet.sleep(Duration.ofMillis(250));
        }
    }

    private Duration awaitAllInSync() throws Exception {
        long start = System.nanoTime();
        try (Admin admin = kafka.admin()) {
            await(() -> {
                try {
                    return admin.describeTopics(admin.listTopics().names().get(10, TimeUnit.SECONDS)).allTopicNames().get(10, TimeUnit.SECONDS)
                            .values().stream().flatMap(t -> t.partitions().stream()).allMatch(p -> p.isr().size() == p.replicas().size());
                } catch (Exception e) {
                    return false;
                }
            }, WAIT, "every partition back in sync");
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private void awaitAlertersShareTheViolations() {
        await(() -> {
            try {
                return assignment("alerter-1").size() + assignment("alerter-2").size() == PARTITIONS
                        && !assignment("alerter-1").isEmpty() && !assignment("alerter-2").isEmpty();
            } catch (Exception e) {
                return false;
            }
        }, WAIT, "both alerters in their group with violations partitions");
    }

    /** The violations partitions a member of the alerter group (by its static instance id) reads. */
    private Set<Integer> assignment(String groupInstanceId) throws Exception {
        try (Admin admin = kafka.admin()) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(ALERTER_GROUP)).all().get(10, TimeUnit.SECONDS).get(ALERTER_GROUP);
            Set<Integer> partitions = new HashSet<>();
            for (MemberDescription m : group.members()) {
                if (m.groupInstanceId().filter(groupInstanceId::equals).isPresent()) {
                    m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.VIOLATIONS))
                            .forEach(tp -> partitions.add(tp.partition()));
                }
            }
            return partitions;
        }
    }

    /** Which of {@code instances} have their violations on a partition the alerter reads (the producer's default partitioner). */
    private Set<String> instancesOf(String alerter, List<String> instances) throws Exception {
        Set<Integer> partitions = assignment(alerter);
        Set<String> owned = new HashSet<>();
        for (String id : instances) {
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (partitions.contains(partition)) {
                owned.add(id);
            }
        }
        return owned;
    }

    private long violationsSince(String rule, String state, Instant since) {
        return recorder.violations.stream().filter(v -> v.rule().equals(rule) && v.state().equals(state) && v.arrived().isAfter(since)).count();
    }

    private boolean firingDelivered(String rule, List<String> instances, Instant since) {
        return delivered(rule, "FIRING", instances, since);
    }

    private boolean resolvedDelivered(String rule, List<String> instances, Instant since) {
        return delivered(rule, "RESOLVED", instances, since);
    }

    /** Every instance's transition of {@code rule} into {@code state} seen on the topic after {@code since} was answered 2xx. */
    private boolean delivered(String rule, String state, List<String> instances, Instant since) {
        Set<String> keys = new HashSet<>();
        recorder.violations.stream().filter(v -> v.rule().equals(rule) && v.state().equals(state) && v.arrived().isAfter(since))
                .forEach(v -> keys.add(v.key()));
        long instancesWithOne = recorder.violations.stream().filter(v -> v.rule().equals(rule) && v.state().equals(state) && v.arrived().isAfter(since))
                .map(TopicRecorder.Transition::instance).distinct().count();
        if (instancesWithOne < instances.size()) {
            return false;
        }
        Set<String> got = new HashSet<>();
        receiver.deliveries().stream().filter(WebhookReceiver.Delivery::succeeded)
                .forEach(d -> d.alertKeys().forEach(k -> got.add(k.substring(0, k.lastIndexOf(':')))));
        return got.containsAll(keys);
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (Files.exists(root)) {
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static Set<String> ids(List<String> ids) {
        return Set.copyOf(ids);
    }
}
