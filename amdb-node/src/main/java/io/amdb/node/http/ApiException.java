package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;

/** A request the HTTP/WebSocket layer refuses before running it: bad JSON, a bad escape, a missing field. */
final class ApiException extends RuntimeException {
    private final ErrorCode code;

    ApiException(ErrorCode code, String message) {
        super(message, null, false, false); // an expected outcome: no stack trace
        this.code = code;
    }

    ErrorCode code() {
        return code;
    }
}
