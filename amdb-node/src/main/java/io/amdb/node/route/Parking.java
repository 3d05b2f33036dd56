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
 * <p>Contract: every event that may let a waiter go on (a newer table installed, a handoff aborted) raises
 * {@link #version()}. A caller reads the version <em>before</em> the step that may have to wait (routing,
 * sending to a shard) and passes it to {@link #park}, which runs {@code resume} exactly once, on the
 * caller's Vert.x context, as soon as the version is above the one seen (at once if it already is), or
 * after {@code timeoutMs}. So an event between the read and the park is never missed. The resumed code
 * re-reads the table and decides (answer WRONG_OWNER naming the new owner, or retry). Thread-safe: tables
 * are installed on the cluster service's thread, requests park on every event loop.
 */
public final class Parking {
    private final Vertx vertx;
    private final long timeoutMs;
    private final List<Waiter> waiters = new ArrayList<>(); // guarded by this
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

    public Parking(Vertx vertx, long timeoutMs) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
    }

    /** The current version: read it before the step that may have to wait. */
    public long version() {
        return version.get();
    }

    /** Must be called on a Vert.x context; see the class comment. */
    public void park(long versionSeen, Runnable resume) {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("park() must be called on a Vert.x context");
        }
        Waiter w = new Waiter(context, resume, versionSeen);
        w.timer = vertx.setTimer(timeoutMs, id -> w.fire());
        synchronized (this) {
            waiters.add(w);
        }
        if (version.get() > versionSeen) { // an event came before (or while) we registered
            w.fire();
        }
    }

    /** The node installed a newer table: resumes every waiter. */
    public void tableInstalled() {
        wakeAll();
    }

    /** Resumes every waiter (e.g. a handoff was aborted: its partition is served here again). */
    public void wakeAll() {
        version.incrementAndGet();
        List<Waiter> due;
        synchronized (this) {
            due = new ArrayList<>(waiters);
            waiters.clear();
        }
        due.forEach(Waiter::fire);
    }

    private final class Waiter {
        final Context context;
        final Runnable resume;
        final long versionSeen;
        final AtomicBoolean fired = new AtomicBoolean();
        volatile long timer;

        Waiter(Context context, Runnable resume, long versionSeen) {
            this.context = context;
            this.resume = resume;
            this.versionSeen = versionSeen;
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
