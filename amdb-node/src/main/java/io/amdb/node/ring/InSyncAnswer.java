package io.amdb.node.ring;

import java.util.List;

/**
 * The coordinator's answer to a primary's in-sync changes: one outcome per change ({@link TableKeeper#IN_SYNC_REFUSED},
 * {@code _ACCEPTED}, {@code _ALREADY}) and the epoch of the coordinator's newest table once it took them. What it
 * accepted is in the table of that epoch if that table is committed; once a primary's installed table has reached
 * that epoch, the answer is settled either way (a table of that epoch from another coordinator has other contents,
 * and the answering one can no longer commit).
 */
public record InSyncAnswer(long epoch, List<Integer> outcomes) {
    public InSyncAnswer {
        outcomes = List.copyOf(outcomes);
    }
}
