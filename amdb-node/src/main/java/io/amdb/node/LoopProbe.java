package io.amdb.node;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how long this node's event loops are blocked: a timer every {@link #PERIOD_MS} on each loop, and
 * the lateness of each firing is how long the loop could not run it. The maximum since the last
 * {@link #reset} shows in INFO as {@code loop_lag_max_ms}. It includes GC pauses (they stop every loop), so
 * it bounds what a request can wait, whatever the cause; the shards' own longest task is reported apart.
 */
final class LoopProbe extends VerticleBase {
    static final long PERIOD_MS = 10;

    private final AtomicLong maxLagNanos;
    private long expected;

    LoopProbe(AtomicLong maxLagNanos) {
        this.maxLagNanos = maxLagNanos;
    }

    @Override
    public Future<?> start() {
        expected = System.nanoTime() + PERIOD_MS * 1_000_000;
        vertx.setPeriodic(PERIOD_MS, id -> {
            long now = System.nanoTime();
            maxLagNanos.accumulateAndGet(now - expected, Math::max);
            expected = now + PERIOD_MS * 1_000_000;
        });
        return Future.succeededFuture();
    }
}
