package io.amdb.node.shard;

import io.amdb.node.storage.Journal;
import io.amdb.node.storage.ShardStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.function.IntConsumer;

/**
 * The replication layer as a shard sees it: the journal every change of the shard's store passes through (after
 * the log), which partitions the shard serves, and when a request's partitions are safe to answer for. Called on
 * the shard's event loop only. The implementation is {@code io.amdb.node.replicate.Replicator}.
 */
public interface ShardReplication extends Journal {
    /** Takes up the node's current table; the shard calls it before each task. */
    void refresh();

    /** Whether the shard serves the partition's requests now (it is the partition's primary). */
    boolean serves(int partition);

    /** Sends what the turn gathered; the shard calls it at the end of each turn (and on a timer when idle). */
    void flush();

    /**
     * Runs {@code done} once every in-sync backup of these partitions holds every change of them made so far; before
     * it, {@code unknown} with each partition whose outcome is unknown instead (its primary changed first, or its
     * backups did not confirm in time). Every partition is settled on its own: one of unknown outcome never ends the
     * wait of another.
     */
    void whenReplicated(int[] partitions, Runnable done, IntConsumer unknown);

    /**
     * Runs {@code done} once the partition's in-sync backup {@code node} holds every change of it made so far, or
     * {@code failed} when it cannot (see the implementation).
     */
    void whenHeldBy(int partition, String node, Runnable done, Runnable failed);

    /**
     * This shard's term as the partition's primary when its history continues a copy that holds {@code heldTerm}'s
     * history up to {@code sequence} (nothing to take back) and it still keeps every change since; else -1. A
     * migration to that copy's node then ships those changes instead of the whole partition.
     */
    long continues(int partition, long heldTerm, long sequence);

    /** The shard stops: requests still waiting end with an unknown outcome. */
    void close();

    /** Makes a shard's replication once the shard runs, on its context; {@code log} may be {@link Journal#NONE}. */
    @FunctionalInterface
    interface Factory {
        ShardReplication create(int shard, ShardStore store, Journal log, Vertx vertx, Context context);
    }
}
