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
    private enum Step { COPY, FENCE, TRANSFER, END }

    private final Step step;
    private final int partition;
    private final int maxEntries;
    private final long maxBytes;
    private final boolean drop;
    private final String target; // TRANSFER: the in-sync backup the partition moves to
    private boolean held;
    private final WireWriter out = new WireWriter(4096);
    private boolean copiedAll;
    private int ops;
    private int size;

    private HandoffTask(Step step, int partition, int maxEntries, long maxBytes, boolean drop) {
        this(step, partition, maxEntries, maxBytes, drop, null);
    }

    private HandoffTask(Step step, int partition, int maxEntries, long maxBytes, boolean drop, String target) {
        this.target = target;
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

    /**
     * Fences the partition for a move to {@code target}, one of its in-sync backups, without copying it; the shard
     * answers once that backup holds every change of it ({@link #held()}), or it cannot.
     */
    public static HandoffTask transfer(int partition, String target) {
        return new HandoffTask(Step.TRANSFER, partition, 0, 0, false, target);
    }

    /** Ends the handoff: {@code drop} after a cutover, or serve again after an abort (or a cutover to a backup of it). */
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
            case TRANSFER -> {
                store.fenceForTransfer(partition);
                PartitionTrace.log(partition, () -> "fenced for a move to its backup " + target + " at sequence "
                        + store.sequence(partition));
            }
            case END -> {
                boolean ended = store.endHandoff(partition, drop);
                PartitionTrace.log(partition, () -> !ended ? "migration " + (drop ? "handed off" : "aborted")
                        + ": the copy was reset by its new primary since, kept"
                        : drop ? "handed off: copy dropped"
                        : "migration ended: unfenced (aborted, or handed off and kept as a backup)");
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

    public int partition() {
        return partition;
    }

    /** Whether the step fences the partition (FENCE, TRANSFER): its answer waits for the partition's backups. */
    public boolean fences() {
        return step == Step.FENCE || step == Step.TRANSFER;
    }

    /** For a TRANSFER: the backup it moves to; null for the other steps. */
    public String transferTarget() {
        return target;
    }

    /** After a TRANSFER: the backup holds every change of the partition (else the move must be aborted). */
    public boolean held() {
        return held;
    }

    /** Records the outcome of a TRANSFER's wait (the shard sets it before answering). */
    void setHeld(boolean held) {
        this.held = held;
    }

    /** After COPY: the copy reached the end of the partition. */
    public boolean copiedAll() {
        return copiedAll;
    }
}
