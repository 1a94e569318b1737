package dev.pgvigil.web;

import dev.pgvigil.web.DashboardData.InstanceSummary;
import dev.pgvigil.web.DashboardData.ReplicationLink;
import dev.pgvigil.web.DashboardData.Role;
import java.util.List;

/**
 * Which monitored primary a standby belongs under. The link is the cluster's system identifier
 * ({@code pg_control_system()}): a physical standby is a copy of its primary's cluster and keeps its
 * identifier, and unlike host names and ports it reads the same from the standby, the primary and
 * the collector. A standby goes under the one monitored primary with its identifier. When several
 * primaries share it (a failover whose old primary still runs, clusters cloned from one backup), the
 * one whose {@code pg_stat_replication} streams through the slot the standby's WAL receiver uses
 * wins. No primary, or still more than one: the standby has no primary and is listed on its own,
 * with its role, never hidden. A cascading standby goes under its cluster's primary; its upstream
 * (the receiver's host:port) is shown as it is.
 */
final class FleetGrouping {
    private FleetGrouping() {}

    /** The fleet with each standby's {@code primaryId} set (null when it cannot be matched), in the same order. */
    static List<InstanceSummary> group(List<InstanceSummary> fleet) {
        return fleet.stream().map(s -> s.withPrimaryId(primaryOf(s, fleet))).toList();
    }

    /** The id of the standby's primary among {@code fleet}; null for a primary, an unknown role or no single match. */
    static String primaryOf(InstanceSummary standby, List<InstanceSummary> fleet) {
        ReplicationLink link = standby.replication();
        if (standby.role() != Role.STANDBY || link == null || link.systemIdentifier() == null) {
            return null;
        }
        List<InstanceSummary> sameCluster = fleet.stream()
                .filter(p -> p.role() == Role.PRIMARY && p.replication() != null
                        && link.systemIdentifier().equals(p.replication().systemIdentifier()))
                .toList();
        if (sameCluster.size() == 1) {
            return sameCluster.get(0).id();
        }
        String slot = link.receiverSlot();
        List<InstanceSummary> bySlot = slot == null ? List.of()
                : sameCluster.stream().filter(p -> p.replication().standbySlots().contains(slot)).toList();
        return bySlot.size() == 1 ? bySlot.get(0).id() : null;
    }
}
