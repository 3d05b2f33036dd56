package io.amdb.node.consensus;

import io.amdb.protocol.PartitionTable;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One coordinator's proposals to the table log, one in flight at a time. A table the keeper publishes while a
 * proposal is in flight waits; when that one is applied, only the newest waiting table is proposed, on top of
 * it. A burst of changes (the cutovers of a rebalance) thus costs a few commits, not one each. The epochs skipped
 * were never proposed: every replica applies the same entries, and each applied table's epoch is above the one
 * before (see {@link TableLogRule}).
 *
 * <p>A proposal that is not applied (leadership lost, or the log holds another table) ends the chain: {@code
 * failed} is told once, and later offers, the waiting table included, are dropped: the coordinator (or the next
 * one) plans again from the committed table.
 *
 * <p>Not thread-safe: every call, and every completion given to {@link Submit}, on the coordinator's thread.
 */
public final class Proposals {
    /** Proposes one entry; {@code done} gets what the state machine did, or the failure (exactly one non-null). */
    @FunctionalInterface
    public interface Submit {
        void submit(TableEntry.Proposal proposal, PartitionTable plannedOn,
                BiConsumer<TableEntry.Outcome, Throwable> done);
    }

    private final Submit submit;
    private final Consumer<String> failed;
    private PartitionTable last; // the newest table proposed, the base of the next; the committed one at first
    private boolean inFlight;
    private PartitionTable waiting;
    private boolean ended;

    /**
     * @param committed the table the log committed last (null: none), on which the first proposal is based
     * @param failed    told once, with the reason, when a proposal was not applied
     */
    public Proposals(PartitionTable committed, Submit submit, Consumer<String> failed) {
        this.last = committed;
        this.submit = submit;
        this.failed = failed;
    }

    /** The keeper's newest table: proposed now, or once the proposal in flight is applied (replacing any waiting). */
    public void offer(PartitionTable next) {
        if (ended) {
            return;
        }
        if (inFlight) {
            waiting = next;
        } else {
            send(next);
        }
    }

    /** True once a proposal was not applied: this chain proposes nothing more. */
    public boolean ended() {
        return ended;
    }

    private void send(PartitionTable next) {
        PartitionTable plannedOn = last;
        last = next;
        inFlight = true;
        submit.submit(new TableEntry.Proposal(plannedOn == null ? 0 : plannedOn.epoch(), next), plannedOn, (outcome, e) -> {
            inFlight = false;
            if (ended) {
                return;
            }
            if (e != null || !outcome.applied()) {
                ended = true;
                waiting = null;
                failed.accept("table epoch " + next.epoch() + " was not committed ("
                        + (e != null ? e.getMessage() : "the log holds epoch " + outcome.epoch()) + ")");
                return;
            }
            PartitionTable then = waiting;
            waiting = null;
            if (then != null) {
                send(then);
            }
        });
    }
}
