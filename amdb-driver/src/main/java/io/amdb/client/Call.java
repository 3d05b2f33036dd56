package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Opcode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * One request from the moment its caller holds an in-flight permit until its future completes.
 *
 * <p>Ownership, not locking, keeps a call consistent. It belongs to the submitting thread until offered to
 * a connection's submit queue, then to whoever takes it out again: the I/O thread by polling, or the
 * submitter by withdrawing it once the client has failed. Only the owner completes it, exactly once;
 * the {@code done} flag only makes a second completion (a reply racing a timeout) a no-op.
 *
 * <p>Completion releases the permit <em>before</em> completing the future, so a callback that sends the
 * next request finds a permit.
 */
final class Call<T> {
    final Opcode opcode;
    /** {@link System#nanoTime()} when the caller made the call: the request timeout counts from here. */
    final long startNanos;
    final CompletableFuture<T> future = new CompletableFuture<>();
    /** Wire request id; set by the I/O thread when the call enters its connection's pending table. */
    int id;

    private final Function<Response, T> mapper;
    private final Semaphore permits;
    private Request request;
    private boolean done;

    /** @param mapper turns an OK response into the future's value; may throw {@link AmDbException} */
    Call(Request request, Function<Response, T> mapper, Semaphore permits, long startNanos) {
        this.opcode = request.opcode();
        this.request = request;
        this.mapper = mapper;
        this.permits = permits;
        this.startNanos = startNanos;
    }

    boolean isDone() {
        return done;
    }

    /** Hands the request over for encoding and forgets it, so large values are not kept until the reply. */
    Request takeRequest() {
        Request r = request;
        request = null;
        return r;
    }

    /** Completes with the node's answer: an error response becomes an {@link AmDbException}. */
    void succeed(Response response) {
        if (response instanceof Response.Error error) {
            fail(new AmDbException(error.code(), error.message()));
            return;
        }
        T value;
        try {
            value = mapper.apply(response);
        } catch (AmDbException e) {
            fail(e);
            return;
        } catch (RuntimeException e) { // a response shape the opcode check should have excluded
            fail(new AmDbException(ErrorCode.INTERNAL_ERROR, "unexpected " + opcode + " response: " + e, e));
            return;
        }
        if (finish()) {
            future.complete(value);
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
        permits.release();
        return true;
    }
}
