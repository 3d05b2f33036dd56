package io.amdb.node.replicate;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When this node, as a backup, last accepted part of a primary's stream for each partition: each acceptance
 * renews the primary's lease on the partition (docs/REPLICATION.md, "Reads"). A node promoted to primary of a
 * partition serves it only {@link #PROMOTION_WAIT_NANOS} after its last grant, when the old primary's lease has
 * surely run out. Thread-safe; times are {@link System#nanoTime()}.
 */
public final class LeaseGrants {
    /** How long a primary's lease lasts from the moment it sent a round its in-sync backups accepted. */
    public static final long LEASE_NANOS = 2_000_000_000L;
    /** How long a promoted backup waits after its last grant: the lease plus 10% for clock rates, plus 100 ms. */
    public static final long PROMOTION_WAIT_NANOS = LEASE_NANOS + LEASE_NANOS / 10 + 100_000_000L;

    private final AtomicLongArray last;

    public LeaseGrants(int partitions) {
        this.last = new AtomicLongArray(partitions);
    }

    /** Records a grant now. Recorded before the table is checked, so a grant is never missed by a promotion. */
    public void granted(int partition) {
        last.set(partition, System.nanoTime());
    }

    /** The earliest time this node may serve the partition as its new primary; 0 when it never granted. */
    public long servesFrom(int partition) {
        long t = last.get(partition);
        return t == 0 ? 0 : t + PROMOTION_WAIT_NANOS;
    }
}
