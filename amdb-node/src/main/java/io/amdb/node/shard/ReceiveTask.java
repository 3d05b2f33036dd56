package io.amdb.node.shard;

import io.amdb.node.storage.Changes;
import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.ProtocolException;

/**
 * The target side of a migration on one shard: applies a shipped chunk of changes to the partition
 * (dropping whatever an earlier, abandoned attempt left when {@code reset}), or drops a partition this node
 * holds but no longer owns or receives. A chunk is bounded by the source's chunk size.
 */
public final class ReceiveTask implements ShardTask {
    private final int partition;
    private final boolean reset;
    private final byte[] ops;
    private final int off;
    private final int len;
    private int applied;

    private ReceiveTask(int partition, boolean reset, byte[] ops, int off, int len) {
        this.partition = partition;
        this.reset = reset;
        this.ops = ops;
        this.off = off;
        this.len = len;
    }

    public static ReceiveTask apply(int partition, boolean reset, byte[] ops, int off, int len) {
        return new ReceiveTask(partition, reset, ops, off, len);
    }

    public static ReceiveTask drop(int partition) {
        return new ReceiveTask(partition, true, new byte[0], 0, 0);
    }

    @Override
    public boolean runOn(ShardStore store, int budget) {
        if (reset) {
            store.dropPartition(partition);
        }
        try {
            applied = Changes.apply(store, partition, ops, off, len);
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("malformed migration chunk for partition " + partition + ": "
                    + e.getMessage(), e);
        }
        return true;
    }

    public int applied() {
        return applied;
    }
}
