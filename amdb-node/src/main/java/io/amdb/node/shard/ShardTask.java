package io.amdb.node.shard;

import io.amdb.node.storage.ShardStore;

/**
 * Work sent to a shard over the local event bus. The shard runs it on its own event loop and replies with
 * the same object, results filled in; the sender reads them only after the reply arrives, so the event bus
 * hand-off is the only synchronisation needed.
 */
public interface ShardTask {
    /**
     * Applies this task to the shard's store, at most {@code budget} operations at a time.
     *
     * @return true when the task is complete; false when it stopped at the budget and must be resumed
     */
    boolean runOn(ShardStore store, int budget);

    /**
     * True when the task's changes must be fsynced before it is answered, whatever the durability mode
     * (a migration chunk: the cutover it leads to must find the partition on the target's disk).
     */
    default boolean needsSync() {
        return false;
    }

    /**
     * True when the task ran a client write, even one that changed nothing (a DELETE of an absent key): its
     * answer must wait for the log like any write's, or it could overtake an earlier write it depends on.
     */
    default boolean ranWrites() {
        return false;
    }
}
