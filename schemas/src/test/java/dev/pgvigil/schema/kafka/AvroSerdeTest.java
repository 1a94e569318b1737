package dev.pgvigil.schema.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.Severity;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.StatementStat;
import dev.pgvigil.schema.StatementsChunk;
import dev.pgvigil.schema.Violation;
import dev.pgvigil.schema.ViolationState;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
    private final AvroSerde<Violation> serde = Serdes.violation();

    private static Violation violation() {
        return Violation.newBuilder()
                .setFingerprint("f1").setRule("cache_hit_ratio").setInstanceId("db1").setObject("app")
                .setLabels(Map.of("env", "prod")).setSeverity(Severity.CRITICAL).setState(ViolationState.FIRING)
                .setValue(0.42).setThreshold(0.5).setMessage("cache hit 42 %")
                .setStartsAt(Instant.ofEpochMilli(1_700_000_000_000L)).setObservedAt(Instant.ofEpochMilli(1_700_000_010_000L))
                .build();
    }

    @Test
    void roundTripsAndKeepsTombstones() {
        byte[] bytes = serde.serialize("t", violation());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(serde.deserialize("t", bytes)).isEqualTo(violation());
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void writesExactlyAvrosSingleObjectEncoding() throws Exception {
        ByteArrayOutputStream reference = new ByteArrayOutputStream();
        new BinaryMessageEncoder<Violation>(SpecificData.getForSchema(Violation.getClassSchema()), Violation.getClassSchema())
                .encode(violation(), reference);
        assertThat(serde.serialize("t", violation())).isEqualTo(reference.toByteArray());

        // a chunk of records with generated encoders (no logical types) inside one without
        StatementsChunk chunk = Serdes.statements().deserialize("t", Serdes.statements().serialize("t", statements(300)));
        ByteArrayOutputStream chunkReference = new ByteArrayOutputStream();
        new BinaryMessageEncoder<StatementsChunk>(SpecificData.getForSchema(StatementsChunk.getClassSchema()), StatementsChunk.getClassSchema())
                .encode(statements(300), chunkReference);
        assertThat(Serdes.statements().serialize("t", statements(300))).isEqualTo(chunkReference.toByteArray());
        assertThat(chunk).isEqualTo(statements(300));
    }

    private static StatementsChunk statements(int n) {
        List<StatementStat> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(StatementStat.newBuilder().setQueryId(i).setUserId(10).setDbId(5).setDatname("shop").setQuery("SELECT " + i)
                    .setCalls(i * 3L).setTotalExecTimeMs(i * 1.5).setMeanExecTimeMs(0.5).setMinExecTimeMs(0.1).setMaxExecTimeMs(9)
                    .setStddevExecTimeMs(0.2).setRows(i).setSharedBlksHit(i).setSharedBlksRead(1).setSharedBlksDirtied(0)
                    .setSharedBlksWritten(0).setTempBlksRead(0).setTempBlksWritten(0).setBlkReadTimeMs(0).setBlkWriteTimeMs(0)
                    .setWalBytes(i % 2 == 0 ? null : 100L).build());
        }
        return StatementsChunk.newBuilder()
                .setRef(SnapshotRef.newBuilder().setInstanceId("db1").setSnapshotId("s1").setCollectedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build())
                .setChunk(ChunkInfo.newBuilder().setIndex(0).setCount(1).setFull(true).build())
                .setStatements(list).build();
    }

    @Test
    void garbageIsASerializationExceptionNamingTheTopic() {
        assertThatThrownBy(() -> serde.deserialize("pgvigil.violations", new byte[] {1, 2, 3}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("pgvigil.violations");
    }

    @Test
    void readsRecordsWrittenWithAnOlderSchemaOnceToldAboutIt() throws Exception {
        // an older Violation without labels and snapshotId (both have defaults today)
        Schema current = Violation.getClassSchema();
        Schema older = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false,
                current.getFields().stream()
                        .filter(f -> !f.name().equals("labels") && !f.name().equals("snapshotId"))
                        .map(f -> new Schema.Field(f, f.schema()))
                        .toList());
        assertThat(older.getField("labels")).isNull();
        GenericRecord old = new GenericData.Record(older);
        Violation v = violation();
        for (Schema.Field f : older.getFields()) {
            Object value = v.get(f.name());
            if (value instanceof Instant i) {
                value = i.toEpochMilli();
            } else if (value instanceof Enum<?> e) {
                value = new GenericData.EnumSymbol(f.schema(), e.name());
            }
            old.put(f.name(), value);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old, out);

        assertThatThrownBy(() -> serde.deserialize("t", out.toByteArray())).isInstanceOf(SerializationException.class);
        Violation read = Serdes.violation().alsoReading(older).deserialize("t", out.toByteArray());
        assertThat(read.getLabels()).isEmpty();
        assertThat(read.getRule()).isEqualTo("cache_hit_ratio");
        assertThat(read.getObservedAt()).isEqualTo(v.getObservedAt());
    }
}
