package dev.pgvigil.collector;

import dev.pgvigil.catalogue.conninfo.TargetConfig;
import dev.pgvigil.catalogue.conninfo.TargetUrl;
import dev.pgvigil.catalogue.read.ClusterStatementTexts;
import java.util.HashMap;
import java.util.Map;

/**
 * The statement texts this collector's targets share, one {@link ClusterStatementTexts} per server and
 * role: the databases of one cluster watched as separate targets read the server's text file once between
 * them. A cluster's texts are dropped when the last of its targets stops here.
 */
final class SharedStatementTexts {
    /** Where a target connects and as whom, as its URL says: two spellings of one server simply do not share. */
    private record Cluster(String hosts, String socketHost, String port, String user) {
        static Cluster of(TargetConfig target) {
            TargetUrl url = target.parsedUrl();
            return new Cluster(url.hosts(), url.params().get("host"), url.params().get("port"), target.effectiveUser());
        }
    }

    private static final class Users {
        final ClusterStatementTexts texts = new ClusterStatementTexts();
        int targets;
    }

    private final Map<Cluster, Users> byCluster = new HashMap<>();

    /** The texts {@code target} shares with the others of its cluster; {@link #release} it when the target stops. */
    synchronized ClusterStatementTexts acquire(TargetConfig target) {
        Users users = byCluster.computeIfAbsent(Cluster.of(target), c -> new Users());
        users.targets++;
        return users.texts;
    }

    synchronized void release(TargetConfig target) {
        Cluster cluster = Cluster.of(target);
        Users users = byCluster.get(cluster);
        if (users != null && --users.targets == 0) {
            byCluster.remove(cluster);
        }
    }

    /** How many clusters' texts are held: for tests. */
    synchronized int clusters() {
        return byCluster.size();
    }
}
