package dev.pgvigil.schema.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvigil.schema.ChunkInfo;
import dev.pgvigil.schema.SnapshotInfo;
import dev.pgvigil.schema.SnapshotRef;
import dev.pgvigil.schema.SnapshotStatus;
import dev.pgvigil.schema.TableStat;
import dev.pgvigil.schema.TablesChunk;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class AvroJsonTest {
    private static final Instant AT = Instant.parse("2025-03-04T05:06:07.890Z");
    private static final SnapshotRef REF = new SnapshotRef("db-1", "5b7c", AT);

    @Test
    void envelopeRendersTimestampsEnumsUnionsAndMaps() throws Exception {
        SnapshotInfo info = SnapshotInfo.newBuilder().setRef(REF).setStatus(SnapshotStatus.PARTIAL)
                .setLabels(Map.of("env", "prod")).setWarnings(List.of("pg_stat_statements is not installed"))
                .setServerVersionNum(150014).setPostmasterStartTime(AT.minusSeconds(60)).setChunkCounts(Map.of("tables", 2))
                .build();

        JsonNode json = new ObjectMapper().readTree(AvroJson.toJsonString(info));

        assertThat(json.at("/ref/collectedAt").asText()).isEqualTo("2025-03-04T05:06:07.890Z");
        assertThat(json.at("/status").asText()).isEqualTo("PARTIAL");
        assertThat(json.at("/serverVersionNum").isInt()).isTrue();
        assertThat(json.at("/serverVersionNum").asInt()).isEqualTo(150014); // not {"int": 150014}
        assertThat(json.at("/postmasterStartTime").asText()).isEqualTo("2025-03-04T05:05:07.890Z");
        assertThat(json.get("error").isNull()).isTrue();
        assertThat(json.get("statementsResetAt").isNull()).isTrue();
        assertThat(json.at("/labels/env").asText()).isEqualTo("prod");
        assertThat(json.at("/chunkCounts/tables").asInt()).isEqualTo(2);
        assertThat(json.at("/warnings/0").asText()).contains("pg_stat_statements");
    }

    @Test
    void nestedRecordsInArraysAndNullableCounters() {
        TableStat t = TableStat.newBuilder().setDatname("app").setRelid(16384).setSchemaName("public").setTableName("orders")
                .setSeqScan(3).setSeqTupRead(30).setIdxScan(null).setIdxTupFetch(null).setNTupIns(10).setNTupUpd(0)
                .setNTupDel(0).setNTupHotUpd(0).setNLiveTup(10).setNDeadTup(1).setNModSinceAnalyze(10).setNInsSinceVacuum(10L)
                .setLastAutovacuum(AT).setVacuumCount(0).setAutovacuumCount(1).setAnalyzeCount(0).setAutoanalyzeCount(0)
                .setHeapBlksRead(1).setHeapBlksHit(2).setHeapSizeBytes(8192).setIndexesSizeBytes(0).setToastSizeBytes(0)
                .setReloptions(List.of("fillfactor=90")).build();
        TablesChunk chunk = new TablesChunk(REF, new ChunkInfo(0, 1, true), List.of(t));

        JsonNode json = AvroJson.toJson(chunk);

        JsonNode table = json.at("/tables/0");
        assertThat(table.get("idxScan").isNull()).isTrue();
        assertThat(table.get("nInsSinceVacuum").asLong()).isEqualTo(10);
        assertThat(table.get("lastAutovacuum").asText()).isEqualTo(AT.toString());
        assertThat(table.get("lastVacuum").isNull()).isTrue();
        assertThat(table.get("reloptions").get(0).asText()).isEqualTo("fillfactor=90");
        assertThat(json.at("/chunk/full").asBoolean()).isTrue();
        assertThat(AvroJson.toPrettyJsonString(chunk)).contains("\n");
    }

    @Test
    void genericRecordsWithLongTimestampsAndNonFiniteDoubles() {
        Schema schema = new Schema.Parser().parse("""
                {"type":"record","name":"G","fields":[
                 {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
                 {"name":"ratio","type":"double"},
                 {"name":"maybe","type":["null","string"]}]}""");
        GenericRecord r = new GenericData.Record(schema);
        r.put("at", AT.toEpochMilli());
        r.put("ratio", Double.NaN);
        r.put("maybe", "x");

        JsonNode json = AvroJson.toJson(r);

        assertThat(json.get("at").asText()).isEqualTo(AT.toString());
        assertThat(json.get("ratio").asText()).isEqualTo("NaN");
        assertThat(json.get("maybe").asText()).isEqualTo("x");
    }
}
