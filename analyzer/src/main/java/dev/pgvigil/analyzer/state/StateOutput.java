package dev.pgvigil.analyzer.state;

import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A {@link DataOutput} into a growable array, writing exactly the bytes a {@code DataOutputStream}
 * would (the state format is unchanged), without a stream call per field. Its point is
 * {@link #writeUTF}: the state's strings (names, label keys) are ASCII, and an ASCII string is copied
 * as its bytes instead of being encoded a char at a time. One per thread, reset per value.
 */
final class StateOutput implements DataOutput {
    private static final int INITIAL = 64 * 1024;
    private static final int KEEP_AT_MOST = 4 * 1024 * 1024;

    private byte[] buf = new byte[INITIAL];
    private int count;

    void reset() {
        count = 0;
        if (buf.length > KEEP_AT_MOST) {
            buf = new byte[INITIAL];
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }

    private void ensure(int more) {
        if (count + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
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
        ensure(2);
        buf[count++] = (byte) (v >>> 8);
        buf[count++] = (byte) v;
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        ensure(4);
        INT.set(buf, count, v);
        count += 4;
    }

    @Override
    public void writeLong(long v) {
        ensure(8);
        LONG.set(buf, count, v);
        count += 8;
    }

    /** Big-endian, as DataOutputStream: one store per number. */
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
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[count++] = (byte) s.charAt(i);
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
        ensure((int) length);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                buf[count++] = (byte) c;
            } else if (c <= 0x07FF) {
                buf[count++] = (byte) (0xC0 | (c >> 6) & 0x1F);
                buf[count++] = (byte) (0x80 | c & 0x3F);
            } else {
                buf[count++] = (byte) (0xE0 | (c >> 12) & 0x0F);
                buf[count++] = (byte) (0x80 | (c >> 6) & 0x3F);
                buf[count++] = (byte) (0x80 | c & 0x3F);
            }
        }
    }
}
