package io.amdb.protocol;

/**
 * The fixed 20-byte header of a frame (see {@code docs/PROTOCOL.md}, "Frame").
 *
 * @param length    the length field: bytes after it
 * @param opcode    raw opcode byte; {@link Opcode#ofCode(int)} may not know it
 * @param flags     flag bits ({@link Wire#FLAG_RESPONSE})
 * @param requestId the client's id, echoed in the response
 * @param epoch     partition-table epoch (0 = none)
 */
public record FrameHeader(int length, int opcode, int flags, int requestId, long epoch) {

    public boolean isResponse() {
        return (flags & Wire.FLAG_RESPONSE) != 0;
    }

    /**
     * Parses and validates the header of the complete frame at {@code frame[off..]}.
     *
     * @throws ProtocolException {@code UNSUPPORTED_VERSION} or {@code MALFORMED_FRAME}; both close the connection
     */
    public static FrameHeader parse(byte[] frame, int off, int len) throws ProtocolException {
        WireReader r = new WireReader(frame, off, len);
        int length = r.u32();
        if (length != len - Wire.LENGTH_BYTES || length < Wire.MIN_LENGTH) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "length field " + length + " does not match frame");
        }
        int magic = r.u8();
        int version = r.u8();
        if (magic != Wire.MAGIC) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME,
                    String.format("bad magic 0x%02X (expected 0x%02X): not an AmDb client?", magic, Wire.MAGIC));
        }
        if (version != Wire.VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION,
                    "protocol version " + version + " is not supported (this node speaks " + Wire.VERSION + ")");
        }
        int opcode = r.u8();
        int flags = r.u8();
        if ((flags & ~Wire.FLAG_RESPONSE) != 0) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "reserved flag bits set: " + flags);
        }
        return new FrameHeader(length, opcode, flags, r.u32(), r.i64());
    }
}
