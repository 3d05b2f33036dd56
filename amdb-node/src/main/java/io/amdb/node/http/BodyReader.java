package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a limit, whatever its content type (curl's {@code --data-binary} sends
 * {@code application/x-www-form-urlencoded}, which must still arrive as raw bytes). A declared
 * Content-Length over the limit fails before anything is read; a chunked body fails as soon as it passes it.
 */
final class BodyReader {
    private BodyReader() {}

    /** The body, or a failed future with an {@link ApiException} of {@code tooLarge} past {@code limit} bytes. */
    static Future<Buffer> read(HttpServerRequest request, long limit, ErrorCode tooLarge) {
        String declared = request.getHeader("Content-Length");
        if (declared != null && parse(declared) > limit) {
            return Future.failedFuture(tooLarge(tooLarge, parse(declared), limit));
        }
        Promise<Buffer> done = Promise.promise();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                done.tryFail(tooLarge(tooLarge, body.length() + (long) chunk.length(), limit));
            } else if (!done.future().isComplete()) {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(v -> done.tryComplete(body));
        request.exceptionHandler(done::tryFail);
        request.resume();
        return done.future();
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "bad Content-Length '" + length + "'");
        }
    }

    private static ApiException tooLarge(ErrorCode code, long size, long limit) {
        return new ApiException(code, "request body of " + size + "+ bytes exceeds the limit of " + limit);
    }
}
