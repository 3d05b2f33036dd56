package io.amdb.node.consensus;

import io.amdb.protocol.PartitionTable;
import org.apache.ratis.protocol.RaftPeerId;

/** What this node's replica of the table log tells the node. Called on Ratis's threads: implementations hop to their own. */
public interface TableEvents {
    /** A committed table, in log order; also the snapshot's table when one is loaded. */
    void applied(PartitionTable table);

    /** The group's leader changed ({@code leader} null: none known). */
    void leaderChanged(RaftPeerId leader);

    /** This replica became the leader and has applied every entry of earlier terms. */
    void leaderReady();

    /**
     * Ratis closed this replica while the node runs (an election found it outside the configuration): see
     * {@link TableGroup#reopenIfClosed}.
     */
    default void replicaClosed() {}
}
