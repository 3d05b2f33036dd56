package io.amdb.protocol;

/**
 * Size limits a node enforces, each with a default and a config key (see {@code docs/PROTOCOL.md}).
 *
 * @param maxKeyBytes    longest key (keys are at least 1 byte)
 * @param maxValueBytes  longest value (values may be empty)
 * @param maxFrameBytes  largest value of a frame's length field
 * @param maxBatchItems  most items in one BATCH or MGET
 * @param maxScanLimit   most entries in one SCAN page; larger limits are capped, not refused
 */
public record Limits(int maxKeyBytes, int maxValueBytes, int maxFrameBytes, int maxBatchItems, int maxScanLimit) {
    public static final Limits DEFAULTS = new Limits(16 * 1024, 8 * 1024 * 1024, 64 * 1024 * 1024, 100_000, 10_000);

    /** Bytes of keys and values after which a SCAN page ends early (at least one entry is returned). */
    public static final int SCAN_PAGE_BYTES = 4 * 1024 * 1024;
    /** Room for a reply's header, status and count fields beyond its keys, values and their lengths. */
    static final int REPLY_OVERHEAD = 1024;

    public Limits {
        requirePositive(maxKeyBytes, "maxKeyBytes");
        requirePositive(maxValueBytes, "maxValueBytes");
        requirePositive(maxBatchItems, "maxBatchItems");
        requirePositive(maxScanLimit, "maxScanLimit");
        long smallestFrame = (long) maxKeyBytes + maxValueBytes + 8L * maxScanLimit + REPLY_OVERHEAD + 1;
        if (maxFrameBytes < smallestFrame) {
            // Every reply must fit in a frame: a GET of the largest value, a SCAN page that overshoots its
            // byte budget by one entry, with 8 bytes of lengths per entry.
            throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " cannot carry the replies these "
                    + "limits allow: it must be at least maxKeyBytes + maxValueBytes + 8 x maxScanLimit + "
                    + (REPLY_OVERHEAD + 1) + " = " + smallestFrame);
        }
    }

    /**
     * Bytes of keys and values after which a SCAN page ends early: {@link #SCAN_PAGE_BYTES}, or less when the
     * frame limit is smaller, so that a page (which may overshoot by one entry) always fits in a frame.
     */
    public int scanPageBytes() {
        long room = (long) maxFrameBytes - maxKeyBytes - maxValueBytes - 8L * maxScanLimit - REPLY_OVERHEAD;
        return (int) Math.max(1, Math.min(SCAN_PAGE_BYTES, room));
    }

    /** Returns OK, or the error this key breaks. */
    public ErrorCode checkKey(byte[] key) {
        if (key.length == 0) {
            return ErrorCode.KEY_EMPTY;
        }
        return key.length > maxKeyBytes ? ErrorCode.KEY_TOO_LARGE : ErrorCode.OK;
    }

    /** Returns OK, or the error this value breaks. */
    public ErrorCode checkValue(byte[] value) {
        return value.length > maxValueBytes ? ErrorCode.VALUE_TOO_LARGE : ErrorCode.OK;
    }

    /** Returns OK, or the error this SCAN bound breaks: bounds may be empty and one byte over the key limit. */
    public ErrorCode checkScanBound(byte[] bound) {
        return bound.length > maxKeyBytes + 1 ? ErrorCode.KEY_TOO_LARGE : ErrorCode.OK;
    }

    private static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
