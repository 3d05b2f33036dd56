package io.amdb.protocol;

/** A request or frame that breaks the protocol; {@link #code()} says how (and whether to close). */
public final class ProtocolException extends Exception {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
