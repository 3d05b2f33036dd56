package io.amdb.node.shard;

import io.amdb.node.storage.ShardStore;
import io.amdb.node.storage.WriteObserver;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;

/**
 * Owns one {@link ShardStore}: the store is touched only on this verticle's event loop, so it needs no
 * locks. Tasks arrive on the local event bus at {@link #address(int)} and run strictly in arrival order;
 * a large task runs in slices of {@link #SLICE_OPS} operations, yielding the event loop between slices
 * (later tasks wait, so per-key order holds).
 */
public final class ShardVerticle extends VerticleBase {
    /** Operations per slice: roughly a few milliseconds of work, well under the 50 ms blocking budget. */
    static final int SLICE_OPS = 8192;

    private final int index;
    private final ShardStore store;
    private final ArrayDeque<Message<ShardTask>> queue = new ArrayDeque<>();
    private boolean draining;
    private MessageConsumer<ShardTask> consumer;

    private final java.util.concurrent.atomic.AtomicLong longestTaskNanos;

    /** Thread CPU time, not wall time: on a busy machine a preempted slice would look longer than it blocks. */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * @param longestTaskNanos raised to the CPU time of the longest slice of a migration, scan or stats task any
     *                         shard ran (shared by the node's shards)
     */
    public ShardVerticle(int index, int partitions, long seed, java.util.concurrent.atomic.AtomicLong longestTaskNanos) {
        this.longestTaskNanos = longestTaskNanos;
        this.index = index;
        this.store = new ShardStore(partitions, seed);
    }

    /** Sets or clears the observer of this shard's client writes (see {@link WriteObserver}). */
    public void setObserver(WriteObserver observer) {
        store.setObserver(observer);
    }

    public static String address(int shard) {
        return "amdb.shard." + shard;
    }

    @Override
    public Future<?> start() {
        consumer = vertx.eventBus().localConsumer(address(index), this::enqueue);
        return consumer.completion();
    }

    @Override
    public Future<?> stop() {
        return consumer.unregister();
    }

    private void enqueue(Message<ShardTask> message) {
        queue.add(message);
        if (!draining) {
            drain();
        }
    }

    private void drain() {
        draining = true;
        boolean resumeLater = false;
        try {
            Message<ShardTask> head;
            while ((head = queue.peek()) != null) {
                boolean done;
                // Point batches (the hot path) are bounded by SLICE_OPS and not timed: a CPU-time read costs ~0.5 µs.
                boolean timed = !(head.body() instanceof PointBatch);
                long started = timed ? CPU.getCurrentThreadCpuTime() : 0;
                try {
                    done = head.body().runOn(store, SLICE_OPS);
                    if (timed) {
                        longestTaskNanos.accumulateAndGet(CPU.getCurrentThreadCpuTime() - started, Math::max);
                    }
                } catch (Throwable e) { // even an Error must not wedge the shard with draining stuck at true
                    queue.poll();
                    head.fail(500, "shard " + index + ": " + e);
                    continue;
                }
                if (!done) {
                    resumeLater = true;
                    context.runOnContext(v -> drain());
                    return;
                }
                queue.poll();
                head.reply(head.body(), LocalCodec.DELIVERY);
            }
        } finally {
            draining = resumeLater;
        }
    }
}
