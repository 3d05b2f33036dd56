package io.amdb.jdbc;

import java.sql.SQLException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How one statement blocks on the native client's futures: every wait is bounded by the statement's query
 * timeout (57014 SQLTimeoutException when it expires), can be ended by {@link #cancel()} from another
 * thread (57014), and turns a failed future into the mapped SQLException.
 *
 * <p>A wait is one step: executing a statement (all its requests are sent first, then awaited together),
 * or fetching one page of a range. So the query timeout bounds each step, not the life of a ResultSet.
 * Neither timeout nor cancel recalls requests already sent: the node may still apply them.
 *
 * <p>Thread-safe: the statement's thread waits, any thread may cancel.
 */
final class Waits {
    private volatile int timeoutSeconds;
    private volatile boolean cancelled;
    private volatile CompletableFuture<?> waiting;

    int timeoutSeconds() {
        return timeoutSeconds;
    }

    /** 0 = no query timeout (the client's requestTimeoutMs still bounds every request). */
    void timeoutSeconds(int seconds) {
        timeoutSeconds = seconds;
    }

    /** Called when an execution starts: a cancel() before this point does not carry over. */
    void reset() {
        cancelled = false;
    }

    /** Ends the current wait, if any, and the rest of the current execution. */
    void cancel() {
        cancelled = true;
        CompletableFuture<?> w = waiting;
        if (w != null) {
            w.cancel(false);
        }
    }

    /** The future's value; see the class comment for the failures. */
    <T> T await(CompletableFuture<T> future) throws SQLException {
        CompletableFuture<T> view = future.copy(); // cancelling the copy leaves the client's own future alone
        waiting = view;
        try {
            if (cancelled) {
                view.cancel(false);
            }
            int timeout = timeoutSeconds;
            return timeout > 0 ? view.get(timeout, TimeUnit.SECONDS) : view.get();
        } catch (CancellationException e) {
            throw SqlErrors.cancelled("cancelled");
        } catch (TimeoutException e) {
            throw SqlErrors.queryTimeout(timeoutSeconds);
        } catch (ExecutionException e) {
            throw SqlErrors.fromClient(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SqlErrors.cancelled("interrupted while waiting for the node");
        } finally {
            waiting = null;
        }
    }
}
