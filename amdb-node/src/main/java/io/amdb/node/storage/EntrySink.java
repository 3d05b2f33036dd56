package io.amdb.node.storage;

/**
 * Receives the entries of a {@link ShardStore#scan} one at a time, in key order.
 *
 * <p>The arrays are the stored ones: the sink may keep references but must not modify them.
 * It runs on the store's thread in the middle of the scan, so it must not modify the store.
 */
@FunctionalInterface
public interface EntrySink {
    /** Takes one entry. An exception thrown here ends the scan and reaches its caller. */
    void accept(byte[] key, byte[] value);
}
