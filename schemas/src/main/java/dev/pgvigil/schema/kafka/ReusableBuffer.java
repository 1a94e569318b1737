package dev.pgvigil.schema.kafka;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer for encoding one value after another on one thread: unlike
 * ByteArrayOutputStream's, its writes take no lock, and it is kept rather than made anew per value
 * (callers hold one per thread). One huge value does not pin its memory: the next reset lets it go.
 */
public final class ReusableBuffer extends ByteArrayOutputStream {
    private static final int INITIAL = 64 * 1024;
    private static final int KEEP_AT_MOST = 4 * 1024 * 1024;

    public ReusableBuffer() {
        super(INITIAL);
    }

    @Override
    public void write(int b) {
        if (count == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (count + len > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    @Override
    public void reset() {
        count = 0;
        if (buf.length > KEEP_AT_MOST) {
            buf = new byte[INITIAL];
        }
    }

    @Override
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }
}
