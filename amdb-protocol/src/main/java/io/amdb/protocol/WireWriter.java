package io.amdb.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable big-endian byte buffer that frames are encoded into. Not thread-safe; reuse it with
 * {@link #reset()} to avoid allocating per frame.
 */
public final class WireWriter {
    /** The most one writer holds; the JVM cannot allocate arrays much closer to 2^31. */
    public static final int MAX_BYTES = Integer.MAX_VALUE - 16;

    private byte[] buf;
    private int size;

    public WireWriter() {
        this(256);
    }

    public WireWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public void reset() {
        size = 0;
    }

    /** Drops everything written after position {@code mark} (a size returned earlier), e.g. a half-encoded frame. */
    public void truncate(int mark) {
        if (mark < 0 || mark > size) {
            throw new IllegalArgumentException("mark " + mark + " outside 0.." + size);
        }
        size = mark;
    }

    public int size() {
        return size;
    }

    /** The backing array; bytes {@code [0, size())} are the encoded frames. Valid until the next write. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Starts a frame; returns its start position for {@link #endFrame(int)}. */
    public int beginFrame(int opcode, int flags, int requestId, long epoch) {
        int start = size;
        u32(0); // patched by endFrame
        u8(Wire.MAGIC);
        u8(Wire.VERSION);
        u8(opcode);
        u8(flags);
        u32(requestId);
        i64(epoch);
        return start;
    }

    /** Ends the frame begun at {@code start} by writing its length field. */
    public void endFrame(int start) {
        putInt(start, size - start - Wire.LENGTH_BYTES);
    }

    public WireWriter u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    public WireWriter u16(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    public WireWriter u32(int v) {
        ensure(4);
        putInt(size, v);
        size += 4;
        return this;
    }

    public WireWriter i64(long v) {
        u32((int) (v >>> 32));
        return u32((int) v);
    }

    public WireWriter bytes(byte[] b) {
        u32(b.length);
        return raw(b, 0, b.length);
    }

    /** Writes {@code optbytes}: a null array is written as absent (length -1). */
    public WireWriter optBytes(byte[] b) {
        return b == null ? u32(-1) : bytes(b);
    }

    public WireWriter str(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(utf8.length, 0xFFFF);
        while (len < utf8.length && len > 0 && (utf8[len] & 0xC0) == 0x80) {
            len--; // cut before a continuation byte, so a truncated string stays valid UTF-8
        }
        u16(len);
        return raw(utf8, 0, len);
    }

    public WireWriter raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    private void putInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    private void ensure(int more) {
        long needed = (long) size + more;
        if (needed > buf.length) {
            if (needed > MAX_BYTES) {
                throw new IllegalStateException("encoding needs " + needed + " bytes, above the " + MAX_BYTES
                        + "-byte limit of one buffer");
            }
            buf = Arrays.copyOf(buf, (int) Math.min(Math.max((long) buf.length * 2, needed), MAX_BYTES));
        }
    }
}
