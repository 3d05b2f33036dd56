package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Wire;

import java.util.List;
import java.util.Objects;

/**
 * Checks a request on the caller's thread before it is submitted, so that encoding on the I/O thread
 * cannot fail: nulls are refused with a NullPointerException, and a request the node would answer by
 * closing the connection (a frame above max-frame-bytes) fails alone instead of taking every other
 * request on its connection down with it.
 *
 * <p>Key and value size limits are left to the node: they are node configuration, and the node
 * answers them per request without closing the connection.
 */
final class RequestCheck {
    private RequestCheck() {}

    /** Returns null when the request may be sent, else the failure to complete its future with. */
    static AmDbException check(Request request, int maxFrameBytes) {
        long length = Wire.MIN_LENGTH + bodyBytes(request);
        if (length > maxFrameBytes) {
            return new AmDbException(ErrorCode.FRAME_TOO_LARGE, request.opcode() + " request of " + length
                    + " bytes is above the frame limit of " + maxFrameBytes + " bytes; split it");
        }
        return null;
    }

    /**
     * Returns the request with its lists copied into immutable ones (refusing null elements), so a caller
     * changing its list later cannot make encoding on the I/O thread throw halfway through a frame.
     */
    static Request frozen(Request request) {
        if (request instanceof Request.MGet mget) {
            return new Request.MGet(List.copyOf(Objects.requireNonNull(mget.keys(), "keys")));
        } else if (request instanceof Request.Batch batch) {
            return new Request.Batch(List.copyOf(Objects.requireNonNull(batch.items(), "items")));
        }
        return Objects.requireNonNull(request, "request");
    }

    /** Encoded body size in bytes (the frame header excluded); mirrors {@code RequestCodec.encode}. */
    static long bodyBytes(Request request) {
        Objects.requireNonNull(request, "request");
        if (request instanceof Request.Get get) {
            return bytes(get.key(), "key");
        } else if (request instanceof Request.Put put) {
            return bytes(put.key(), "key") + bytes(put.value(), "value");
        } else if (request instanceof Request.Delete delete) {
            return bytes(delete.key(), "key");
        } else if (request instanceof Request.GetVersion get) {
            return bytes(get.key(), "key");
        } else if (request instanceof Request.Cas cas) {
            Request.Condition expect = Objects.requireNonNull(cas.expect(), "expect");
            return bytes(cas.key(), "key") + 1 + (expect.byValue() ? bytes(expect.value(), "expected value") : 8)
                    + (cas.value() == null ? 4 : bytes(cas.value(), "value"));
        } else if (request instanceof Request.MGet mget) {
            long n = 4;
            for (byte[] key : Objects.requireNonNull(mget.keys(), "keys")) {
                n += bytes(key, "key");
            }
            return n;
        } else if (request instanceof Request.Batch batch) {
            long n = 4;
            for (Request.BatchItem item : Objects.requireNonNull(batch.items(), "items")) {
                Objects.requireNonNull(item, "batch item");
                n += 1 + bytes(item.key(), "key") + (item.isPut() ? bytes(item.value(), "value") : 0);
            }
            return n;
        } else if (request instanceof Request.Scan scan) {
            return bytes(scan.start(), "start") + bytes(scan.end(), "end") + 4;
        }
        return 0; // PING, INFO: no body
    }

    private static long bytes(byte[] b, String what) {
        return 4L + Objects.requireNonNull(b, what).length;
    }
}
