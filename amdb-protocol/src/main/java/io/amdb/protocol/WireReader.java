package io.amdb.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bounds-checked big-endian cursor over one frame. Every read that would pass the end throws
 * {@link ProtocolException} with {@link ErrorCode#MALFORMED_FRAME}, so a decoder never allocates from a
 * length it has not checked against the bytes that remain.
 */
public final class WireReader {
    private static final byte[] EMPTY = new byte[0];

    private final byte[] buf;
    private final int end;
    private int pos;

    public WireReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    public int remaining() {
        return end - pos;
    }

    public int u8() throws ProtocolException {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public int u16() throws ProtocolException {
        need(2);
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    /** Reads a u32 as an int (callers treat values above 2^31-1 as negative and reject them). */
    public int u32() throws ProtocolException {
        need(4);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long i64() throws ProtocolException {
        return ((long) u32() << 32) | (u32() & 0xFFFFFFFFL);
    }

    public byte[] bytes() throws ProtocolException {
        int len = u32();
        if (len < 0) {
            throw malformed("byte string length " + (len & 0xFFFFFFFFL) + " is too large");
        }
        return take(len);
    }

    /** Reads {@code optbytes}; returns null for absent. */
    public byte[] optBytes() throws ProtocolException {
        int len = u32();
        if (len == -1) {
            return null;
        }
        if (len < 0) {
            throw malformed("optional byte string length " + len + " is invalid");
        }
        return take(len);
    }

    public String str() throws ProtocolException {
        int len = u16();
        need(len);
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /**
     * Reads a u32 element count and checks that {@code count * minItemBytes} bytes remain, so the caller
     * may size an array by it.
     */
    public int count(int minItemBytes) throws ProtocolException {
        int n = u32();
        if (n < 0 || (long) n * minItemBytes > remaining()) {
            throw malformed("count " + (n & 0xFFFFFFFFL) + " does not fit in the " + remaining() + " bytes left");
        }
        return n;
    }

    /** Steps over {@code n} bytes. */
    public void skip(int n) throws ProtocolException {
        if (n < 0) {
            throw malformed("cannot skip " + n + " bytes");
        }
        need(n);
        pos += n;
    }

    /** Steps over one {@code bytes} field without copying it. */
    public void skipBytes() throws ProtocolException {
        int len = u32();
        if (len < 0) {
            throw malformed("byte string length " + (len & 0xFFFFFFFFL) + " is too large");
        }
        skip(len);
    }

    /** Requires that the frame has been read completely. */
    public void expectEnd() throws ProtocolException {
        if (pos != end) {
            throw malformed((end - pos) + " unexpected bytes after the body");
        }
    }

    private byte[] take(int len) throws ProtocolException {
        if (len == 0) {
            return EMPTY; // a frame full of empty strings must not cost an array each
        }
        need(len);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return out;
    }

    private void need(int n) throws ProtocolException {
        if (n > end - pos) {
            throw malformed("field needs " + n + " bytes, " + (end - pos) + " left");
        }
    }

    private static ProtocolException malformed(String message) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, message);
    }
}
