package io.amdb.node.persist;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The constants and the frame codec of {@code docs/STORAGE.md}: frames of {@code u32 length, u32 crc32c,
 * payload}, where the crc covers the four length bytes and the payload, and the payload starts with a type.
 * Pure functions; thread-safe.
 */
public final class LogFormat {
    public static final int HEADER_BYTES = 8;
    /** Largest payload: a value of the largest allowed size, its key and the record fields. */
    public static final int MAX_PAYLOAD = (64 << 20) + (64 << 10);

    public static final byte PUT = 1;
    public static final byte DELETE = 2;
    public static final byte DROP = 3;
    public static final byte FOLLOW = 4;
    public static final byte SNAPSHOT = 10;
    public static final byte ENTRIES = 11;
    public static final byte SEQUENCES = 12;
    public static final byte END = 13;
    public static final byte SEGMENT = 20;

    public static final int SEGMENT_MAGIC = 0x414D4C47;  // "AMLG"
    public static final int SNAPSHOT_MAGIC = 0x414D534E; // "AMSN"
    public static final short FORMAT = 1;

    /** A segment is rolled once it holds this many bytes. */
    public static final long SEGMENT_BYTES = 64L << 20;
    /** A snapshot chunk: at most this many entries or about this many bytes per event-loop turn. */
    public static final int CHUNK_ENTRIES = 4096;
    public static final int CHUNK_BYTES = 1 << 20;

    private LogFormat() {}

    public static String segmentName(long n) {
        return String.format("log-%020d.wal", n);
    }

    public static String snapshotName(long n) {
        return String.format("snap-%020d.snap", n);
    }

    /** The number in a segment's or snapshot's file name, or -1 when the name is neither. */
    public static long numberOf(String fileName, String prefix, String suffix) {
        if (!fileName.startsWith(prefix) || !fileName.endsWith(suffix)) {
            return -1;
        }
        String digits = fileName.substring(prefix.length(), fileName.length() - suffix.length());
        if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    /** The crc of a frame whose payload is {@code buf[off, off + len)}. */
    public static int crc(byte[] buf, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(len >>> 24);
        crc.update(len >>> 16);
        crc.update(len >>> 8);
        crc.update(len);
        crc.update(buf, off, len);
        return (int) crc.getValue();
    }

    /**
     * Fills in the header of the frame that starts at {@code frameStart} of {@code buf} and whose payload
     * runs to {@code end}: the caller reserved {@link #HEADER_BYTES} at {@code frameStart}, then wrote the payload.
     */
    public static void seal(byte[] buf, int frameStart, int end) {
        int len = end - frameStart - HEADER_BYTES;
        ByteBuffer.wrap(buf, frameStart, HEADER_BYTES).putInt(len).putInt(crc(buf, frameStart + HEADER_BYTES, len));
    }
}
