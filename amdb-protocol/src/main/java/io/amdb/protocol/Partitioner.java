package io.amdb.protocol;

/**
 * Maps keys to partitions: {@code partition(key) = hash64(key) mod P}, P a power of two.
 *
 * <p>Immutable and thread-safe. Node and driver build it from the same P so they agree on every key.
 */
public final class Partitioner {
    public static final int DEFAULT_PARTITIONS = 1024;
    /** Upper bound on P: partition ids travel as u16 in later protocol versions. */
    public static final int MAX_PARTITIONS = 1 << 16;

    private final int partitions;
    private final long mask;

    public Partitioner(int partitions) {
        if (partitions <= 0 || partitions > MAX_PARTITIONS || Integer.bitCount(partitions) != 1) {
            throw new IllegalArgumentException(
                    "partitions must be a power of two between 1 and " + MAX_PARTITIONS + ": " + partitions);
        }
        this.partitions = partitions;
        this.mask = partitions - 1;
    }

    public int partitions() {
        return partitions;
    }

    /** Returns the partition of this key, in {@code [0, partitions)}. */
    public int partition(byte[] key) {
        return partitionOfHash(KeyHash.hash64(key));
    }

    /** The partition of a key whose {@link KeyHash#hash64} is {@code hash}, for callers that need the hash too. */
    public int partitionOfHash(long hash) {
        // For a power of two, the low bits are the unsigned remainder.
        return (int) (hash & mask);
    }
}
