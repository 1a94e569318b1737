package dev.pgvigil.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanTest {
    @Test
    void sizesInIecBinaryUnits() {
        assertThat(Human.bytes(0)).isEqualTo("0 B");
        assertThat(Human.bytes(1023)).isEqualTo("1023 B");
        assertThat(Human.bytes(1024)).isEqualTo("1.0 KiB");
        assertThat(Human.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Human.bytes(8192L * 1024)).isEqualTo("8.0 MiB");
        assertThat(Human.bytes(123L * 1024 * 1024)).isEqualTo("123 MiB");
        assertThat(Human.bytes(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GiB");
        assertThat(Human.bytes(-2048)).isEqualTo("-2.0 KiB");
    }

    @Test
    void timesInTheirLargestUnits() {
        assertThat(Human.millis(0.42)).isEqualTo("0.42 ms");
        assertThat(Human.millis(12.34)).isEqualTo("12.3 ms");
        assertThat(Human.millis(450)).isEqualTo("450 ms");
        assertThat(Human.millis(1250)).isEqualTo("1.25 s");
        assertThat(Human.millis(200_000)).isEqualTo("3 min 20 s");
        assertThat(Human.duration(Duration.ofMinutes(125))).isEqualTo("2 h 05 min");
        assertThat(Human.duration(Duration.ofHours(76))).isEqualTo("3 d 4 h");
        assertThat(Human.duration(Duration.ofSeconds(45))).isEqualTo("45 s");
        assertThat(Human.seconds(400)).isEqualTo("6 min 40 s");
        assertThat(Human.seconds(2.5)).isEqualTo("2.50 s");
    }

    @Test
    void countsPercentagesAndNumbers() {
        assertThat(Human.count(1_234_567)).isEqualTo("1,234,567");
        assertThat(Human.percent(0.9823)).isEqualTo("98.2 %");
        assertThat(Human.percent(Double.NaN)).isEqualTo("-");
        assertThat(Human.number(1.10, 2)).isEqualTo("1.1");
        assertThat(Human.number(200, 2)).isEqualTo("200");
    }
}
