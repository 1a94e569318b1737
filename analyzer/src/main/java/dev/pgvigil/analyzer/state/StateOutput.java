package dev.pgvigil.analyzer.state;

import dev.pgvigil.schema.kafka.ReusableBuffer;
import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A {@link DataOutput} into a {@link ReusableBuffer}, writing exactly the bytes a {@code DataOutputStream}
 * would (the state format is unchanged), without a stream call per field. Its point is
 * {@link #writeUTF}: the state's strings (names, label keys) are ASCII, and an ASCII string is copied
 * as its bytes instead of being encoded a char at a time. One per thread, reset per value.
 */
final class StateOutput implements DataOutput {
    private final ReusableBuffer bytes = new ReusableBuffer();
    /** A number's bytes on their way into {@link #bytes}. */
    private final byte[] scratch = new byte[8];

    void reset() {
        bytes.reset();
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }

    @Override
    public void write(int b) {
        bytes.write(b);
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        bytes.write(b, off, len);
    }

    @Override
    public void writeBoolean(boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
        write(v);
    }

    @Override
    public void writeShort(int v) {
        SHORT.set(scratch, 0, (short) v);
        bytes.write(scratch, 0, 2);
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        INT.set(scratch, 0, v);
        bytes.write(scratch, 0, 4);
    }

    @Override
    public void writeLong(long v) {
        LONG.set(scratch, 0, v);
        bytes.write(scratch, 0, 8);
    }

    /** Big-endian, as DataOutputStream. */
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            write(s.charAt(i));
        }
    }

    @Override
    public void writeChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            writeChar(s.charAt(i));
        }
    }

    /** Modified UTF-8 with a two-byte length, as {@code DataOutputStream.writeUTF}. */
    @Override
    public void writeUTF(String s) throws UTFDataFormatException {
        if (s.length() <= 65_535) {
            byte[] latin1 = s.getBytes(StandardCharsets.ISO_8859_1); // for a Latin-1 string, a copy of its bytes
            if (isAsciiWithoutNul(latin1, s)) { // then modified UTF-8 is these very bytes
                writeShort(latin1.length);
                write(latin1, 0, latin1.length);
                return;
            }
        }
        writeModifiedUtf8(s);
    }

    /** Whether {@code s}, whose ISO-8859-1 encoding is {@code bytes}, is all chars 1 to 0x7F. */
    private static boolean isAsciiWithoutNul(byte[] bytes, String s) {
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            // 0 and 0x80 to 0xFF (negative as bytes) take more than one byte; a char past 0xFF became '?'
            if (b <= 0 || b == '?' && s.charAt(i) != '?') {
                return false;
            }
        }
        return true;
    }

    private void writeModifiedUtf8(String s) throws UTFDataFormatException {
        long length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            length += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
        }
        if (length > 65_535) {
            throw new UTFDataFormatException("a string of " + length + " bytes is too long for writeUTF");
        }
        writeShort((int) length);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                write(c);
            } else if (c <= 0x07FF) {
                write(0xC0 | (c >> 6) & 0x1F);
                write(0x80 | c & 0x3F);
            } else {
                write(0xE0 | (c >> 12) & 0x0F);
                write(0x80 | (c >> 6) & 0x3F);
                write(0x80 | c & 0x3F);
            }
        }
    }
}
