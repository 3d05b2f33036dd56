package io.amdb.node.route;

import io.amdb.node.shard.LocalCodec;
import io.amdb.node.shard.ShardTask;
import io.amdb.node.shard.ShardVerticle;
import io.amdb.protocol.Partitioner;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

/**
 * Sends {@link ShardTask}s to this node's shard verticles over the local event bus and knows where each
 * partition lives: partition {@code p} is on shard {@code p mod S}. Immutable; shared by all connections.
 */
public final class ShardDispatcher {
    private final EventBus eventBus;
    private final Partitioner partitioner;
    private final String[] addresses;

    public ShardDispatcher(EventBus eventBus, Partitioner partitioner, int shards) {
        this.eventBus = eventBus;
        this.partitioner = partitioner;
        this.addresses = new String[shards];
        for (int i = 0; i < shards; i++) {
            addresses[i] = ShardVerticle.address(i);
        }
    }

    public int shards() {
        return addresses.length;
    }

    public Partitioner partitioner() {
        return partitioner;
    }

    public int shardOf(int partition) {
        return shardOf(partition, addresses.length);
    }

    /** The shard that holds {@code partition} on a node of {@code shards} shards. */
    public static int shardOf(int partition, int shards) {
        return partition % shards;
    }

    /** Sends the task to the shard; the future completes on the caller's context once the shard ran it. */
    public <T extends ShardTask> Future<T> send(int shard, T task) {
        return eventBus.<ShardTask>request(addresses[shard], task, LocalCodec.DELIVERY).map(Message::body)
                .map(body -> {
                    assert body == task;
                    return task;
                });
    }
}
