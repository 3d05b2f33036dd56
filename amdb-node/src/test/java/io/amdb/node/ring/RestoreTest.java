package io.amdb.node.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestoreTest {
    private static final TablePlanner PLANNER = new TablePlanner(PlacementPolicy.DEFAULT);
    private static final int P = 64;

    @Test
    void offer_keepsTheNewestSavedTableOnly() {
        PartitionTable older = PLANNER.initial(P, TablePlannerTest.members(3));
        PartitionTable newer = PLANNER.plan(older, TablePlannerTest.members(2), Set.of());
        Restore r = new Restore(older);
        assertTrue(r.offer(newer));
        assertFalse(r.offer(older), "an older table never replaces a newer one");
        assertSame(newer, r.base());
    }

    @Test
    void missing_aBaseThatWasItselfAWaitingTable_stillWaitsForWhomItsPartitionsWereLostWith() {
        List<Member> members = TablePlannerTest.members(3);
        PartitionTable saved = PLANNER.initial(P, members);
        PartitionTable waitingSaved = new Restore(saved).waiting(members.subList(0, 1), saved.epoch() + 1000);
        Restore r = new Restore(waitingSaved); // its members: only the one that was back
        assertEquals(List.of(members.get(1).nodeId(), members.get(2).nodeId()), r.missing(members.subList(0, 1)));
    }

    @Test
    void waiting_everyPartitionLostWithItsBaseOwner_andResumingWithClaimsGivesTheSameOwners() {
        List<Member> members = TablePlannerTest.members(3);
        PartitionTable saved = PLANNER.initial(P, members);
        Restore r = new Restore(saved);
        assertEquals(List.of(members.get(1).nodeId(), members.get(2).nodeId()), r.missing(members.subList(0, 1)));
        PartitionTable waiting = r.waiting(members.subList(0, 1), saved.epoch() + 1000);
        assertEquals(P, waiting.lostPartitions());
        for (int p = 0; p < P; p++) {
            assertEquals(saved.owner(p).nodeId(), waiting.lostFrom(p), "partition " + p);
        }
        assertEquals(List.of(), r.missing(members));
        Map<String, BitSet> claims = new java.util.HashMap<>();
        for (Member m : members) {
            BitSet own = new BitSet();
            for (int p : saved.partitionsOf(m.nodeId())) {
                own.set(p);
            }
            claims.put(m.nodeId(), own);
        }
        PartitionTable back = PLANNER.plan(r.waiting(members, saved.epoch() + 1001), members, Set.of(), claims);
        for (int p = 0; p < P; p++) {
            assertEquals(saved.owner(p).nodeId(), back.owner(p).nodeId(), "partition " + p);
        }
        assertEquals(List.of(), back.migrations());
    }
}
