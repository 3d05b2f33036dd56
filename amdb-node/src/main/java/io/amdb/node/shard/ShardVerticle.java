package io.amdb.node.shard;

import io.amdb.node.persist.LogWriter;
import io.amdb.node.persist.ShardLog;
import io.amdb.node.persist.Snapshotter;
import io.amdb.node.storage.Journal;
import io.amdb.node.storage.ShardStore;
import io.amdb.node.storage.WriteObserver;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owns one {@link ShardStore}: the store is touched only on this verticle's event loop, so it needs no
 * locks. Tasks arrive on the local event bus at {@link #address(int)} and run strictly in arrival order;
 * a large task runs in slices of {@link #SLICE_OPS} operations, yielding the event loop between slices
 * (later tasks wait, so per-key order holds).
 *
 * <p><b>Durability.</b> With a {@link ShardStorage}, every change the store makes is encoded into the
 * shard's {@link ShardLog}; a task that ran a write is answered only once the log's mode acknowledges every
 * record encoded up to it, and the records of one turn of the event loop go to the log writer as one group.
 * Reads are answered at once (they may see a write its writer has not been told of yet). The shard pauses while the writer is far behind, and takes snapshots
 * in the background ({@link Snapshotter}).
 */
public final class ShardVerticle extends VerticleBase {
    /** Operations per slice: roughly a few milliseconds of work, well under the 50 ms blocking budget. */
    static final int SLICE_OPS = 8192;
    /** How often a shard paused for its log writer looks again. */
    private static final long BACKLOG_RECHECK_MS = 1;

    /** Thread CPU time, not wall time: on a busy machine a preempted slice would look longer than it blocks. */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final int index;
    private final ShardStore store;
    private final ShardStorage storage; // null: memory only
    private final ArrayDeque<Message<ShardTask>> queue = new ArrayDeque<>();
    private final AtomicLong longestTaskNanos;
    private final ShardReplication.Factory replicationFactory; // null: no replication (a bare shard)
    private ShardReplication replication;
    private long replicationTimer = -1;
    private boolean draining;
    private MessageConsumer<ShardTask> consumer;
    private ShardLog log;
    private Snapshotter snapshotter;

    /**
     * @param store            the shard's store, empty or as recovery rebuilt it
     * @param storage          how to keep the shard's log, or null for a memory-only shard
     * @param longestTaskNanos raised to the CPU time of the longest slice of a migration, scan or stats task any
     *                         shard ran (shared by the node's shards)
     */
    public ShardVerticle(int index, ShardStore store, ShardStorage storage, AtomicLong longestTaskNanos) {
        this(index, store, storage, longestTaskNanos, null);
    }

    /**
     * As the other constructor, replicating through what {@code replication} makes: the shard then serves only the
     * partitions it is primary of, ships their changes to their backups, and answers a request only once its
     * partitions' in-sync backups hold what it could have seen.
     */
    public ShardVerticle(int index, ShardStore store, ShardStorage storage, AtomicLong longestTaskNanos,
            ShardReplication.Factory replication) {
        this.index = index;
        this.store = store;
        this.storage = storage;
        this.longestTaskNanos = longestTaskNanos;
        this.replicationFactory = replication;
    }

    /** How often an idle shard looks at its replication (a new table, a backup to retry, a copy to go on). */
    static final long REPLICATION_TICK_MS = 50;

    /** Sets or clears the observer of this shard's client writes (see {@link WriteObserver}). */
    public void setObserver(WriteObserver observer) {
        store.setObserver(observer);
    }

    public static String address(int shard) {
        return "amdb.shard." + shard;
    }

    @Override
    public Future<?> start() {
        if (storage != null) {
            openLog();
        }
        if (replicationFactory != null) {
            replication = replicationFactory.create(index, store, log == null ? Journal.NONE : log, vertx, context);
            store.setJournal(replication);
            store.setGate(replication::serves);
            replicationTimer = vertx.setPeriodic(REPLICATION_TICK_MS, id -> {
                if (!draining) {
                    replication.refresh();
                    replication.flush();
                }
            });
        }
        consumer = vertx.eventBus().localConsumer(address(index), this::enqueue);
        return consumer.completion();
    }

    /**
     * Stops taking tasks; takes a snapshot first when the log holds more than {@link #STOP_SNAPSHOT_BYTES} since
     * the last one (so a clean restart loads a snapshot instead of replaying the log); then writes and fsyncs
     * what the log holds and closes it.
     */
    @Override
    public Future<?> stop() {
        Future<Void> unregistered = consumer.unregister();
        if (replicationTimer >= 0) {
            vertx.cancelTimer(replicationTimer);
        }
        if (replication != null) {
            replication.close();
        }
        if (log == null) {
            return unregistered;
        }
        Promise<Void> closed = Promise.promise();
        Runnable close = () -> {
            log.flush();
            log.writer().close(closed::tryComplete);
        };
        if (!snapshotter.running() && log.bytesSinceSnapshot() >= STOP_SNAPSHOT_BYTES && !log.writer().failed()) {
            snapshotter.start(published -> close.run());
        } else {
            close.run();
        }
        return Future.all(unregistered, closed.future());
    }

    /** A clean stop snapshots when the log since the last snapshot is larger than this. */
    static final long STOP_SNAPSHOT_BYTES = 8L << 20;

    private void openLog() {
        Executor loop = r -> context.runOnContext(v -> r.run());
        LogWriter writer = new LogWriter(storage.dir(), index, storage.nextSegment(), storage.mode(),
                storage.fsyncIntervalMs(), loop, storage.onFatal(), storage.stats());
        log = new ShardLog(writer, storage.replayedBytes());
        store.setJournal(log);
        snapshotter = new Snapshotter(storage.dir(), index, store, log, loop, storage.snapshotIo(), storage.stats(),
                storage.warn(), storage.snapshotLogBytes());
        snapshotter.maybeStart(); // the log replayed at start may already call for one
    }

    /** Takes a snapshot now (tests and operators); completes with whether one was published. */
    public Future<Boolean> snapshot() {
        Promise<Boolean> done = Promise.promise();
        context.runOnContext(v -> {
            if (snapshotter == null || snapshotter.running()) {
                done.complete(false);
            } else {
                snapshotter.start(file -> done.complete(file != null));
            }
        });
        return done.future();
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
                if (log != null && log.backlogged()) { // the disk is far behind: let it catch up first
                    resumeLater = true;
                    vertx.setTimer(BACKLOG_RECHECK_MS, id -> drain());
                    return;
                }
                ShardTask task = head.body();
                if (replication != null) {
                    replication.refresh();
                }
                if (task instanceof HandoffTask h && h.resumes()) {
                    h.continuesAs(replication == null ? -1
                            : replication.continues(h.partition(), h.heldTerm(), h.heldSequence()));
                }
                long encodedBefore = log == null ? 0 : log.encoded();
                boolean done;
                // Point batches (the hot path) are bounded by SLICE_OPS and not timed: a CPU-time read costs ~0.5 µs.
                boolean timed = !(task instanceof PointBatch);
                long started = timed ? CPU.getCurrentThreadCpuTime() : 0;
                try {
                    done = task.runOn(store, SLICE_OPS);
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
                answer(head, log != null && (log.encoded() != encodedBefore || task.needsSync() || task.ranWrites()));
            }
        } finally {
            draining = resumeLater;
            if (log != null) {
                log.commit();
                snapshotter.maybeStart();
            }
            if (replication != null) {
                replication.flush();
            }
        }
    }

    /**
     * Replies now (reads), or once the log acknowledges everything encoded up to here (writes, even a no-op
     * DELETE, whose answer depends on earlier writes being durable).
     */
    private void answer(Message<ShardTask> message, boolean waitForLog) {
        ShardTask task = message.body();
        boolean waitForCopies = replication != null && task instanceof PointBatch;
        HandoffTask fence = task instanceof HandoffTask h && h.fences() ? h : null;
        if (fence != null && replication != null) {
            // A fenced partition hands over once its in-sync backups hold every change made here, so that each
            // continues the new primary's history as it is (and, for a move to one of them, that one has it all).
            Runnable reply = () -> message.reply(task, LocalCodec.DELIVERY);
            Runnable backups = () -> replication.whenReplicated(new int[] {fence.partition()}, reply, p -> { });
            if (fence.transferTarget() == null) {
                backups.run();
            } else {
                replication.whenHeldBy(fence.partition(), fence.transferTarget(), () -> {
                    fence.setHeld(true);
                    backups.run();
                }, reply);
            }
            return;
        }
        int[] waits = {(waitForLog ? 1 : 0) + (waitForCopies ? 1 : 0)};
        Runnable one = () -> {
            if (--waits[0] == 0) {
                message.reply(task, LocalCodec.DELIVERY);
            }
        };
        if (waits[0] == 0) {
            message.reply(task, LocalCodec.DELIVERY);
            return;
        }
        if (waitForLog) {
            log.whenDurable(one, task.needsSync());
        }
        if (waitForCopies) {
            PointBatch b = (PointBatch) task;
            replication.whenReplicated(b.partitions(), one, b::markUnknown);
        }
    }
}
