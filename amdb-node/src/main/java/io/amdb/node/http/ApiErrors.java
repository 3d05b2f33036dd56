package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The HTTP face of the one error catalogue: an {@link ErrorCode} becomes a status and a JSON body
 * {@code {"code": 11, "name": "KEY_EMPTY", "message": "…"}}. docs/HTTP.md lists the same table.
 */
final class ApiErrors {
    private ApiErrors() {}

    /** The HTTP status for an error code. */
    static int status(ErrorCode code) {
        return switch (code) {
            case OK -> 200;
            case MALFORMED_FRAME, UNSUPPORTED_VERSION, UNKNOWN_OPCODE, KEY_EMPTY, INVALID_ARGUMENT -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case FRAME_TOO_LARGE, KEY_TOO_LARGE, VALUE_TOO_LARGE, BATCH_TOO_LARGE, RESPONSE_TOO_LARGE -> 413;
            case CONDITION_FAILED -> 412;
            case WRONG_OWNER -> 421; // Misdirected Request: another node serves this key
            case SLOW_CONSUMER -> 429;
            case INTERNAL_ERROR -> 500;
            case CONNECTION_LOST -> 502;
            case TOO_MANY_CONNECTIONS, SHUTTING_DOWN, PARTITION_LOST, STORAGE_FULL, OWNER_UNREACHABLE,
                    NOT_ENOUGH_REPLICAS -> 503;
            case TIMEOUT -> 504;
        };
    }

    static JsonObject json(ErrorCode code, String message) {
        return new JsonObject().put("code", code.code()).put("name", code.name()).put("message", message);
    }

    /** Ends the exchange with this error and its usual status, unless a response was already sent. */
    static void send(RoutingContext ctx, ErrorCode code, String message) {
        send(ctx, status(code), code, message);
    }

    static void send(RoutingContext ctx, int status, ErrorCode code, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(json(code, message).encode());
    }
}
