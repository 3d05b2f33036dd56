package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Opcode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;

import java.util.concurrent.CompletableFuture;

/**
 * One request frame on one connection: a single wire attempt of an {@link Operation} (an operation may
 * need several: one per owner of a split batch, one more after each WRONG_OWNER).
 *
 * <p>Ownership, not locking, keeps a call consistent. It belongs to the submitting thread until offered to
 * a connection's submit queue, then to whoever takes it out again: the I/O thread by polling, or the
 * submitter by withdrawing it once the connection or client has failed. Only the owner completes it,
 * exactly once; the {@code done} flag only makes a second completion (a reply racing a timeout) a no-op.
 *
 * <p>The future completes with the node's OK response, or exceptionally with an {@link AmDbException}:
 * the node's error code, or CONNECTION_LOST / TIMEOUT. Calls hold no in-flight permit; operations do.
 */
final class Call {
    final Opcode opcode;
    /** {@link System#nanoTime()} when the operation was made: the request timeout counts from there. */
    final long startNanos;
    /** The partition-table epoch the request was routed with; sent in the frame header. */
    final long epoch;
    final CompletableFuture<Response> future = new CompletableFuture<>();
    /** Wire request id; set by the I/O thread when the call enters its connection's pending table. */
    int id;

    private Request request;
    private boolean done;

    Call(Request request, long startNanos, long epoch) {
        this.opcode = request.opcode();
        this.request = request;
        this.startNanos = startNanos;
        this.epoch = epoch;
    }

    boolean isDone() {
        return done;
    }

    /** Hands the request over for encoding and forgets it. */
    Request takeRequest() {
        Request r = request;
        request = null;
        return r;
    }

    /** Completes with the node's answer: an error response becomes an {@link AmDbException}. */
    void succeed(Response response) {
        if (response instanceof Response.Error error) {
            fail(new AmDbException(error.code(), error.message()));
        } else if (finish()) {
            future.complete(response);
        }
    }

    void fail(ErrorCode code, String message) {
        if (!done) {
            fail(new AmDbException(code, message));
        }
    }

    void fail(AmDbException e) {
        if (finish()) {
            future.completeExceptionally(e);
        }
    }

    private boolean finish() {
        if (done) {
            return false;
        }
        done = true;
        request = null;
        return true;
    }
}
