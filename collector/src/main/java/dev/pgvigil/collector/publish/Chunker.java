package dev.pgvigil.collector.publish;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Packs entities into groups whose encoded size stays under a byte budget. Sizes are measured by
 * encoding each entity exactly as Avro will inside the chunk, so the cap is real, not estimated.
 */
final class Chunker {
    /** Room for the chunk's header: single-object marker and fingerprint, SnapshotRef, ChunkInfo, array block counts. */
    static final int OVERHEAD_BYTES = 1024;

    private Chunker() {}

    /**
     * Groups of {@code entities} in order, each encoding to at most {@code maxBytes} with its chunk header.
     * An entity too big for any chunk is left out and reported to {@code dropped}. No entities: one empty group.
     */
    static <E extends SpecificRecord> List<List<E>> split(List<E> entities, int maxBytes, Consumer<E> dropped) {
        List<List<E>> groups = new ArrayList<>();
        List<E> current = new ArrayList<>();
        long currentBytes = OVERHEAD_BYTES;
        SizeCounter counter = new SizeCounter();
        for (E entity : entities) {
            int size = counter.sizeOf(entity);
            if (OVERHEAD_BYTES + size > maxBytes) {
                dropped.accept(entity);
                continue;
            }
            if (currentBytes + size > maxBytes && !current.isEmpty()) {
                groups.add(current);
                current = new ArrayList<>();
                currentBytes = OVERHEAD_BYTES;
            }
            current.add(entity);
            currentBytes += size;
        }
        if (!current.isEmpty() || groups.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    /** Encodes into a byte counter, reusing the writer while the schema stays the same. */
    private static final class SizeCounter extends OutputStream {
        private long count;
        private BinaryEncoder encoder;
        private SpecificDatumWriter<SpecificRecord> writer;
        private org.apache.avro.Schema writerSchema;

        int sizeOf(SpecificRecord record) {
            if (writer == null || writerSchema != record.getSchema()) {
                writerSchema = record.getSchema();
                writer = new SpecificDatumWriter<>(writerSchema);
            }
            count = 0;
            try {
                encoder = EncoderFactory.get().directBinaryEncoder(this, encoder);
                writer.write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // counting never does I/O
            }
            return Math.toIntExact(count);
        }

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
