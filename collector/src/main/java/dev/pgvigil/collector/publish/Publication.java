package dev.pgvigil.collector.publish;

import dev.pgvigil.schema.SnapshotInfo;
import java.util.List;

/** The records of one snapshot: its chunks, then the envelope, which must be published last. */
public record Publication(List<OutRecord> chunks, OutRecord envelope) {
    public Publication {
        chunks = List.copyOf(chunks);
    }

    public SnapshotInfo info() {
        return (SnapshotInfo) envelope.value();
    }
}
