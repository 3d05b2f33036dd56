package io.amdb.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The replication part of a {@link PartitionTable}: the cluster's replication factor R and minimum in-sync
 * count M, each member's rack, and per partition its term, its backups and which of them are in sync.
 *
 * <p>Immutable and thread-safe: built by {@link Builder}, which copies nothing after {@link Builder#build()}.
 * Member indexes refer to the owning table's member order. Invariants, checked by {@link PartitionTable} with
 * the owners at hand: {@code 1 <= M <= R <= MAX_FACTOR}; every term {@code >= 0}; a partition's backups are
 * distinct members other than its owner, at most {@link #MAX_BACKUPS}; a LOST partition has none; the in-sync
 * mask names only existing backup positions.
 *
 * <p>Design notes. The <b>primary</b> of a partition is its owner; the <b>in-sync set</b> (ISR) is the primary
 * plus the backups whose bit is set: a write is acknowledged only once every member of it holds the write.
 * The <b>term</b> is the epoch of the table that made the current primary the primary; it only grows, so a
 * backup can refuse a stream from an older primary. <b>Backup order</b>: the first {@code R - 1} positions
 * are the planned backups; positions after them are outgoing backups, kept only until the planned ones are in
 * sync, so that moving a copy never lowers the number of in-sync copies.
 */
public final class ReplicaSets {
    /** The largest replication factor. */
    public static final int MAX_FACTOR = 7;
    /** The most backups one partition may list: the planned ones plus outgoing ones. */
    public static final int MAX_BACKUPS = 8;
    private static final int[] NO_BACKUPS = new int[0];

    private final int factor;
    private final int minInSync;
    private final String[] racks;
    private final long[] terms;
    private final int[][] backups;
    private final int[] inSync;

    private ReplicaSets(int factor, int minInSync, String[] racks, long[] terms, int[][] backups, int[] inSync) {
        this.factor = factor;
        this.minInSync = minInSync;
        this.racks = racks;
        this.terms = terms;
        this.backups = backups;
        this.inSync = inSync;
    }

    /** No replication: R = M = 1, no racks, every term 0, no backups (tables of older versions decode so). */
    public static ReplicaSets none(int partitions, int members) {
        return new Builder(1, 1, partitions, members).build();
    }

    public int factor() {
        return factor;
    }

    public int minInSync() {
        return minInSync;
    }

    /** The rack of member {@code i}, or "" when it named none. */
    public String rack(int member) {
        return racks[member];
    }

    /** How many members the sets were built for. */
    public int members() {
        return racks.length;
    }

    public int partitions() {
        return terms.length;
    }

    public long term(int partition) {
        return terms[partition];
    }

    /** How many backups the partition lists. */
    public int backupCount(int partition) {
        return backups[partition].length;
    }

    /** The member index of the partition's backup at {@code position}. */
    public int backup(int partition, int position) {
        return backups[partition][position];
    }

    /** Whether the backup at {@code position} is in the partition's in-sync set. */
    public boolean inSync(int partition, int position) {
        return (inSync[partition] & (1 << position)) != 0;
    }

    /** The in-sync bits of the partition's backups (bit i: position i). */
    public int inSyncMask(int partition) {
        return inSync[partition];
    }

    /** Members in the partition's in-sync set, the primary included (a LOST partition: 0). */
    int inSyncCount(int partition, boolean lost) {
        return lost ? 0 : 1 + Integer.bitCount(inSync[partition]);
    }

    /** A builder over these sets, to derive the next table's. */
    public Builder toBuilder() {
        Builder b = new Builder(factor, minInSync, terms.length, racks.length);
        System.arraycopy(racks, 0, b.racks, 0, racks.length);
        System.arraycopy(terms, 0, b.terms, 0, terms.length);
        for (int p = 0; p < terms.length; p++) {
            b.backups[p] = backups[p];
            b.inSync[p] = inSync[p];
        }
        return b;
    }

    /** Checks the invariants that need the table's owners; messages name the first broken one. */
    void check(int partitions, int memberCount, int[] owners) {
        require(terms.length == partitions, terms.length + " replica sets for " + partitions + " partitions");
        require(racks.length == memberCount, racks.length + " racks for " + memberCount + " members");
        for (int p = 0; p < partitions; p++) {
            int[] b = backups[p];
            if (b.length == 0 && inSync[p] == 0 && terms[p] >= 0) {
                continue; // the common case of a table without replication: nothing to check
            }
            require(terms[p] >= 0, "partition " + p + " has term " + terms[p]);
            require(owners[p] != PartitionTable.LOST || b.length == 0, "LOST partition " + p + " lists backups");
            require((inSync[p] & ~((1 << b.length) - 1)) == 0, "partition " + p + " has in-sync bits beyond its "
                    + b.length + " backups");
            for (int i = 0; i < b.length; i++) {
                require(b[i] >= 0 && b[i] < memberCount, "partition " + p + " has backup index " + b[i]);
                require(b[i] != owners[p], "partition " + p + " lists its owner as a backup");
                for (int j = 0; j < i; j++) {
                    require(b[j] != b[i], "partition " + p + " lists backup " + b[i] + " twice");
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplicaSets r && factor == r.factor && minInSync == r.minInSync
                && Arrays.equals(racks, r.racks) && Arrays.equals(terms, r.terms)
                && Arrays.deepEquals(backups, r.backups) && Arrays.equals(inSync, r.inSync);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(terms) + Arrays.deepHashCode(backups) + factor;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Builds the sets of one table: everything starts as {@link #none} but for R and M. Not thread-safe;
     * the arrays passed in are kept, not copied, until {@link #build()}, which hands them to the value.
     */
    public static final class Builder {
        private final int factor;
        private final int minInSync;
        private final String[] racks;
        private final long[] terms;
        private final int[][] backups;
        private final int[] inSync;
        private boolean built;

        /** Requires {@code 1 <= minInSync <= factor <= MAX_FACTOR}. */
        public Builder(int factor, int minInSync, int partitions, int members) {
            require(factor >= 1 && factor <= MAX_FACTOR, "replication factor must be 1-" + MAX_FACTOR + ": " + factor);
            require(minInSync >= 1 && minInSync <= factor,
                    "min in-sync must be 1-" + factor + " (the replication factor): " + minInSync);
            this.factor = factor;
            this.minInSync = minInSync;
            this.racks = new String[members];
            Arrays.fill(racks, "");
            this.terms = new long[partitions];
            this.backups = new int[partitions][];
            Arrays.fill(backups, NO_BACKUPS);
            this.inSync = new int[partitions];
        }

        /** Member {@code i}'s rack: 0-255 bytes of UTF-8, "" for none. */
        public Builder rack(int member, String rack) {
            require(rack != null && rack.getBytes(StandardCharsets.UTF_8).length <= Member.MAX_TEXT_BYTES,
                    "a rack is 0-" + Member.MAX_TEXT_BYTES + " UTF-8 bytes: " + rack);
            racks[member] = rack;
            return this;
        }

        public Builder term(int partition, long term) {
            terms[partition] = term;
            return this;
        }

        /**
         * The partition's backups (member indexes, planned ones first) and their in-sync bits.
         * Requires at most {@link #MAX_BACKUPS}.
         */
        public Builder backups(int partition, int[] members, int inSyncMask) {
            require(members.length <= MAX_BACKUPS, "partition " + partition + " lists " + members.length
                    + " backups, more than " + MAX_BACKUPS);
            backups[partition] = members.length == 0 ? NO_BACKUPS : members.clone();
            inSync[partition] = inSyncMask;
            return this;
        }

        public ReplicaSets build() {
            require(!built, "built twice");
            built = true;
            return new ReplicaSets(factor, minInSync, racks, terms, backups, inSync);
        }
    }
}
