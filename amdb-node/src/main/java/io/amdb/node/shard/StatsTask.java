package io.amdb.node.shard;

import io.amdb.node.storage.ShardStore;

/** Reads a shard's key count and memory estimate on its own thread. */
public final class StatsTask implements ShardTask {
    private long keys;
    private long memoryBytes;

    @Override
    public boolean runOn(ShardStore store, int budget) {
        keys = store.size();
        memoryBytes = store.memoryBytes();
        return true;
    }

    public long keys() {
        return keys;
    }

    public long memoryBytes() {
        return memoryBytes;
    }
}
