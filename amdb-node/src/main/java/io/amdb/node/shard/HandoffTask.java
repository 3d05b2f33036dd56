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
    private enum Step { COPY, RESUME, FENCE, TRANSFER, END }

    private final Step step;
    private final int partition;
    private final int maxEntries;
    private final long maxBytes;
    private final boolean drop;
    private final String target; // TRANSFER: the in-sync backup the partition moves to
    private boolean held;
    private final long heldTerm; // RESUME: the target's copy holds this term's history ...
    private final long heldSequence; // ... up to this sequence
    private long term = -1; // RESUME: this primary's term when its history continues that copy (set by the shard)
    private final WireWriter out = new WireWriter(4096);
    private boolean copiedAll;
    private int ops;
    private int size;

    private HandoffTask(Step step, int partition, int maxEntries, long maxBytes, boolean drop) {
        this(step, partition, maxEntries, maxBytes, drop, null);
    }

    private HandoffTask(Step step, int partition, int maxEntries, long maxBytes, boolean drop, String target) {
        this(step, partition, maxEntries, maxBytes, drop, target, -1, -1);
    }

    private HandoffTask(Step step, int partition, int maxEntries, long maxBytes, boolean drop, String target,
            long heldTerm, long heldSequence) {
        this.heldTerm = heldTerm;
        this.heldSequence = heldSequence;
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

    /**
     * Starts the migration from the target's copy, which holds {@code heldTerm}'s history up to {@code heldSequence}:
     * when this primary's history continues it ({@link #continuesAs}), the first chunk is the changes since and the
     * copy is complete at once ({@link #resumed()}); else nothing is started and the partition is copied in full.
     */
    public static HandoffTask resume(int partition, long heldTerm, long heldSequence) {
        return new HandoffTask(Step.RESUME, partition, 0, 0, false, null, heldTerm, heldSequence);
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
            case RESUME -> {
                if (term >= 0) {
                    ops = store.resumeHandoff(partition, heldSequence, out);
                    copiedAll = true;
                    PartitionTrace.log(partition, () -> "a migration resumes its target's copy of term " + heldTerm
                            + " at sequence " + heldSequence + ": " + ops + " changes");
                }
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

    /** For a RESUME: the history the target's copy holds, and how far; the shard answers {@link #continuesAs}. */
    public boolean resumes() {
        return step == Step.RESUME;
    }

    public long heldTerm() {
        return heldTerm;
    }

    public long heldSequence() {
        return heldSequence;
    }

    /** Set by the shard before a RESUME runs: its term when its history continues the target's copy, else -1. */
    void continuesAs(long primaryTerm) {
        this.term = primaryTerm;
    }

    /** After a RESUME: the target's copy is continued (the term its copy then holds), or -1: copy it in full. */
    public long resumedTerm() {
        return term;
    }

    /** After COPY: the copy reached the end of the partition. */
    public boolean copiedAll() {
        return copiedAll;
    }
}
