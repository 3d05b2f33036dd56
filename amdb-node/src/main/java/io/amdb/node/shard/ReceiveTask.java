package io.amdb.node.shard;

import io.amdb.node.PartitionTrace;
import io.amdb.node.storage.Changes;
import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;

/**
 * The target side of a migration on one shard: applies a shipped chunk of changes to the partition
 * (dropping whatever an earlier, abandoned attempt left when {@code reset}), or drops a partition this node
 * holds but no longer owns or receives. A chunk is bounded by the source's chunk size.
 */
public final class ReceiveTask implements ShardTask {
    private enum Kind { APPLY, DROP, RECLAIM }

    private final Kind kind;
    private final int partition;
    private final boolean reset;
    private final byte[] ops;
    private final int off;
    private final int len;
    private final java.util.function.BooleanSupplier stillDrop; // DROP only: asked on the shard when it runs
    private long resumeHeld = -1; // APPLY with RESUME: the term whose history the copy must hold ...
    private long resumeFrom = -1; // ... up to this sequence
    private long resumeTerm = -1; // ... and the source's term, whose history it then holds
    private WireReader reader; // null until the first slice

    private ReceiveTask(Kind kind, int partition, boolean reset, byte[] ops, int off, int len) {
        this(kind, partition, reset, ops, off, len, () -> true);
    }

    private ReceiveTask(Kind kind, int partition, boolean reset, byte[] ops, int off, int len,
            java.util.function.BooleanSupplier stillDrop) {
        this.stillDrop = stillDrop;
        this.kind = kind;
        this.partition = partition;
        this.reset = reset;
        this.ops = ops;
        this.off = off;
        this.len = len;
    }

    /** Applies a chunk; {@code reset} (the first chunk of an attempt) first drops whatever is held and reclaims. */
    public static ReceiveTask apply(int partition, boolean reset, byte[] ops, int off, int len) {
        return new ReceiveTask(Kind.APPLY, partition, reset, ops, off, len);
    }

    /**
     * Applies the first chunk of an attempt that resumes the copy held here instead of replacing it: the copy must
     * hold {@code heldTerm}'s history up to exactly {@code from}, and the changes must be numbered on from there, else
     * the task fails and nothing is applied (the source then aborts the attempt). The copy then holds the source's
     * {@code term}'s history.
     */
    public static ReceiveTask resume(int partition, long heldTerm, long from, long term, byte[] ops, int off, int len) {
        ReceiveTask t = new ReceiveTask(Kind.APPLY, partition, false, ops, off, len);
        t.resumeHeld = heldTerm;
        t.resumeFrom = from;
        t.resumeTerm = term;
        return t;
    }

    /**
     * Drops a partition the node holds but neither owns nor receives (a handed-off marker stays), if {@code stillDrop}
     * (asked on the shard when the task runs) says so: a newer table than the one that decided the drop may give
     * the partition back meanwhile (as a backup, say), and what came since under that table must stay.
     */
    public static ReceiveTask drop(int partition, java.util.function.BooleanSupplier stillDrop) {
        return new ReceiveTask(Kind.DROP, partition, true, new byte[0], 0, 0, stillDrop);
    }

    /**
     * The node serves a partition it handed off before (given back empty after an operator accepted its loss):
     * clears the handed-off marker. Nothing is dropped: the handoff dropped the copy, and whatever the node holds
     * of the partition since came through a later copy (as a backup) that it now serves.
     */
    public static ReceiveTask reclaim(int partition) {
        return new ReceiveTask(Kind.RECLAIM, partition, false, new byte[0], 0, 0);
    }

    /** A received chunk is fsynced before it is answered: the source's cutover follows the last one. */
    @Override
    public boolean needsSync() {
        return kind == Kind.APPLY;
    }

    /** Applies at most {@code budget} operations per slice, like every shard task. */
    @Override
    public boolean runOn(ShardStore store, int budget) {
        if (reader == null) {
            if (kind == Kind.DROP && !stillDrop.getAsBoolean()) {
                PartitionTrace.log(partition, () -> "kept: the newest table gives it to this node");
                return true;
            }
            if (reset || kind == Kind.RECLAIM) {
                PartitionTrace.log(partition, () -> kind == Kind.DROP ? "dropped (held sequence " + store.sequence(partition)
                        + ")" : kind == Kind.RECLAIM ? "reclaimed" : "a migration's first chunk: copy dropped");
            }
            if (reset) {
                store.dropPartition(partition);
                store.follow(partition, -1); // a copy by migration follows no primary's stream
            }
            if (resumeTerm >= 0) {
                resumeHeld(store);
            }
            if (kind == Kind.RECLAIM || kind != Kind.DROP && (reset || resumeTerm >= 0)) {
                store.reclaim(partition);
            }
            reader = new WireReader(ops, off, len);
        }
        try {
            for (int n = 0; n < budget && reader.remaining() > 0; n++) {
                Changes.applyNext(store, partition, reader);
            }
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("malformed migration chunk for partition " + partition + ": "
                    + e.getMessage(), e);
        }
        return reader.remaining() == 0;
    }

    private void resumeHeld(ShardStore store) {
        // Checked before anything is applied: a copy that moved on since the source asked is not continued.
        boolean numbered;
        try {
            numbered = Changes.numberedFrom(ops, off, len, resumeFrom);
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("malformed migration chunk for partition " + partition + ": "
                    + e.getMessage(), e);
        }
        if (store.heldTerm(partition) != resumeHeld || store.sequence(partition) != resumeFrom || !numbered) {
            throw new IllegalStateException("the copy of partition " + partition + " holds sequence "
                    + store.sequence(partition) + " of term " + store.heldTerm(partition) + "'s history, not " + resumeFrom
                    + " of term " + resumeHeld);
        }
        PartitionTrace.log(partition, () -> "a migration's first chunk resumes the copy at sequence " + resumeFrom
                + " of term " + resumeHeld);
        // What it holds up to here is the source's history too; the changes that follow continue it.
        store.follow(partition, resumeTerm);
        store.holdHistory(partition);
    }
}
