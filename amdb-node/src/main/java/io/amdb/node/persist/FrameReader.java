package io.amdb.node.persist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Reads the frames of one file in order (see {@code docs/STORAGE.md}), checking each length and crc.
 * {@link #next()} returns the next payload, null at a clean end, or throws {@link DamagedFrame} with the
 * offset of the first frame that is cut short or fails its check. Not thread-safe.
 */
public final class FrameReader {
    /** A frame that is cut short or fails its check, at {@link #offset}. */
    public static final class DamagedFrame extends IOException {
        private final long offset;

        DamagedFrame(long offset, String what) {
            super(what);
            this.offset = offset;
        }

        public long offset() {
            return offset;
        }
    }

    private final InputStream in;
    private final byte[] header = new byte[LogFormat.HEADER_BYTES];
    private long offset;
    private long lastStart;
    private int payloadLength;

    /** Reads from {@code in}, which should be buffered; the reader does not close it. */
    public FrameReader(InputStream in) {
        this.in = in;
    }

    /** The offset of the byte after the last valid frame returned. */
    public long offset() {
        return offset;
    }

    /** The offset at which the frame the last {@link #next()} returned starts. */
    public long lastStart() {
        return lastStart;
    }

    /** The length of the payload the last {@link #next()} returned (its array may be longer). */
    public int length() {
        return payloadLength;
    }

    /** The next frame's payload, or null when the file ends exactly after the previous frame. */
    public byte[] next() throws IOException {
        int got = in.readNBytes(header, 0, header.length);
        if (got == 0) {
            return null;
        }
        if (got < header.length) {
            throw new DamagedFrame(offset, "frame header cut short (" + got + " of 8 bytes)");
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        int length = h.getInt();
        int crc = h.getInt();
        if (length <= 0 || length > LogFormat.MAX_PAYLOAD) {
            throw new DamagedFrame(offset, "frame length " + Integer.toUnsignedString(length) + " out of range");
        }
        byte[] payload = new byte[length];
        int read = in.readNBytes(payload, 0, length);
        if (read < length) {
            throw new DamagedFrame(offset, "frame cut short (" + read + " of " + length + " payload bytes)");
        }
        if (LogFormat.crc(payload, 0, length) != crc) {
            throw new DamagedFrame(offset, "crc mismatch");
        }
        lastStart = offset;
        offset += LogFormat.HEADER_BYTES + length;
        payloadLength = length;
        return payload;
    }

    /**
     * True when a valid frame starts anywhere in {@code bytes} after index {@code from}: what tells
     * corruption (valid records follow the damage) from a torn tail (nothing valid after it).
     */
    public static boolean validFrameAfter(byte[] bytes, int from) {
        for (int at = from + 1; at + LogFormat.HEADER_BYTES < bytes.length; at++) {
            ByteBuffer h = ByteBuffer.wrap(bytes, at, LogFormat.HEADER_BYTES);
            int length = h.getInt();
            int crc = h.getInt();
            if (length > 0 && length <= bytes.length - at - LogFormat.HEADER_BYTES
                    && LogFormat.crc(bytes, at + LogFormat.HEADER_BYTES, length) == crc) {
                return true;
            }
        }
        return false;
    }

}
