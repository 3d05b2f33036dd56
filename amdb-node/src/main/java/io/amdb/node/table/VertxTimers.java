package io.amdb.node.table;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Executor;

/** {@link Timers} on a Vert.x instance: its timers, the caller's Vert.x context, the system clock. */
public final class VertxTimers implements Timers {
    private final Vertx vertx;

    public VertxTimers(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /** @throws IllegalStateException when not called on a Vert.x context */
    @Override
    public Executor callerContext() {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("a wait for the table must start on a Vert.x context");
        }
        return task -> context.runOnContext(v -> task.run());
    }

    @Override
    public Runnable after(long delayMs, Runnable task) {
        long id = vertx.setTimer(delayMs, t -> task.run());
        return () -> vertx.cancelTimer(id);
    }
}
