package io.amdb.node.route;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where requests wait for the partition table to move on: operations refused because their partition is in
 * its cutover, and coordinator pieces answered WRONG_OWNER by a node that already knows a newer table.
 *
 * <p>Contract: {@link #park} runs {@code resume} exactly once, on the caller's Vert.x context, after the
 * first of: a table newer than {@code epochSeen} is installed ({@link #tableInstalled}), a handoff is
 * aborted ({@link #wakeAll}), or {@code timeoutMs} passes. The resumed code re-reads the table and decides
 * (answer WRONG_OWNER naming the new owner, or retry). Thread-safe: tables are installed on the cluster
 * service's thread, requests park on every event loop.
 */
public final class Parking {
    private final Vertx vertx;
    private final long timeoutMs;
    private final List<Waiter> waiters = new ArrayList<>(); // guarded by this
    private volatile long epoch;

    public Parking(Vertx vertx, long timeoutMs) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
    }

    /** Must be called on a Vert.x context; see the class comment. */
    public void park(long epochSeen, Runnable resume) {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("park() must be called on a Vert.x context");
        }
        Waiter w = new Waiter(context, resume, epochSeen);
        w.timer = vertx.setTimer(timeoutMs, id -> w.fire());
        synchronized (this) {
            waiters.add(w);
        }
        if (epoch > epochSeen) { // installed while we were registering
            w.fire();
        }
    }

    /** A table of this epoch is now the node's: resumes every waiter that saw an older one. */
    public void tableInstalled(long newEpoch) {
        epoch = newEpoch;
        wake(w -> w.epochSeen < newEpoch);
    }

    /** Resumes every waiter (a handoff was aborted: its partition is served here again). */
    public void wakeAll() {
        wake(w -> true);
    }

    private void wake(java.util.function.Predicate<Waiter> which) {
        List<Waiter> due = new ArrayList<>();
        synchronized (this) {
            waiters.removeIf(w -> which.test(w) && due.add(w));
        }
        due.forEach(Waiter::fire);
    }

    private final class Waiter {
        final Context context;
        final Runnable resume;
        final long epochSeen;
        final AtomicBoolean fired = new AtomicBoolean();
        volatile long timer;

        Waiter(Context context, Runnable resume, long epochSeen) {
            this.context = context;
            this.resume = resume;
            this.epochSeen = epochSeen;
        }

        void fire() {
            if (fired.compareAndSet(false, true)) {
                synchronized (Parking.this) {
                    waiters.remove(this);
                }
                context.runOnContext(v -> {
                    vertx.cancelTimer(timer);
                    resume.run();
                });
            }
        }
    }
}
