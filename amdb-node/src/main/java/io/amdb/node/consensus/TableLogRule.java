package io.amdb.node.consensus;

import io.amdb.protocol.PartitionTable;

/**
 * The table log's apply rule (docs/PEERS.md, "Table log"): a proposal becomes the replica's table only when
 * the table it holds has exactly the proposal's base epoch (none: 0) and the proposed epoch is above it;
 * otherwise it is stale and changes nothing. Every replica applies the same entries from the same state with
 * this one function, so all decide alike.
 *
 * <p>Pure and thread-safe. {@link TableStateMachine} runs it on every committed entry; the deterministic
 * simulation runs exactly this function on its modelled log.
 */
public final class TableLogRule {
    private TableLogRule() {}

    /** What applying {@code proposal} on top of {@code held} (null: none yet) does. */
    public static TableEntry.Outcome apply(PartitionTable held, TableEntry.Proposal proposal) {
        long epoch = held == null ? 0 : held.epoch();
        if (proposal.base() != epoch || proposal.table().epoch() <= epoch) {
            return new TableEntry.Outcome(false, epoch);
        }
        return new TableEntry.Outcome(true, proposal.table().epoch());
    }
}
