package io.amdb.node.storage;

/**
 * Told of every client write a shard applies (the hook for watches today, for the write-ahead log and
 * replication later). Migration copies and partition drops are not client writes and are not reported.
 *
 * <p>Contract: called on the shard's event loop, right after the write is applied, in apply order; it must
 * return quickly and never block (hand the event to another thread or the event bus). Key and value are the
 * stored arrays: never modify them.
 */
@FunctionalInterface
public interface WriteObserver {
    /** {@code value} is the new value of a put, or null for a delete that removed an entry. */
    void written(int partition, byte[] key, byte[] value);
}
