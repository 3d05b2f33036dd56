package io.amdb.node.shard;

import io.amdb.node.storage.ShardStore;

/**
 * Reads where this shard's copies of some partitions stand: the term whose history each holds
 * ({@link ShardStore#heldTerm}, -1 for none) and its sequence. For the table coordinator choosing whom to promote
 * after a primary's death, and for a migration's source asking whether its target's copy can be resumed.
 */
public final class PositionsTask implements ShardTask {
    private final int[] partitions;
    private final long[] terms;
    private final long[] sequences;

    public PositionsTask(int[] partitions) {
        this.partitions = partitions.clone();
        this.terms = new long[partitions.length];
        this.sequences = new long[partitions.length];
    }

    @Override
    public boolean runOn(ShardStore store, int budget) {
        for (int i = 0; i < partitions.length; i++) {
            terms[i] = store.heldTerm(partitions[i]);
            sequences[i] = store.sequence(partitions[i]);
        }
        return true;
    }

    public int[] partitions() {
        return partitions;
    }

    /** The term whose history the copy of {@code partitions()[i]} holds, after the task ran. */
    public long term(int i) {
        return terms[i];
    }

    /** The sequence of the copy of {@code partitions()[i]}, after the task ran. */
    public long sequence(int i) {
        return sequences[i];
    }
}
