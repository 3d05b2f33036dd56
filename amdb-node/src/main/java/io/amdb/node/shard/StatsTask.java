package io.amdb.node.shard;

import io.amdb.node.storage.ShardStore;

/**
 * Reads a shard's key counts and memory estimate on its own thread: the keys of the partitions the node
 * owns, and all it holds (which also counts partial copies of partitions migrating in, and partitions
 * handed off but not dropped yet).
 */
public final class StatsTask implements ShardTask {
    private final boolean[] owned;
    private long keys;
    private long keysHeld;
    private long memoryBytes;

    /** @param owned which partitions the node owns, indexed by partition; null means all */
    public StatsTask(boolean[] owned) {
        this.owned = owned;
    }

    @Override
    public boolean runOn(ShardStore store, int budget) {
        keysHeld = store.size();
        if (owned == null) {
            keys = keysHeld;
        } else {
            for (int p = 0; p < owned.length; p++) {
                keys += owned[p] ? store.partitionSize(p) : 0;
            }
        }
        memoryBytes = store.memoryBytes();
        return true;
    }

    /** Keys in the partitions the node owns. */
    public long keys() {
        return keys;
    }

    /** Keys in every partition the shard holds. */
    public long keysHeld() {
        return keysHeld;
    }

    public long memoryBytes() {
        return memoryBytes;
    }
}
