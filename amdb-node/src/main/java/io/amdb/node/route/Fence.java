package io.amdb.node.route;

import io.amdb.node.table.NodeTable;
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
    private final NodeTable table;
    private final Partitioner partitioner;

    Fence(NodeTable table, Partitioner partitioner) {
        this.table = table;
        this.partitioner = partitioner;
    }

    /** Which partitions this node owns in its current table, or null when it owns them all. */
    boolean[] ownedMask() {
        if (table.ownsAll()) {
            return null;
        }
        PartitionTable current = table.current();
        boolean[] owned = new boolean[current.partitions()];
        if (table.isSelf(current.member(table.selfId()))) { // else the table names a previous process of this node
            for (int p : current.partitionsOf(table.selfId())) {
                owned[p] = true;
            }
        }
        return owned;
    }

    /** The key's partition if this node owns it; otherwise refused with WRONG_OWNER or PARTITION_LOST. */
    int ownedPartition(byte[] key) throws Rejected {
        int partition = partitioner.partition(key);
        PartitionTable current = table.current();
        Member owner = current.owner(partition);
        if (owner == null) {
            throw new Rejected(ErrorCode.PARTITION_LOST, Forwarder.lost(partition, current).message());
        }
        if (!table.isSelf(owner)) {
            throw new Rejected(ErrorCode.WRONG_OWNER, "partition " + partition + " is owned by " + owner.nodeId()
                    + " at " + owner.host() + ":" + owner.port() + " (table epoch " + current.epoch() + ")");
        }
        return partition;
    }

    /**
     * The answer for an operation its shard refused because its partition was in its cutover, or not served here
     * yet (a promoted primary waiting out the old primary's lease); by now (the exchange waited for the table to move
     * on, or for that wait to end) the table names the new owner, or this node serves the partition: retry.
     */
    Response moved(int partition) {
        PartitionTable current = table.current();
        Member owner = current.owner(partition);
        if (owner == null) {
            return Forwarder.lost(partition, current);
        }
        String where = table.isSelf(owner) ? "it is served here again (its handoff was cancelled, or its promotion "
                + "waited out the old primary's lease); retry"
                : "it is now owned by " + owner.nodeId() + " at " + owner.host() + ":" + owner.port();
        return new Response.Error(ErrorCode.WRONG_OWNER, "partition " + partition + " moved while this request "
                + "waited: " + where + " (table epoch " + current.epoch() + ")");
    }
}
