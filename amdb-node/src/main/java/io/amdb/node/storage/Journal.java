package io.amdb.node.storage;

/**
 * Told of every change a {@link ShardStore} makes, in the order it makes them: the write-ahead log's input.
 * Client writes, writes received in a migration and partition drops all pass through it, each with the
 * partition sequence number that is the entry's version.
 *
 * <p>Contract: called on the shard's event loop, right after the change is applied; it must not block.
 * Key and value are the stored arrays: never modify them.
 */
public interface Journal {
    /** Keeps nothing: a memory-only store, or one being rebuilt from its own log. */
    Journal NONE = new Journal() {
        @Override
        public void put(int partition, long version, byte[] key, byte[] value) {}

        @Override
        public void delete(int partition, long version, byte[] key) {}

        @Override
        public void drop(int partition) {}

        @Override
        public boolean acceptsWrites() {
            return true;
        }
    };

    /** {@code key} now maps to {@code value} in the partition, at {@code version}. */
    void put(int partition, long version, byte[] key, byte[] value);

    /** {@code key} was removed from the partition by the write numbered {@code version}. */
    void delete(int partition, long version, byte[] key);

    /** Every entry of the partition was let go (it moved to another node, or is about to be received anew). */
    void drop(int partition);

    /**
     * The partition's copy holds the history of the primary of {@code term} up to its sequence, and every later change
     * until the next such record continues it; {@code term} -1: it holds no history a primary may continue (its changes
     * are about to be taken back). A DROP ends it too. Recovery restores it, so a restarted backup can be caught up.
     */
    default void follow(int partition, long term) {}

    /** False while new client writes must be refused before they are applied (the disk is full). */
    boolean acceptsWrites();

    /**
     * False while the partition has fewer in-sync copies than the table's minimum ({@code --min-in-sync}): client
     * writes on it must be refused before they are applied. Without replication there is no minimum.
     */
    default boolean enoughCopies(int partition) {
        return true;
    }
}
