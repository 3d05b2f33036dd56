package io.amdb.protocol;

/**
 * Frame layout constants of protocol version 1; {@code docs/PROTOCOL.md} is the specification.
 *
 * <p>A frame is {@code u32 length} followed by {@link #HEADER_BYTES} - 4 header bytes and a body.
 */
public final class Wire {
    public static final int MAGIC = 0xAD;
    public static final int VERSION = 1;
    /** Bytes of the length field. */
    public static final int LENGTH_BYTES = 4;
    /** Bytes from the start of a frame to its body (length, magic, version, opcode, flags, id, epoch). */
    public static final int HEADER_BYTES = 20;
    /** Smallest legal value of the length field: a header with an empty body. */
    public static final int MIN_LENGTH = HEADER_BYTES - LENGTH_BYTES;
    /** Flag bit set on responses. */
    public static final int FLAG_RESPONSE = 0x01;
    /** Default TCP port of the protocol listener. */
    public static final int DEFAULT_PORT = 7070;

    /** BATCH item kinds. */
    public static final int BATCH_PUT = 1;
    public static final int BATCH_DELETE = 2;
    /** CAS condition kinds. */
    public static final int IF_VERSION = 1;
    public static final int IF_VALUE = 2;

    private Wire() {}

    /** Reads the big-endian 32-bit value at {@code b[at..at+4)} (a length field, a request id). */
    public static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
