package io.amdb.protocol;

import java.util.Arrays;

/**
 * Reassembles frames from a byte stream cut at arbitrary points. Not thread-safe: one per connection.
 *
 * <p>The length field is checked as soon as its 4 bytes arrive, so an absurd length is refused before any
 * buffering. Frames that arrive whole inside one chunk are handed to the sink without copying; the sink
 * must copy what it keeps, because the bytes are only valid during the call.
 */
public final class FrameAssembler {
    /** Receives each complete frame, length field included. */
    @FunctionalInterface
    public interface Sink {
        void frame(byte[] buf, int off, int len) throws ProtocolException;
    }

    /** A buffer grown past this for one large frame is dropped afterwards, so idle connections stay small. */
    private static final int KEEP_BUFFER_BYTES = 64 * 1024;

    private final int maxLength;
    private byte[] pending = new byte[64];
    private int pendingSize;

    /** @param maxLength largest allowed value of the length field */
    public FrameAssembler(int maxLength) {
        this.maxLength = maxLength;
    }

    /** Bytes held back waiting for the rest of a frame. */
    public int pendingBytes() {
        return pendingSize;
    }

    /**
     * Consumes {@code src[off, off+len)}, calling the sink once per completed frame, in order.
     *
     * @throws ProtocolException {@code FRAME_TOO_LARGE} for a length field out of range, or whatever the sink throws
     */
    public void feed(byte[] src, int off, int len, Sink sink) throws ProtocolException {
        int end = off + len;
        while (pendingSize > 0 && off < end) {
            off = completePending(src, off, end, sink);
        }
        while (end - off >= Wire.LENGTH_BYTES) {
            int total = Wire.LENGTH_BYTES + checkedLength(src, off);
            if (end - off < total) {
                break;
            }
            sink.frame(src, off, total);
            off += total;
        }
        append(src, off, end - off);
    }

    private int completePending(byte[] src, int off, int end, Sink sink) throws ProtocolException {
        if (pendingSize < Wire.LENGTH_BYTES) {
            int n = Math.min(Wire.LENGTH_BYTES - pendingSize, end - off);
            append(src, off, n);
            off += n;
            if (pendingSize < Wire.LENGTH_BYTES) {
                return off;
            }
        }
        int total = Wire.LENGTH_BYTES + checkedLength(pending, 0);
        if (pending.length < total) {
            pending = Arrays.copyOf(pending, total); // exactly the frame: no doubling past a 64 MiB frame
        }
        int n = Math.min(total - pendingSize, end - off);
        append(src, off, n);
        off += n;
        if (pendingSize == total) {
            pendingSize = 0;
            byte[] frame = pending;
            if (pending.length > KEEP_BUFFER_BYTES) {
                pending = new byte[64];
            }
            sink.frame(frame, 0, total);
        }
        return off;
    }

    private int checkedLength(byte[] b, int at) throws ProtocolException {
        int length = Wire.readInt(b, at);
        if (length < Wire.MIN_LENGTH || length > maxLength) {
            throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE, "frame length " + (length & 0xFFFFFFFFL)
                    + " is outside " + Wire.MIN_LENGTH + ".." + maxLength);
        }
        return length;
    }

    private void append(byte[] src, int off, int len) {
        if (pendingSize + len > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingSize + len));
        }
        System.arraycopy(src, off, pending, pendingSize, len);
        pendingSize += len;
    }
}
