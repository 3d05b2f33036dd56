package io.amdb.node.route;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Partitioner;
import io.amdb.protocol.Response;

/**
 * Ownership checks against the node's current table: a node serves only the partitions its table gives
 * it, answers WRONG_OWNER (naming the owner and epoch) for the others and PARTITION_LOST for partitions
 * whose owner died with the data. Never a silent miss. Reads the table on every call; thread-safe.
 */
final class Fence {
    private final NodeStatus status;
    private final Partitioner partitioner;

    Fence(NodeStatus status, Partitioner partitioner) {
        this.status = status;
        this.partitioner = partitioner;
    }

    /** Which partitions this node owns in its current table, or null when it owns them all. */
    boolean[] ownedMask() {
        if (status.ownsAllPartitions()) {
            return null;
        }
        PartitionTable table = status.table();
        boolean[] owned = new boolean[table.partitions()];
        for (int p : table.partitionsOf(status.nodeId())) {
            owned[p] = true;
        }
        return owned;
    }

    /** The key's partition if this node owns it; otherwise refused with WRONG_OWNER or PARTITION_LOST. */
    int ownedPartition(byte[] key) throws Rejected {
        int partition = partitioner.partition(key);
        PartitionTable table = status.table();
        Member owner = table.owner(partition);
        if (owner == null) {
            throw new Rejected(ErrorCode.PARTITION_LOST, Coordinator.lost(partition, table).message());
        }
        if (!owner.nodeId().equals(status.nodeId())) {
            throw new Rejected(ErrorCode.WRONG_OWNER, "partition " + partition + " is owned by " + owner.nodeId()
                    + " at " + owner.host() + ":" + owner.port() + " (table epoch " + table.epoch() + ")");
        }
        return partition;
    }

    /**
     * The answer for an operation its shard refused because its partition was in its cutover; by now (the
     * exchange waited for the table to move on) the table normally names the new owner.
     */
    Response moved(int partition) {
        PartitionTable table = status.table();
        Member owner = table.owner(partition);
        if (owner == null) {
            return Coordinator.lost(partition, table);
        }
        String where = owner.nodeId().equals(status.nodeId()) ? "its handoff was cancelled; retry"
                : "it is now owned by " + owner.nodeId() + " at " + owner.host() + ":" + owner.port();
        return new Response.Error(ErrorCode.WRONG_OWNER, "partition " + partition + " moved while this request "
                + "waited: " + where + " (table epoch " + table.epoch() + ")");
    }
}
