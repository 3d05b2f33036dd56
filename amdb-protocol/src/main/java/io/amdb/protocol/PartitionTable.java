package io.amdb.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Which member owns each partition at one epoch, and which partitions are moving: the value that nodes
 * fence requests with and drivers route keys by.
 *
 * <p>Immutable and thread-safe: the constructor copies its inputs and accessors return copies or
 * unmodifiable views. Invariants, checked by the constructor: {@code epoch >= 1}; P is a power of two in
 * {@code [1, Partitioner.MAX_PARTITIONS]}; at most {@link #MAX_MEMBERS} members with distinct ids; every
 * owner is {@link #LOST} or a member index; every migration moves a partition away from its current owner
 * (so never a LOST one) to another member, at most one per partition, kept sorted by partition.
 *
 * <p>Design notes. <b>Epochs</b>: only the cluster's table coordinator (the oldest member) derives tables,
 * through {@code io.amdb.node.ring.TablePlanner} and the derivations here; each derivation returns
 * {@code epoch + 1} and the coordinator publishes it. Everyone else adopts a table only if its epoch is
 * higher than the one held, so epochs order tables and fence requests routed with an old one.
 * <b>Owner vs migration</b>: the source of a migration stays the owner, serving reads and writes, until the
 * fenced cutover ({@link #completeMigration}) names the target owner at the next epoch. <b>LOST</b>: the
 * owner died without handing off; its data is gone, requests fail with PARTITION_LOST, and the partition
 * stays LOST until its owner comes back with its data (a durable node restarted on its data directory; the
 * table remembers whom each LOST partition was lost with, {@link #lostFrom}) or an operator accepts the loss
 * ({@link #reassignLostAsEmpty}). <b>Replicas</b>: {@link ReplicaSets} holds each partition's term, backups
 * and in-sync set; the owner is the primary. Every change of a partition's primary sets its term to the new
 * table's epoch.
 */
public final class PartitionTable {
    /** Owner index of a partition whose owner died before handing it off. */
    public static final int LOST = -1;
    /** Most members a table holds: owner indexes travel as u16 with 0xFFFF meaning LOST. */
    public static final int MAX_MEMBERS = 0xFFFF;

    private final long epoch;
    private final Partitioner partitioner;
    private final List<Member> members;
    private final int[] owners;
    private final List<Migration> migrations;
    private final Map<String, Integer> indexById;
    private final Migration[] migrationByPartition;
    /** For a LOST partition, the id of the member it was lost with, when known; null elsewhere. */
    private final String[] lostFrom;
    private final ReplicaSets replicaSets;

    /**
     * Requires the invariants in the class comment; {@code owners[p]} is an index into {@code members} or
     * {@link #LOST}. Migrations may come in any order.
     *
     * @throws IllegalArgumentException naming the first broken invariant
     */
    public PartitionTable(long epoch, int partitions, List<Member> members, int[] owners,
            List<Migration> migrations) {
        this(epoch, partitions, members, owners, migrations, null);
    }

    /**
     * As the other constructor, with {@code lostFrom[p]} naming the member a LOST partition {@code p} was lost
     * with (null when unknown; must be null for partitions that are not LOST). A null array: none known.
     */
    public PartitionTable(long epoch, int partitions, List<Member> members, int[] owners,
            List<Migration> migrations, String[] lostFrom) {
        this(epoch, partitions, members, owners, migrations, lostFrom, ReplicaSets.none(partitions, members.size()));
    }

    /** As the other constructors, with the replica sets (their member indexes refer to {@code members}). */
    public PartitionTable(long epoch, int partitions, List<Member> members, int[] owners,
            List<Migration> migrations, String[] lostFrom, ReplicaSets replicaSets) {
        requireArgument(epoch >= 1, "epoch must be >= 1: " + epoch);
        this.epoch = epoch;
        this.partitioner = new Partitioner(partitions);
        this.members = List.copyOf(members);
        this.owners = owners.clone();
        requireArgument(this.members.size() <= MAX_MEMBERS, "more than " + MAX_MEMBERS + " members");
        requireArgument(this.owners.length == partitions,
                this.owners.length + " owners for " + partitions + " partitions");
        this.indexById = indexMembers(this.members);
        for (int p = 0; p < partitions; p++) {
            if (this.owners[p] < LOST || this.owners[p] >= this.members.size()) { // no message built per partition
                throw new IllegalArgumentException(
                        "partition " + p + " has owner index " + this.owners[p] + ", not a member or LOST");
            }
        }
        List<Migration> sorted = new ArrayList<>(migrations);
        sorted.sort(Comparator.comparingInt(Migration::partition));
        this.migrations = List.copyOf(sorted);
        this.migrationByPartition = new Migration[partitions];
        this.migrations.forEach(this::checkMigration);
        this.lostFrom = lostFrom == null ? new String[partitions] : lostFrom.clone();
        requireArgument(this.lostFrom.length == partitions, this.lostFrom.length + " lost-from ids for " + partitions
                + " partitions");
        for (int p = 0; p < partitions; p++) {
            if (this.lostFrom[p] != null && this.owners[p] != LOST) {
                throw new IllegalArgumentException("partition " + p + " is not LOST but names a member it was lost with");
            }
        }
        this.replicaSets = replicaSets;
        replicaSets.check(partitions, this.members.size(), this.owners);
    }

    /**
     * The id of the member a LOST partition was lost with (its owner when it died), or null when the partition
     * is not LOST or that is unknown. That member, back with its data directory, may take the partition back.
     */
    public String lostFrom(int partition) {
        return lostFrom[checkPartition(partition)];
    }

    public long epoch() {
        return epoch;
    }

    /** P, the number of partitions. */
    public int partitions() {
        return partitioner.partitions();
    }

    /** The members in table order; owner indexes refer to this order. Unmodifiable. */
    public List<Member> members() {
        return members;
    }

    /** Returns the member with this id, or null if it is not in the table. */
    public Member member(String nodeId) {
        Integer i = indexById.get(nodeId);
        return i == null ? null : members.get(i);
    }

    /** Returns the index of the member with this id in {@link #members()}, or -1 if it is not a member. */
    public int memberIndex(String nodeId) {
        return indexById.getOrDefault(nodeId, -1);
    }

    /** Returns the owner's index in {@link #members()}, or {@link #LOST}. */
    public int ownerIndex(int partition) {
        return owners[checkPartition(partition)];
    }

    /** Returns the member that serves this partition now, or null when it is LOST. */
    public Member owner(int partition) {
        int i = ownerIndex(partition);
        return i == LOST ? null : members.get(i);
    }

    public boolean isLost(int partition) {
        return ownerIndex(partition) == LOST;
    }

    /** The partition of a key, as {@link Partitioner#partition(byte[])} computes it for this P. */
    public int partitionOf(byte[] key) {
        return partitioner.partition(key);
    }

    /** The partition of a key whose {@link KeyHash#hash64} is {@code hash}. */
    public int partitionOfHash(long hash) {
        return partitioner.partitionOfHash(hash);
    }

    /** Returns the member to send this key's requests to, or null when its partition is LOST. */
    public Member ownerOf(byte[] key) {
        return owner(partitionOf(key));
    }

    /** How many partitions are LOST. */
    public int lostPartitions() {
        int n = 0;
        for (int owner : owners) {
            n += owner == LOST ? 1 : 0;
        }
        return n;
    }

    /** The partitions this node owns now (not those migrating to it), ascending; empty for a non-member. */
    public int[] partitionsOf(String nodeId) {
        Integer i = indexById.get(nodeId);
        if (i == null) {
            return new int[0];
        }
        return IntStream.range(0, owners.length).filter(p -> owners[p] == i).toArray();
    }

    /** The replication part: R, M, racks, and per partition its term, backups and in-sync set. */
    public ReplicaSets replicaSets() {
        return replicaSets;
    }

    /** R: how many copies of each partition the cluster keeps, its primary included. */
    public int replicationFactor() {
        return replicaSets.factor();
    }

    /** The epoch at which the partition's current primary became primary (0 in tables of older versions). */
    public long term(int partition) {
        return replicaSets.term(checkPartition(partition));
    }

    /** The partition's copies: its primary (the owner) first, then its backups; empty when LOST. */
    public List<Member> replicas(int partition) {
        List<Member> out = new ArrayList<>();
        Member owner = owner(partition);
        if (owner != null) {
            out.add(owner);
        }
        out.addAll(backups(partition));
        return out;
    }

    /** The partition's backups, planned ones first, in sync or not. */
    public List<Member> backups(int partition) {
        checkPartition(partition);
        List<Member> out = new ArrayList<>(replicaSets.backupCount(partition));
        for (int i = 0; i < replicaSets.backupCount(partition); i++) {
            out.add(members.get(replicaSets.backup(partition, i)));
        }
        return out;
    }

    /** The partition's in-sync set: its primary and its in-sync backups; empty when LOST. */
    public List<Member> inSync(int partition) {
        List<Member> out = new ArrayList<>();
        Member owner = owner(partition);
        if (owner == null) {
            return out;
        }
        out.add(owner);
        for (int i = 0; i < replicaSets.backupCount(partition); i++) {
            if (replicaSets.inSync(partition, i)) {
                out.add(members.get(replicaSets.backup(partition, i)));
            }
        }
        return out;
    }

    /** The partitions that are not LOST and whose in-sync set holds fewer than R members. */
    public int underReplicated() {
        int n = 0;
        for (int p = 0; p < owners.length; p++) {
            n += owners[p] != LOST && replicaSets.inSyncCount(p, false) < replicaSets.factor() ? 1 : 0;
        }
        return n;
    }

    /** The partitions of which this member is a backup, in sync or not, ascending. */
    public int[] backupPartitionsOf(String nodeId) {
        Integer i = indexById.get(nodeId);
        if (i == null) {
            return new int[0];
        }
        return IntStream.range(0, owners.length).filter(p -> isBackup(p, i)).toArray();
    }

    private boolean isBackup(int partition, int member) {
        for (int k = 0; k < replicaSets.backupCount(partition); k++) {
            if (replicaSets.backup(partition, k) == member) {
                return true;
            }
        }
        return false;
    }

    /** The migrations in flight, sorted by partition. Unmodifiable. */
    public List<Migration> migrations() {
        return migrations;
    }

    /** Returns the migration in flight for this partition, or null. */
    public Migration migration(int partition) {
        return migrationByPartition[checkPartition(partition)];
    }

    /** Returns who will own this partition once its migration (if any) cuts over; null when LOST. */
    public Member plannedOwner(int partition) {
        Migration m = migration(partition);
        return m == null ? owner(partition) : member(m.toNode());
    }

    /**
     * The fenced cutover of one migration: returns the table at {@code epoch + 1} in which the target owns
     * the partition and the migration is gone. Called by the coordinator once the target holds the data. With
     * replication (R &gt; 1) the old owner becomes an in-sync backup of the new one, listed last: it holds every
     * write up to the cutover (it fenced the partition and kept its copy), so the move never lowers the partition's
     * in-sync count; the backups are planned again after (the old owner may go once the planned ones are in sync).
     *
     * @throws IllegalArgumentException if no migration of this partition is in flight
     */
    public PartitionTable completeMigration(int partition) {
        Migration m = migration(partition);
        requireArgument(m != null, "no migration of partition " + partition + " is in flight");
        int[] next = owners.clone();
        int to = indexById.get(m.toNode());
        next[partition] = to;
        List<Migration> rest = new ArrayList<>(migrations);
        rest.remove(m);
        ReplicaSets.Builder sets = replicaSets.toBuilder().term(partition, epoch + 1);
        int[] backups = new int[replicaSets.backupCount(partition)];
        int kept = 0;
        int inSync = 0;
        int from = owners[partition];
        boolean fromListed = false;
        for (int i = 0; i < backups.length; i++) { // the new primary is no longer one of its backups
            if (replicaSets.backup(partition, i) != to) {
                inSync |= replicaSets.inSync(partition, i) ? 1 << kept : 0;
                fromListed |= replicaSets.backup(partition, i) == from;
                backups[kept++] = replicaSets.backup(partition, i);
            }
        }
        backups = Arrays.copyOf(backups, kept);
        if (replicaSets.factor() > 1 && from != LOST && from != to && !fromListed && kept < ReplicaSets.MAX_BACKUPS) {
            backups = Arrays.copyOf(backups, kept + 1);
            backups[kept] = from;
            inSync |= 1 << kept;
        }
        sets.backups(partition, backups, inSync);
        return new PartitionTable(epoch + 1, partitions(), members, next, rest, lostFrom, sets.build());
    }

    /**
     * <b>Loses data on purpose</b>: returns the table at {@code epoch + 1} in which a LOST partition is owned,
     * <em>empty</em>, by {@code nodeId}. Only for an operator who accepts that the partition's writes are gone.
     *
     * @throws IllegalArgumentException if the partition is not LOST or the node is not a member
     */
    public PartitionTable reassignLostAsEmpty(int partition, String nodeId) {
        requireArgument(isLost(partition), "partition " + partition + " is not LOST");
        Integer i = indexById.get(nodeId);
        requireArgument(i != null, nodeId + " is not a member");
        int[] next = owners.clone();
        next[partition] = i;
        String[] stillLost = lostFrom.clone();
        stillLost[partition] = null;
        ReplicaSets sets = replicaSets.toBuilder().term(partition, epoch + 1).build();
        return new PartitionTable(epoch + 1, partitions(), members, next, migrations, stillLost, sets);
    }

    /**
     * Returns the table at {@code epoch + 1} with these replica sets (their member indexes refer to this table's
     * members) and everything else unchanged: an in-sync set grew or shrank.
     */
    public PartitionTable withReplicaSets(ReplicaSets next) {
        return new PartitionTable(epoch + 1, partitions(), members, owners, migrations, lostFrom, next);
    }

    /** True when the tables are equal but for their epochs: republishing would change nothing. */
    public boolean sameContentAs(PartitionTable other) {
        return partitions() == other.partitions() && members.equals(other.members)
                && Arrays.equals(owners, other.owners) && migrations.equals(other.migrations)
                && Arrays.equals(lostFrom, other.lostFrom) && replicaSets.equals(other.replicaSets);
    }

    /** Tables are equal when epoch, P, members (in order), owners, migrations, lost-from and replica sets are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionTable t && epoch == t.epoch && sameContentAs(t);
    }

    @Override
    public int hashCode() {
        return Objects.hash(epoch, partitions(), members, Arrays.hashCode(owners), migrations);
    }

    /** A summary: epoch, P, LOST count, each member with the number of partitions it owns, migrations. */
    @Override
    public String toString() {
        int[] counts = new int[members.size()];
        for (int owner : owners) {
            if (owner != LOST) {
                counts[owner]++;
            }
        }
        StringBuilder s = new StringBuilder("PartitionTable{epoch=").append(epoch).append(", partitions=")
                .append(partitions()).append(", lost=").append(lostPartitions()).append(", members=[");
        for (int i = 0; i < counts.length; i++) {
            s.append(i == 0 ? "" : ", ").append(members.get(i)).append(" owns ").append(counts[i]);
        }
        return s.append("], migrations=").append(migrations.size()).append(", replication=")
                .append(replicaSets.factor()).append(", underReplicated=").append(underReplicated()).append('}')
                .toString();
    }

    private void checkMigration(Migration m) {
        int p = m.partition();
        if (p >= owners.length) {
            throw new IllegalArgumentException("migration of partition " + p + " but P = " + owners.length);
        } else if (migrationByPartition[p] != null) {
            throw new IllegalArgumentException("two migrations of partition " + p);
        } else if (owners[p] == LOST || !members.get(owners[p]).nodeId().equals(m.fromNode())) {
            throw new IllegalArgumentException("migration " + m + " does not start at the owner " + owner(p));
        } else if (!indexById.containsKey(m.toNode())) {
            throw new IllegalArgumentException("migration " + m + " targets a non-member");
        }
        migrationByPartition[p] = m;
    }

    private int checkPartition(int partition) {
        if (partition < 0 || partition >= owners.length) {
            throw new IndexOutOfBoundsException("partition " + partition + " of " + owners.length);
        }
        return partition;
    }

    private static Map<String, Integer> indexMembers(List<Member> members) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < members.size(); i++) {
            Integer previous = index.put(members.get(i).nodeId(), i);
            requireArgument(previous == null, "member id " + members.get(i).nodeId() + " appears twice");
        }
        return index;
    }

    private static void requireArgument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
