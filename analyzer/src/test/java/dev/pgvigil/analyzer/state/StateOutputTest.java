package dev.pgvigil.analyzer.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The state's output writes what DataOutputStream writes, byte for byte: the state format must not change. */
class StateOutputTest {

    private interface Writes {
        void to(DataOutput out) throws IOException;
    }

    private static void assertSameBytes(Writes writes) throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream stream = new DataOutputStream(expected);
        writes.to(stream);
        stream.flush();
        StateOutput actual = new StateOutput();
        writes.to(actual);
        assertThat(actual.toByteArray()).isEqualTo(expected.toByteArray());
    }

    @Test
    void numbersAndFlagsAsDataOutputStream() throws IOException {
        assertSameBytes(out -> {
            Random random = new Random(42); // each output is given the same numbers
            for (int i = 0; i < 1000; i++) {
                out.writeLong(random.nextLong());
                out.writeInt(random.nextInt());
                out.writeDouble(random.nextGaussian() * 1e6);
                out.writeFloat(random.nextFloat());
                out.writeShort(random.nextInt());
                out.writeChar(random.nextInt());
                out.writeByte(random.nextInt());
                out.writeBoolean(random.nextBoolean());
            }
            out.writeDouble(Double.NaN);
            out.writeDouble(Double.NEGATIVE_INFINITY);
            out.writeLong(Long.MIN_VALUE);
            out.write(new byte[] {1, 2, 3, -1});
            out.writeBytes("bytes");
            out.writeChars("chars é");
        });
    }

    @Test
    void stringsAsWriteUtfIncludingNulSeparatorsAndNonAscii() throws IOException {
        List<String> strings = List.of("", "public", "database\u0001db0\u0000queryid\u00011000001", "\u0000", "café", "表", "naïve\u0000表",
                "emoji \uD83D\uDE00", "?", "a?b", "表?", "\u007F\u0080\u07FF\u0800\uFFFF", "a".repeat(65_535), "é".repeat(32_767));
        for (String s : strings) {
            assertSameBytes(out -> out.writeUTF(s));
        }
        assertSameBytes(out -> strings.forEach(s -> {
            try {
                out.writeUTF(s);
                out.writeLong(s.length());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }));
    }

    @Test
    void aStringTooLongForTheFormatIsRefusedAsByDataOutputStream() {
        StateOutput out = new StateOutput();
        assertThatThrownBy(() -> out.writeUTF("a".repeat(65_536))).isInstanceOf(UTFDataFormatException.class);
        assertThatThrownBy(() -> out.writeUTF("é".repeat(32_768))).isInstanceOf(UTFDataFormatException.class);
        assertThatThrownBy(() -> new DataOutputStream(new ByteArrayOutputStream()).writeUTF("é".repeat(32_768)))
                .isInstanceOf(UTFDataFormatException.class);
    }

    @Test
    void aResetStartsTheNextValueAfreshAndLetsAHugeBufferGo() throws IOException {
        StateOutput out = new StateOutput();
        out.write(new byte[5 * 1024 * 1024]);
        out.reset();
        out.writeInt(7);
        assertThat(out.toByteArray()).containsExactly(0, 0, 0, 7);
    }
}
