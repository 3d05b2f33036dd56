package io.amdb.client;

import io.amdb.protocol.ErrorCode;

import java.util.Objects;

/**
 * A failed AmDb request: the {@link ErrorCode} says what kind of failure, the message says what happened.
 *
 * <p>For errors the node reported, {@link #getMessage()} is the node's message verbatim. The client-side
 * codes {@link ErrorCode#CONNECTION_LOST} and {@link ErrorCode#TIMEOUT} are never sent by a node; the
 * client raises them itself. {@link #toString()} includes the code, so logs show both.
 */
public class AmDbException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public AmDbException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public AmDbException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The error code: the node's, or CONNECTION_LOST / TIMEOUT for failures detected by the client. */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return getClass().getName() + ": " + code + ": " + getMessage();
    }
}
