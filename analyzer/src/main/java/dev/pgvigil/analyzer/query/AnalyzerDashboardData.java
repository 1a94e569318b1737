package dev.pgvigil.analyzer.query;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.pgvigil.analyzer.TopologyNames;
import dev.pgvigil.common.http.HttpError;
import dev.pgvigil.web.DashboardData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's read side over the analyzer's state. An instance's state lives in the copy that owns
 * its partition: a question about it is answered here when this copy owns it, and otherwise forwarded
 * to the owner ({@code application.server} metadata) over its {@code /internal/...} routes. Fleet-wide
 * questions ask every copy and merge. Alerts come from a global store that every copy has whole.
 */
public final class AnalyzerDashboardData implements DashboardData {
    private static final Logger log = LoggerFactory.getLogger(AnalyzerDashboardData.class);
    private static final StringSerializer KEYS = new StringSerializer();

    private final KafkaStreams streams;
    private final LocalQueries local;
    private final HostInfo self;
    private final PeerClient peers;
    private final BaselineRequests baselineRequests;

    AnalyzerDashboardData(KafkaStreams streams, LocalQueries local, HostInfo self, PeerClient peers, BaselineRequests baselineRequests) {
        this.streams = streams;
        this.local = local;
        this.self = self;
        this.peers = peers;
        this.baselineRequests = baselineRequests;
    }

    @Override
    public List<InstanceSummary> fleet() {
        Map<String, InstanceSummary> byId = new LinkedHashMap<>();
        stateful(local::fleet).forEach(s -> byId.put(s.id(), s));
        for (StreamsMetadata copy : streams.metadataForAllStreamsClients()) {
            HostInfo host = copy.hostInfo();
            if (host.equals(self) || host.equals(HostInfo.unavailable())) {
                continue;
            }
            List<InstanceSummary> theirs = peers.<List<InstanceSummary>>get(host, InternalRoutes.PREFIX + "/fleet", Map.of(),
                    list(InstanceSummary.class)).orElse(List.of());
            theirs.forEach(s -> byId.merge(s.id(), s, AnalyzerDashboardData::newer));
        }
        return new ArrayList<>(byId.values());
    }

    /** During a hand-over two copies may both report an instance: the one with the newer snapshot wins. */
    private static InstanceSummary newer(InstanceSummary a, InstanceSummary b) {
        if (a.lastSnapshotAt() == null) {
            return b;
        }
        return b.lastSnapshotAt() != null && b.lastSnapshotAt().isAfter(a.lastSnapshotAt()) ? b : a;
    }

    @Override
    public Optional<InstanceDetail> instance(String instanceId) {
        return owned(instanceId, l -> l.instance(instanceId), "", Map.of(), type(InstanceDetail.class));
    }

    @Override
    public List<Series> series(SeriesQuery q) {
        Map<String, String> params = Map.of("metric", q.metric(), "labels", peers.json(q.labels()),
                "from", String.valueOf(q.from().toEpochMilli()), "to", String.valueOf(q.to().toEpochMilli()),
                "resolution", q.resolution().wireName());
        return owned(q.instanceId(), l -> Optional.of(l.series(q)), "/series", params, list(Series.class)).orElse(List.of());
    }

    @Override
    public Optional<ReplicationStatus> replication(String instanceId) {
        return owned(instanceId, l -> l.replication(instanceId), "/replication", Map.of(), type(ReplicationStatus.class));
    }

    @Override
    public List<FindingEntry> findings(String instanceId) {
        return owned(instanceId, l -> Optional.of(l.findings(instanceId)), "/findings", Map.of(), list(FindingEntry.class)).orElse(List.of());
    }

    @Override
    public List<Alert> alerts(AlertQuery query) {
        return stateful(() -> local.alerts(query));
    }

    @Override
    public List<BaselineSummary> baselines(String instanceId) {
        return owned(instanceId, l -> Optional.of(l.baselines(instanceId)), "/baselines", Map.of(), list(BaselineSummary.class))
                .orElse(List.of());
    }

    @Override
    public Optional<BaselineComparison> compareBaseline(String instanceId, String baselineName) {
        return owned(instanceId, l -> l.compareBaseline(instanceId, baselineName), "/baselines/" + PeerClient.segment(baselineName) + "/compare",
                Map.of(), type(BaselineComparison.class));
    }

    @Override
    public List<TopStatement> topStatements(String instanceId, Instant from, Instant to, int limit) {
        Map<String, String> params = Map.of("from", String.valueOf(from.toEpochMilli()), "to", String.valueOf(to.toEpochMilli()),
                "limit", String.valueOf(limit));
        return owned(instanceId, l -> Optional.of(l.topStatements(instanceId, from, to, limit)), "/statements/top", params,
                list(TopStatement.class)).orElse(List.of());
    }

    @Override
    public void requestBaseline(String instanceId, String name) {
        baselineRequests.request(instanceId, name);
    }

    /** Where the instance's state lives: empty when it is here (or nobody holds it yet), else the owner. */
    Optional<HostInfo> owner(String instanceId) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(TopologyNames.INSTANCES_STORE, instanceId, KEYS);
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) || metadata.activeHost().equals(self)) {
            return Optional.empty();
        }
        return Optional.of(metadata.activeHost());
    }

    private <T> Optional<T> owned(String instanceId, Function<LocalQueries, Optional<T>> here, String path, Map<String, String> params,
                                  JavaType type) {
        Optional<HostInfo> owner = owner(instanceId);
        if (owner.isEmpty()) {
            return stateful(() -> here.apply(local));
        }
        log.debug("forwarding {}{} to {}", instanceId, path, owner.get());
        return peers.get(owner.get(), InternalRoutes.PREFIX + "/instances/" + PeerClient.segment(instanceId) + path, params, type);
    }

    /** A store that is not queryable (starting, rebalancing, restoring) is a 503 the page retries, not a 500. */
    private static <T> T stateful(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (InvalidStateStoreException e) {
            throw new HttpError(503, "the analyzer is starting or rebalancing (" + e.getMessage() + "); try again shortly")
                    .withHeader("Retry-After", "2");
        }
    }

    private static JavaType type(Class<?> c) {
        return TypeFactory.defaultInstance().constructType(c);
    }

    private static JavaType list(Class<?> element) {
        return TypeFactory.defaultInstance().constructCollectionType(List.class, element);
    }
}
