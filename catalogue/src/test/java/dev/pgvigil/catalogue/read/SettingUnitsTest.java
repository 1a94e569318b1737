package dev.pgvigil.catalogue.read;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SettingUnitsTest {
    @Test
    void memoryBecomesBytes() {
        assertThat(SettingUnits.normalize("integer", "4096", "8kB")).isEqualTo(new SettingUnits.Normalized(33554432.0, "bytes"));
        assertThat(SettingUnits.normalize("integer", "4096", "kB")).isEqualTo(new SettingUnits.Normalized(4194304.0, "bytes"));
        assertThat(SettingUnits.normalize("integer", "1024", "MB")).isEqualTo(new SettingUnits.Normalized(1073741824.0, "bytes"));
        assertThat(SettingUnits.normalize("integer", "64", "16MB")).isEqualTo(new SettingUnits.Normalized(64.0 * 16 * 1024 * 1024, "bytes"));
    }

    @Test
    void timeBecomesMilliseconds() {
        assertThat(SettingUnits.normalize("integer", "300", "s")).isEqualTo(new SettingUnits.Normalized(300_000.0, "ms"));
        assertThat(SettingUnits.normalize("integer", "1", "min")).isEqualTo(new SettingUnits.Normalized(60_000.0, "ms"));
        assertThat(SettingUnits.normalize("real", "2", "ms")).isEqualTo(new SettingUnits.Normalized(2.0, "ms"));
        assertThat(SettingUnits.normalize("integer", "500", "us")).isEqualTo(new SettingUnits.Normalized(0.5, "ms"));
    }

    @Test
    void sentinelsPlainNumbersAndTextStayAsTheyAre() {
        assertThat(SettingUnits.normalize("integer", "-1", "kB")).isEqualTo(new SettingUnits.Normalized(-1.0, null));
        assertThat(SettingUnits.normalize("real", "1.1", null)).isEqualTo(new SettingUnits.Normalized(1.1, null));
        assertThat(SettingUnits.normalize("enum", "replica", null)).isEqualTo(new SettingUnits.Normalized(null, null));
        assertThat(SettingUnits.normalize("bool", "on", null)).isEqualTo(new SettingUnits.Normalized(null, null));
    }
}
