package dev.pgvigil.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvigil.web.DashboardData.InstanceStatus;
import dev.pgvigil.web.DashboardData.InstanceSummary;
import dev.pgvigil.web.DashboardData.ReplicationLink;
import dev.pgvigil.web.DashboardData.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grouping rule's edges: one primary, several sharing the identifier (the slot decides), none. */
class FleetGroupingTest {
    private static InstanceSummary instance(String id, Role role, ReplicationLink link) {
        return new InstanceSummary(id, InstanceStatus.UP, null, null, null, null, null, null, role, link, null);
    }

    private static ReplicationLink primaryOf(String sysid, String... standbySlots) {
        return new ReplicationLink(sysid, null, null, List.of(standbySlots));
    }

    private static ReplicationLink standbyOf(String sysid, String slot) {
        return new ReplicationLink(sysid, "db:5432", slot, List.of());
    }

    @Test
    void aStandbyGoesUnderTheOnePrimaryOfItsCluster() {
        List<InstanceSummary> fleet = FleetGrouping.group(List.of(
                instance("a", Role.PRIMARY, primaryOf("1")),
                instance("a2", Role.STANDBY, standbyOf("1", null)),
                instance("b", Role.PRIMARY, primaryOf("2")),
                instance("unknown", Role.UNKNOWN, null)));
        assertThat(fleet).extracting(InstanceSummary::primaryId).containsExactly(null, "a", null, null);
    }

    @Test
    void whenPrimariesShareTheIdentifierTheSlotDecides() {
        // after a failover the old primary still runs: the new one streams through the standby's slot
        InstanceSummary old = instance("old", Role.PRIMARY, primaryOf("1"));
        InstanceSummary promoted = instance("new", Role.PRIMARY, primaryOf("1", "s1"));
        assertThat(FleetGrouping.primaryOf(instance("s", Role.STANDBY, standbyOf("1", "s1")), List.of(old, promoted))).isEqualTo("new");
        assertThat(FleetGrouping.primaryOf(instance("s", Role.STANDBY, standbyOf("1", null)), List.of(old, promoted)))
                .as("no slot to tell them apart: on its own").isNull();
        InstanceSummary clone = instance("clone", Role.PRIMARY, primaryOf("1", "s1"));
        assertThat(FleetGrouping.primaryOf(instance("s", Role.STANDBY, standbyOf("1", "s1")), List.of(promoted, clone)))
                .as("still ambiguous").isNull();
    }

    @Test
    void aStandbyWithoutAMonitoredPrimaryStandsAlone() {
        List<InstanceSummary> fleet = FleetGrouping.group(List.of(
                instance("s", Role.STANDBY, standbyOf("9", "x")),
                instance("t", Role.STANDBY, null),
                instance("p", Role.PRIMARY, primaryOf("1", "x"))));
        assertThat(fleet).extracting(InstanceSummary::primaryId).containsOnlyNulls();
        assertThat(fleet).extracting(InstanceSummary::role).containsExactly(Role.STANDBY, Role.STANDBY, Role.PRIMARY);
    }
}
