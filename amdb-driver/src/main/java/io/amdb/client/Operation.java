package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Response;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One call of a public {@link AmDbClient} method, from the moment it holds an in-flight permit until its
 * future completes; it may span several {@link Call}s (retries, parts of a split request).
 *
 * <p>Thread-safe: parts may complete it from the I/O thread and, for failures detected before sending,
 * from the caller's thread. The first completion wins; later ones are ignored. Completion releases the
 * permit <em>before</em> completing the future, so a callback that makes the next call finds a permit.
 */
final class Operation<T> {
    final CompletableFuture<T> future = new CompletableFuture<>();
    /** {@link System#nanoTime()} when the caller made the call: the request timeout counts from here. */
    final long startNanos;

    private final Semaphore permits;
    private final AtomicBoolean done = new AtomicBoolean();

    /** @param permits released once on completion; null when the operation holds no permit */
    Operation(Semaphore permits, long startNanos) {
        this.permits = permits;
        this.startNanos = startNanos;
    }

    boolean isDone() {
        return done.get();
    }

    void complete(T value) {
        if (finish()) {
            future.complete(value);
        }
    }

    /** Completes with {@code mapper(response)}; a mapper failure fails the operation instead. */
    void completeWith(Response response, Function<Response, T> mapper) {
        T value;
        try {
            value = mapper.apply(response);
        } catch (AmDbException e) {
            fail(e);
            return;
        } catch (RuntimeException e) { // a response shape the opcode check should have excluded
            fail(new AmDbException(ErrorCode.INTERNAL_ERROR, "unexpected response " + response + ": " + e, e));
            return;
        }
        complete(value);
    }

    void fail(Throwable failure) {
        if (finish()) {
            future.completeExceptionally(failure);
        }
    }

    private boolean finish() {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        if (permits != null) {
            permits.release();
        }
        return true;
    }
}
