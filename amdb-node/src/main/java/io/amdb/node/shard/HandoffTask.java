package io.amdb.node.shard;

import io.amdb.node.PartitionTrace;
import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.WireWriter;

/**
 * One step of a partition's migration on its source shard (see {@link io.amdb.node.storage.Handoff}):
 * copy the next chunk, fence and drain the last changes, or end the handoff (serve again, or drop).
 * Each step is bounded by its chunk size, so it never holds the event loop long.
 */
public final class HandoffTask implements ShardTask {
    private enum Step { COPY, FENCE, END }

    private final Step step;
    private final int partition;
    private final int maxEntries;
    private final long maxBytes;
    private final boolean drop;
    private final WireWriter out = new WireWriter(4096);
    private boolean copiedAll;
    private int ops;
    private int size;

    private HandoffTask(Step step, int partition, int maxEntries, long maxBytes, boolean drop) {
        this.step = step;
        this.partition = partition;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.drop = drop;
    }

    /** The changes logged since the last chunk, then up to {@code maxEntries} entries / about {@code maxBytes}. */
    public static HandoffTask copy(int partition, int maxEntries, long maxBytes) {
        return new HandoffTask(Step.COPY, partition, maxEntries, maxBytes, false);
    }

    /** Fences the partition and drains its last changes. */
    public static HandoffTask fence(int partition) {
        return new HandoffTask(Step.FENCE, partition, 0, 0, false);
    }

    /** Ends the handoff: {@code drop} after a cutover, or serve again after an abort. */
    public static HandoffTask end(int partition, boolean drop) {
        return new HandoffTask(Step.END, partition, 0, 0, drop);
    }

    @Override
    public boolean runOn(ShardStore store, int budget) {
        switch (step) {
            case COPY -> {
                ops = store.copyChunk(partition, maxEntries, maxBytes, out);
                copiedAll = store.handoff(partition).copiedAll();
            }
            case FENCE -> {
                ops = store.fence(partition, out);
                PartitionTrace.log(partition, () -> "fenced for a migration's cutover at sequence " + store.sequence(partition)
                        + " (" + ops + " changes in the last chunk)");
            }
            case END -> {
                boolean ended = store.endHandoff(partition, drop);
                PartitionTrace.log(partition, () -> !ended ? "migration " + (drop ? "handed off" : "aborted")
                        + ": the copy was reset by its new primary since, kept"
                        : drop ? "handed off: copy dropped" : "migration aborted: serves again");
            }
            default -> throw new IllegalStateException(step.name());
        }
        size = out.size();
        return true;
    }

    /** The encoded changes ({@link io.amdb.node.storage.Changes}) to ship; valid after the task ran. */
    public byte[] bytes() {
        return out.array();
    }

    public int size() {
        return size;
    }

    /** How many operations (entries and changes) {@link #bytes()} holds. */
    public int ops() {
        return ops;
    }

    /** After COPY: the copy reached the end of the partition. */
    public boolean copiedAll() {
        return copiedAll;
    }
}
