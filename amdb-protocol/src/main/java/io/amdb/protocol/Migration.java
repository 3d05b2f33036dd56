package io.amdb.protocol;

/**
 * One partition planned to move from its current owner to another member.
 *
 * <p>Immutable. While the migration is in flight {@code fromNode} stays the owner and serves the partition;
 * the fenced cutover ({@link PartitionTable#completeMigration(int)}) makes {@code toNode} the owner at the
 * next epoch. A {@link PartitionTable} only holds migrations whose source is the partition's current owner.
 *
 * @param partition the partition, {@code >= 0} (the table checks it is below P)
 * @param fromNode  id of the current owner, which streams the partition's entries
 * @param toNode    id of the member that will own it after the cutover; differs from {@code fromNode}
 */
public record Migration(int partition, String fromNode, String toNode) {
    public Migration {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + partition);
        }
        if (fromNode == null || toNode == null) {
            throw new IllegalArgumentException("migration of partition " + partition + " needs both node ids");
        }
        if (fromNode.equals(toNode)) {
            throw new IllegalArgumentException("partition " + partition + " cannot migrate from " + fromNode
                    + " to itself");
        }
    }

    @Override
    public String toString() {
        return partition + ":" + fromNode + "->" + toNode;
    }
}
