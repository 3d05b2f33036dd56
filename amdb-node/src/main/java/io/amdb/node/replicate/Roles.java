package io.amdb.node.replicate;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.ReplicaSets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one partition table makes of this node, per partition, for replication: the partitions it is primary of
 * (with their term and backups), and those it keeps a backup of (with their primary).
 *
 * <p>Immutable and thread-safe: derived once per installed table and handed to every shard.
 */
public final class Roles {
    /** A backup of a partition this node is primary of, as the table lists it. */
    public record Backup(String nodeId, boolean inSync) {}

    private final long epoch;
    private final long[] terms;
    private final List<Backup>[] backups; // null where this node is not the primary
    private final String[] primaryOf; // where this node is a backup: the primary's id
    private final int minInSync;

    @SuppressWarnings("unchecked")
    private Roles(PartitionTable table, Member self) {
        int n = table.partitions();
        this.epoch = table.epoch();
        this.terms = new long[n];
        this.backups = new List[n];
        this.primaryOf = new String[n];
        this.minInSync = table.replicaSets().minInSync();
        ReplicaSets sets = table.replicaSets();
        int selfIndex = self.equals(table.member(self.nodeId())) ? table.memberIndex(self.nodeId()) : -2;
        for (int p = 0; p < n; p++) {
            terms[p] = sets.term(p);
            int owner = table.ownerIndex(p);
            if (owner == PartitionTable.LOST) {
                continue;
            }
            if (owner == selfIndex) {
                List<Backup> list = new ArrayList<>(sets.backupCount(p));
                for (int i = 0; i < sets.backupCount(p); i++) {
                    list.add(new Backup(table.members().get(sets.backup(p, i)).nodeId(), sets.inSync(p, i)));
                }
                backups[p] = List.copyOf(list);
            } else {
                for (int i = 0; i < sets.backupCount(p); i++) {
                    if (sets.backup(p, i) == selfIndex) {
                        primaryOf[p] = table.members().get(owner).nodeId();
                    }
                }
            }
        }
    }

    /**
     * The roles {@code table} gives {@code self}: only as the same process (id and address); a table that names
     * this node id at another address names a previous process, and gives this one nothing.
     */
    public static Roles of(PartitionTable table, Member self) {
        return new Roles(table, self);
    }

    public long epoch() {
        return epoch;
    }

    public int partitions() {
        return terms.length;
    }

    public long term(int partition) {
        return terms[partition];
    }

    public boolean isPrimary(int partition) {
        return backups[partition] != null;
    }

    /** The partition's backups when this node is its primary, planned first; empty otherwise. */
    public List<Backup> backups(int partition) {
        List<Backup> b = backups[partition];
        return b == null ? List.of() : b;
    }

    /** The primary's id when this node keeps a backup of the partition; null otherwise. */
    public String primaryOf(int partition) {
        return primaryOf[partition];
    }

    /** M: a primary refuses writes to a partition with fewer copies in sync. */
    public int minInSync() {
        return minInSync;
    }
}
