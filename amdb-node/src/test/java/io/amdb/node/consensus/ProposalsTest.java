package io.amdb.node.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** The coordinator's proposal chain against a log that commits when the test says so. */
class ProposalsTest {
    /** A proposal submitted and not yet completed. */
    private record Submitted(TableEntry.Proposal proposal, PartitionTable plannedOn,
            BiConsumer<TableEntry.Outcome, Throwable> done) {
        void applied() {
            done.accept(new TableEntry.Outcome(true, proposal.table().epoch()), null);
        }
    }

    private final List<Submitted> submitted = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    private static PartitionTable table(long epoch) {
        return new PartitionTable(epoch, 4, List.of(new Member("a", "127.0.0.1", 7000)), new int[4], List.of());
    }

    private Proposals chain(PartitionTable committed) {
        return new Proposals(committed, (p, on, done) -> submitted.add(new Submitted(p, on, done)), failures::add);
    }

    @Test
    void offer_whileOneInFlight_onlyTheNewestIsProposedNext_onTopOfTheApplied() {
        Proposals chain = chain(table(4));
        chain.offer(table(5));
        chain.offer(table(6));
        chain.offer(table(7));
        chain.offer(table(8));
        assertEquals(1, submitted.size(), "one in flight");
        assertEquals(new TableEntry.Proposal(4, table(5)).base(), submitted.get(0).proposal().base());
        assertEquals(4, submitted.get(0).plannedOn().epoch());

        submitted.get(0).applied();
        assertEquals(2, submitted.size());
        Submitted next = submitted.get(1);
        assertEquals(5, next.proposal().base(), "on top of the applied proposal");
        assertEquals(8, next.proposal().table().epoch(), "the newest waiting table; 6 and 7 are skipped");
        assertEquals(5, next.plannedOn().epoch());

        next.applied();
        assertEquals(2, submitted.size(), "nothing waits");
        chain.offer(table(9));
        assertEquals(8, submitted.get(2).proposal().base());
        assertTrue(failures.isEmpty());
    }

    @Test
    void firstProposal_ofANewCluster_isBasedOnNothing() {
        Proposals chain = chain(null);
        chain.offer(table(1));
        assertEquals(0, submitted.get(0).proposal().base());
        assertNull(submitted.get(0).plannedOn());
    }

    @Test
    void notApplied_endsTheChain_dropsTheWaitingTable_andIsToldOnce() {
        Proposals chain = chain(table(4));
        chain.offer(table(5));
        chain.offer(table(6));
        submitted.get(0).done().accept(new TableEntry.Outcome(false, 5), null);
        assertEquals(List.of("table epoch 5 was not committed (the log holds epoch 5)"), failures);
        assertTrue(chain.ended());
        chain.offer(table(7));
        assertEquals(1, submitted.size(), "an ended chain proposes nothing");

        Proposals other = chain(table(4));
        other.offer(table(5));
        submitted.get(1).done().accept(null, new IllegalStateException("not leader"));
        assertEquals("table epoch 5 was not committed (not leader)", failures.get(1));
    }
}
