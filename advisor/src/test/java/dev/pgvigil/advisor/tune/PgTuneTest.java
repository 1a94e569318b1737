package dev.pgvigil.advisor.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvigil.advisor.tune.PgTune.Recommendation;
import dev.pgvigil.advisor.tune.TuneInput.Storage;
import dev.pgvigil.advisor.tune.TuneInput.Workload;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Against PGTune's own outputs (pgtune.leopard.in.ua, Linux) for the same inputs. */
class PgTuneTest {
    static final long GB = 1024L * 1024 * 1024;

    static Map<String, String> tune(long ramGb, int cpus, Storage storage, Workload workload, Integer connections, int version) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Recommendation r : PgTune.recommend(new TuneInput(ramGb * GB, cpus, storage, workload, connections, version))) {
            m.put(r.name(), r.value());
        }
        return m;
    }

    @Test
    void web16GbFourCpusSsd() {
        assertThat(tune(16, 4, Storage.SSD, Workload.WEB, null, 15)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("max_connections", "200"),
                Map.entry("shared_buffers", "4GB"),
                Map.entry("effective_cache_size", "12GB"),
                Map.entry("maintenance_work_mem", "1GB"),
                Map.entry("checkpoint_completion_target", "0.9"),
                Map.entry("wal_buffers", "16MB"),
                Map.entry("default_statistics_target", "100"),
                Map.entry("random_page_cost", "1.1"),
                Map.entry("effective_io_concurrency", "200"),
                Map.entry("work_mem", "20560kB"),
                Map.entry("huge_pages", "try"),
                Map.entry("min_wal_size", "1GB"),
                Map.entry("max_wal_size", "4GB"),
                Map.entry("max_worker_processes", "4"),
                Map.entry("max_parallel_workers_per_gather", "2"),
                Map.entry("max_parallel_workers", "4"),
                Map.entry("max_parallel_maintenance_workers", "2"),
                Map.entry("jit", "off"),
                Map.entry("wal_compression", "lz4")));
    }

    @Test
    void dataWarehouse64GbSixteenCpusHdd() {
        Map<String, String> t = tune(64, 16, Storage.HDD, Workload.DW, 40, 16);
        assertThat(t).containsEntry("shared_buffers", "16GB")
                .containsEntry("effective_cache_size", "48GB")
                .containsEntry("maintenance_work_mem", "8GB")
                .containsEntry("default_statistics_target", "500")
                .containsEntry("random_page_cost", "4")
                .containsEntry("effective_io_concurrency", "2")
                .containsEntry("work_mem", "149796kB")
                .containsEntry("min_wal_size", "4GB")
                .containsEntry("max_wal_size", "16GB")
                .containsEntry("max_parallel_workers_per_gather", "8")
                .containsEntry("max_parallel_maintenance_workers", "4")
                .containsEntry("autovacuum_max_workers", "4")
                .containsEntry("autovacuum_work_mem", "2GB")
                .doesNotContainKey("jit");
    }

    @Test
    void desktop4GbTwoCpus() {
        Map<String, String> t = tune(4, 2, Storage.SSD, Workload.DESKTOP, null, 15);
        assertThat(t).containsEntry("max_connections", "20")
                .containsEntry("shared_buffers", "256MB")
                .containsEntry("effective_cache_size", "1GB")
                .containsEntry("maintenance_work_mem", "256MB")
                .containsEntry("wal_buffers", "7864kB")
                .containsEntry("work_mem", "7801kB")
                .containsEntry("huge_pages", "off")
                .containsEntry("min_wal_size", "100MB")
                .containsEntry("max_wal_size", "2GB")
                .containsEntry("wal_level", "minimal")
                .containsEntry("max_wal_senders", "0")
                .doesNotContainKeys("max_worker_processes", "jit");
    }

    @Test
    void limitsAtTheExtremes() {
        assertThat(tune(4, 4, Storage.SSD, Workload.WEB, 9999, 15)).containsEntry("work_mem", "4MB"); // floored
        Map<String, String> big = tune(256, 32, Storage.NVME, Workload.WEB, null, 14);
        assertThat(big).containsEntry("maintenance_work_mem", "8GB").containsEntry("autovacuum_work_mem", "2GB")
                .containsEntry("effective_io_concurrency", "1000").containsEntry("autovacuum_max_workers", "5")
                .containsEntry("wal_compression", "on");
        assertThat(PgTune.walBuffersKb(14 * 1024 * 1024 / 3 * 100 / 100)).isEqualTo(16 * 1024); // near 16 MB rounds up
        assertThat(PgTune.walBuffersKb(512)).isEqualTo(32);
        assertThatThrownBy(() -> new TuneInput(GB / 8, 2, Storage.SSD, Workload.WEB, null, 15)).hasMessageContaining("--ram");
    }

    @Test
    void memoryIsPrintedInPostgresUnitsAndNormalisedInBytes() {
        List<Recommendation> r = PgTune.recommend(new TuneInput(16 * GB, 4, Storage.SSD, Workload.WEB, null, 15));
        Recommendation sb = r.stream().filter(x -> x.name().equals("shared_buffers")).findFirst().orElseThrow();
        assertThat(sb.normalizedValue()).isEqualTo(4.0 * GB);
        assertThat(PgTune.formatKb(1536)).isEqualTo("1536kB");
        assertThat(PgTune.formatKb(2048)).isEqualTo("2MB");
    }
}
