package dev.pgvigil.collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A local port nothing listens on: a target there fails fast, and its cycles are quick FAILED snapshots. */
final class ClosedPort {
    private ClosedPort() {}

    static int any() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort(); // nothing listens there once closed
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
