package dev.pgvigil.alerter;

import dev.pgvigil.alerter.channel.Channel;
import dev.pgvigil.alerter.channel.Channels;
import dev.pgvigil.alerter.config.AlerterConfig;
import dev.pgvigil.alerter.config.DurationText;
import dev.pgvigil.alerter.http.AlerterApi;
import dev.pgvigil.alerter.model.AlertView;
import dev.pgvigil.alerter.notify.DeadLetterTopic;
import dev.pgvigil.alerter.notify.DedupStage;
import dev.pgvigil.alerter.notify.Deliverer;
import dev.pgvigil.alerter.notify.GroupStage;
import dev.pgvigil.alerter.notify.InhibitStage;
import dev.pgvigil.alerter.notify.NotificationPipeline;
import dev.pgvigil.alerter.notify.RetryPolicy;
import dev.pgvigil.alerter.notify.RouteStage;
import dev.pgvigil.alerter.notify.SilenceStage;
import dev.pgvigil.alerter.state.AlertBook;
import dev.pgvigil.alerter.state.AlertStateStore;
import dev.pgvigil.alerter.state.SilenceStore;
import dev.pgvigil.common.config.KafkaSettings;
import dev.pgvigil.common.http.HealthChecks;
import dev.pgvigil.common.http.HttpApiServer;
import dev.pgvigil.common.http.Router;
import dev.pgvigil.common.http.ServiceEndpoints;
import dev.pgvigil.common.kafka.KafkaDenied;
import dev.pgvigil.common.metrics.ServiceMeters;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerter service: violations in, notifications out, nothing lost. This class only assembles the
 * parts and starts and stops them:
 * <ul>
 * <li>{@link AlertLoop}, the one thread that owns the alerts, polls and commits;</li>
 * <li>{@link ViolationIntake} updates the {@link AlertBook} from a batch of violations, writes the changed
 * alerts to the compacted alerts topic, waits until the broker has them, and only then commits the
 * violations' offsets: a violation is either not yet committed (and read again after a crash) or its
 * alert, owing a notification, is in the alerts topic (and re-driven after a crash);</li>
 * <li>{@link Dispatcher} sends the groups whose time has come ({@link GroupStage}) through the
 * {@link NotificationPipeline} (inhibit → silence → dedup → route) to the {@link Deliverer} (retries, on
 * other threads); when delivery is done it stamps the alerts as notified and writes them again. A crash
 * before the stamp means the notification goes out again, with the same idempotency key;</li>
 * <li>{@link PartitionOwnership}: an alert lives in the alerts partition with the number of the violations
 * partition it came from, so several alerters in one consumer group split the instances between them,
 * and on a rebalance each loads exactly the alerts it was given;</li>
 * <li>{@link Housekeeping} forgets finished alerts and old silences; {@link AlertViews} is what the HTTP
 * API ({@link AlerterApi}) and the meters read.</li>
 * </ul>
 */
public final class Alerter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Alerter.class);
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final int DELIVERY_THREADS = 4;

    private final AlerterTopics topics;
    private final ServiceMeters meters = new ServiceMeters("alerter");
    private final HealthChecks health = new HealthChecks();
    private final AlertBook book = new AlertBook();
    private final SilenceStore silences;
    private final Deliverer deliverer;
    private final AlertViews views;
    private final Dispatcher dispatcher;
    private final PartitionOwnership ownership;
    private final AlertLoop loop;
    private final AlerterApi api;
    private final HttpApiServer http;

    private Alerter(KafkaSettings kafka, AlerterConfig config, AlerterTopics topics, Clock clock) {
        this.topics = topics;
        Map<String, Channel> channels = Channels.from(config);
        AlerterClients clients = AlerterClients.open(kafka, config, topics);
        SilenceStore silenceStore = null;
        HttpApiServer server = null;
        try {
            silenceStore = SilenceStore.open(clients.properties(), topics.silences(), true, LOAD_TIMEOUT);
            this.silences = silenceStore;
            AlerterMeters alerterMeters = new AlerterMeters(meters.registry());
            AlertStateStore states = new AlertStateStore(topics.alerts(), clients.producer());
            GroupStage groups = new GroupStage(config.groupWait(), config.groupInterval());
            InhibitStage inhibit = new InhibitStage(Set.copyOf(config.inhibitingRules()));
            SilenceStage silence = new SilenceStage(silences::active);
            DedupStage dedup = new DedupStage(config.repeatInterval());
            NotificationPipeline pipeline = new NotificationPipeline(List.of(inhibit, silence, dedup, RouteStage.from(config)));
            this.deliverer = new Deliverer(channels, RetryPolicy.from(config.retry()),
                    new DeadLetterTopic(topics.notificationsDlq(), clients.producer()), clock, DELIVERY_THREADS);
            this.views = new AlertViews(book, inhibit, silence, dedup);
            this.dispatcher = new Dispatcher(book, groups, pipeline, deliverer, states, alerterMeters);
            this.ownership = new PartitionOwnership(clients, topics.violations(), states, book, groups, dedup, views, clock);
            this.loop = new AlertLoop(clients, kafka, topics.violations(), clock, ownership,
                    new ViolationIntake(clients, topics, states, book, groups, alerterMeters), groups, dispatcher,
                    new Housekeeping(book, states, groups, silences, config.resolvedRetention(), dispatcher.inFlight(), views));
            this.api = new AlerterApi(views::current, silences, clock);
            meters.bindKafkaProducer(clients.producer()).bindKafkaConsumer(clients.consumer());
            Gauge.builder("pgvigil.alerter.alerts.firing", views::firing)
                    .description("Firing alerts this alerter owns").register(meters.registry());
            health.register("alerter", this::healthCheck);
            if (config.httpEnabled()) {
                Router router = api.addTo(new Router());
                ServiceEndpoints.addTo(router, health, meters.registry());
                server = HttpApiServer.start(config.http(), router, config.http().token(), meters.registry());
            }
            this.http = server;
        } catch (IOException | RuntimeException e) {
            if (silenceStore != null) {
                silenceStore.close();
            }
            clients.close(Duration.ZERO);
            meters.close();
            if (e instanceof IOException) {
                throw new IllegalStateException("alerter HTTP API cannot listen on " + config.http().bindAddress() + ":"
                        + config.http().port() + ": " + e.getMessage(), e);
            }
            throw (RuntimeException) e;
        }
        log.info("alerter: channels {}, group wait {}, group interval {}, repeat {}{}", channels.keySet(),
                DurationText.format(config.groupWait()), DurationText.format(config.groupInterval()),
                DurationText.format(config.repeatInterval()),
                http == null ? "" : ", HTTP API on " + http.baseUri());
    }

    /** Starts an alerter on pgvigil's topics. */
    public static Alerter start(KafkaSettings kafka, AlerterConfig config) {
        return start(kafka, config, AlerterTopics.DEFAULT, Clock.systemUTC());
    }

    public static Alerter start(KafkaSettings kafka, AlerterConfig config, AlerterTopics topics, Clock clock) {
        Alerter alerter = new Alerter(kafka, config, topics, clock);
        alerter.loop.start();
        return alerter;
    }

    /** Waits until this alerter was given its partitions and loaded their alerts. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ownership.awaitReady(timeout);
    }

    /** Waits until the alerter stops (closed, or its loop failed). */
    public void awaitStopped() throws InterruptedException {
        loop.awaitStopped();
    }

    /** Completed when Kafka refused the login or an ACL, which stopped the alerter (close it then). */
    public CompletableFuture<KafkaDenied> denied() {
        return loop.denied().copy();
    }

    /** The alerts this alerter owns, as of its last look (at most a second old). */
    public List<AlertView> alerts() {
        return views.current();
    }

    public Optional<InetSocketAddress> httpAddress() {
        return Optional.ofNullable(http).map(HttpApiServer::address);
    }

    /**
     * Adds the alerter's API routes to another server's router, for standalone mode serving everything
     * from one port (then run the alerter with {@code httpEnabled: false}).
     */
    public Router addRoutesTo(Router router) {
        return api.addTo(router);
    }

    public SilenceStore silences() {
        return silences;
    }

    /** UP while the loop runs and owns its partitions (after the first assignment). */
    private HealthChecks.Check healthCheck() {
        if (!loop.isAlive()) {
            return HealthChecks.Check.down("the alerter loop has stopped");
        }
        if (!ownership.isReady()) {
            return HealthChecks.Check.down("waiting for partitions of " + topics.violations());
        }
        return HealthChecks.Check.up(book.size() + " alerts, " + dispatcher.inFlight().size() + " being delivered");
    }

    /**
     * Stops: deliveries still being retried are dropped (their alerts stay unstamped, so they go out
     * again after a restart), then the loop, the clients and the HTTP API.
     */
    @Override
    public void close() {
        loop.requestStop();
        deliverer.close();
        loop.join(STOP_TIMEOUT);
        if (http != null) {
            http.close();
        }
        silences.close();
        meters.close();
    }
}
