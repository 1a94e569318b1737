package dev.pgvigil.drill;

import java.time.Instant;
import java.util.Set;

/**
 * One fault of the drill: when it was done and undone, which instances it could delay, and from when their data
 * is expected to flow again ({@code recoveryFrom}: the injection, or the undoing for a fault that stops an instance
 * on purpose). {@code note} is what the drill saw that the topics cannot tell (e.g. a held notification sent again).
 */
record Phase(String name, Instant injected, Instant undone, Set<String> affected, Instant recoveryFrom, String note) {}
