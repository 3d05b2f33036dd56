package io.amdb.protocol;

/** Operations of protocol version 1, with their stable wire codes (see {@code docs/PROTOCOL.md}). */
public enum Opcode {
    PING(0x01),
    GET(0x02),
    PUT(0x03),
    DELETE(0x04),
    MGET(0x05),
    BATCH(0x06),
    SCAN(0x07),
    INFO(0x08),
    TABLE(0x09),
    GET_VERSION(0x0A),
    CAS(0x0B);

    private static final Opcode[] BY_CODE = new Opcode[256];

    static {
        for (Opcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Returns the opcode with this wire code, or null when the code is unknown. */
    public static Opcode ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
