package io.amdb.node.storage;

/**
 * One entry of a {@link SkipList}: key, cached key prefix, value and links. Plumbing private to
 * the skip list and its cursor; all invariants on links are the list's (see {@link SkipList}).
 *
 * <p>{@link #footprintBytes()} estimates the heap an entry holds, for a 64-bit HotSpot JVM with
 * compressed oops (the default below 32 GB of heap): objects are 8-byte aligned, an array has a
 * 16-byte header, and a node is a 12-byte header, three 4-byte references and two longs (40
 * bytes). Without compressed oops the real figure is somewhat higher, and an array shared by
 * several entries is counted once for each. It is an estimate for memory accounting, not exact.
 */
final class SkipNode {
    private static final long NODE_BYTES = 40;
    private static final long ARRAY_HEADER_BYTES = 16;
    private static final long REFERENCE_BYTES = 4;
    /** The entry's share of its list's {@link KeyIndex}: two (node, hash) slots at load ≤ 1/2, on average. */
    private static final long INDEX_BYTES = 24;

    /** The stored key; null only in a list's head. */
    final byte[] key;
    /** {@code KeyPrefix.of(key, sharedLength)} of its list, so most comparisons never read the key array. */
    long prefix;
    /** The stored value; null only in a list's head. */
    byte[] value;
    /** The partition sequence number of the write that stored {@link #value} (the entry's version). */
    long version;
    /** {@code next[i]} is the successor on level {@code i}; the length is the node's height. */
    final SkipNode[] next;

    SkipNode(byte[] key, byte[] value, int height) {
        this(key, value, height, key == null ? 0 : KeyPrefix.of(key));
    }

    SkipNode(byte[] key, byte[] value, int height, long prefix) {
        this.key = key;
        this.prefix = prefix;
        this.value = value;
        this.next = new SkipNode[height];
    }

    /** Estimated heap bytes of this entry: node, index share, next array, key and value (see the class note). */
    long footprintBytes() {
        return NODE_BYTES + INDEX_BYTES + arrayBytes(REFERENCE_BYTES * next.length)
                + arrayBytes(key.length) + arrayBytes(value.length);
    }

    /** Estimated heap bytes of an array with {@code payloadBytes} of elements. */
    static long arrayBytes(long payloadBytes) {
        return (ARRAY_HEADER_BYTES + payloadBytes + 7) & ~7L;
    }
}
