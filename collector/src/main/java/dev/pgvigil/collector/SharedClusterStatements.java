package dev.pgvigil.collector;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.catalogue.conninfo.TargetUrl;
import dev.pgvigil.catalogue.read.ClusterStatements;
import java.util.HashMap;
import java.util.Map;

/**
 * What this collector's targets share of pg_stat_statements, one {@link ClusterStatements} per server and
 * role: the databases of one cluster watched as separate targets read the server's statements and text file
 * once between them. A cluster's share is dropped when the last of its targets stops here.
 */
final class SharedClusterStatements {
    /** Where a target connects and as whom, as its URL says: two spellings of one server simply do not share. */
    private record Cluster(String hosts, String socketHost, String port, String user) {
        static Cluster of(TargetConfig target) {
            TargetUrl url = target.parsedUrl();
            return new Cluster(url.hosts(), url.params().get("host"), url.params().get("port"), target.effectiveUser());
        }
    }

    private final Map<Cluster, ClusterStatements> byCluster = new HashMap<>();

    /** What {@code target} shares with the others of its cluster; {@link #release} it when the target stops. */
    synchronized ClusterStatements acquire(TargetConfig target) {
        ClusterStatements shared = byCluster.computeIfAbsent(Cluster.of(target), c -> new ClusterStatements());
        shared.join();
        return shared;
    }

    synchronized void release(TargetConfig target) {
        Cluster cluster = Cluster.of(target);
        ClusterStatements shared = byCluster.get(cluster);
        if (shared != null) {
            shared.leave();
            if (!shared.inUse()) {
                byCluster.remove(cluster);
            }
        }
    }

    /** How many clusters' shares are held: for tests. */
    synchronized int clusters() {
        return byCluster.size();
    }
}
