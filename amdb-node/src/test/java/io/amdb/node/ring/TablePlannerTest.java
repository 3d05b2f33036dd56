package io.amdb.node.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.TestSeed;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The planning rules: first table, join, leave, death, return, operator reassignment. */
@ExtendWith(TestSeed.class)
class TablePlannerTest {
    private static final int P = 1024;
    private static final TablePlanner PLANNER = new TablePlanner(PlacementPolicy.DEFAULT);
    private static final TablePlanner TOY = new TablePlanner(ToyHash.policy(1));

    static Member member(String id) {
        return new Member(id, "127.0.0.1", 7000 + Math.abs(id.hashCode() % 1000));
    }

    static List<Member> members(int n) {
        return PlacementTest.ids(n).stream().map(TablePlannerTest::member).toList();
    }

    static List<Member> plus(List<Member> members, Member extra) {
        List<Member> out = new ArrayList<>(members);
        out.add(extra);
        return out;
    }

    static List<Member> without(List<Member> members, String id) {
        return members.stream().filter(m -> !m.nodeId().equals(id)).toList();
    }

    @Test
    void initial_toyRing_ownersCheckedByHand() {
        PartitionTable t = TOY.initial(16, List.of(member("9"), member("1"), member("5")));
        String[] expected = {"1", "1", "5", "5", "5", "5", "9", "9", "9", "9", "1", "1", "1", "1", "5", "5"};
        for (int p = 0; p < 16; p++) {
            assertEquals(expected[p], t.owner(p).nodeId(), "partition " + p);
        }
        assertEquals(List.of("1", "5", "9"), t.members().stream().map(Member::nodeId).toList());
    }

    @Test
    void plan_toyRingJoin_newcomerTakesItsCanonicalPartitions() {
        List<Member> three = List.of(member("1"), member("5"), member("9"));
        PartitionTable t = TOY.plan(TOY.initial(16, three), plus(three, member("13")), Set.of());
        // Capacity 4: "13" canonically owns 10-13, all owned by "1" now. "5" still holds 2-5 and 14-15,
        // above capacity: it gives up 14 and 15 (canonically "1"'s), which wrap round to "1", now with room.
        assertEquals(List.of(new Migration(10, "1", "13"), new Migration(11, "1", "13"),
                new Migration(12, "1", "13"), new Migration(13, "1", "13"), new Migration(14, "5", "1"),
                new Migration(15, "5", "1")), t.migrations());
        assertEquals(2, t.epoch());
        assertEquals("1", t.owner(10).nodeId(), "the source owns until the cutover");
    }

    @Test
    void plan_toyRingLeave_leaversPartitionsWalkToMembersWithRoom() {
        List<Member> three = List.of(member("1"), member("5"), member("9"));
        PartitionTable t = TOY.plan(TOY.initial(16, three), three, Set.of("5"));
        // Capacity 8; "1" holds 6, "9" holds 4. Partitions 2-5 reach "9" first, 14-15 wrap round to "1".
        assertEquals(List.of(new Migration(2, "5", "9"), new Migration(3, "5", "9"), new Migration(4, "5", "9"),
                new Migration(5, "5", "9"), new Migration(14, "5", "1"), new Migration(15, "5", "1")),
                t.migrations());
    }

    @Test
    void initial_shuffledMembers_sameTable() {
        long seed = TestSeed.get();
        List<Member> members = new ArrayList<>(members(11));
        PartitionTable reference = PLANNER.initial(P, members);
        Collections.shuffle(members, new Random(seed));
        assertEquals(reference, PLANNER.initial(P, members), "seed=" + seed);
        assertEquals(1, reference.epoch());
        assertEquals(0, reference.lostPartitions());
        assertEquals(List.of(), reference.migrations());
    }

    @Test
    void plan_join_movesOnlyChangedOwnersAboutOneNth() {
        StringBuilder report = new StringBuilder("join N -> N+1, P=1024: migrations (to the newcomer + shed)"
                + " as a multiple of P/(N+1):");
        for (int n = 1; n <= 15; n++) {
            PartitionTable before = PLANNER.initial(P, members(n));
            Member newcomer = member("new-" + n);
            PartitionTable after = PLANNER.plan(before, plus(members(n), newcomer), Set.of());
            int moves = after.migrations().size();
            double share = (double) P / (n + 1);
            assertTrue(moves >= 0.5 * share && moves <= 1.5 * share, "N=" + n + " -> " + (n + 1) + ": " + moves);
            for (Migration m : after.migrations()) {
                assertEquals(before.owner(m.partition()).nodeId(), m.fromNode(), m.toString());
            }
            for (int p = 0; p < P; p++) {
                assertEquals(before.owner(p).nodeId(), after.owner(p).nodeId(), "owners wait for the cutover");
            }
            long toNewcomer = after.migrations().stream().filter(m -> m.toNode().equals(newcomer.nodeId())).count();
            assertTrue(toNewcomer >= 0.5 * share, "N=" + n + ": newcomer gets " + toNewcomer);
            report.append(String.format(" %d:%d+%d=%.2f", n, toNewcomer, moves - toNewcomer, moves / share));
        }
        System.out.println(report);
    }

    @Test
    void plan_leave_movesExactlyTheLeaversPartitions() {
        for (int n = 2; n <= 16; n++) {
            List<Member> members = members(n);
            PartitionTable before = PLANNER.initial(P, members);
            String leaver = members.get(n / 2).nodeId();
            PartitionTable after = PLANNER.plan(before, members, Set.of(leaver));
            int[] moved = after.migrations().stream().mapToInt(Migration::partition).toArray();
            assertArrayEquals(before.partitionsOf(leaver), moved, "N=" + n);
            assertTrue(after.migrations().stream().allMatch(m -> m.fromNode().equals(leaver)), "N=" + n);
            assertArrayEquals(before.partitionsOf(leaver), after.partitionsOf(leaver), "leaver owns until cutover");
        }
    }

    @Test
    void plan_leaverDrainsAndGoes_nothingLost() {
        List<Member> members = members(5);
        PartitionTable t = PLANNER.plan(PLANNER.initial(P, members), members, Set.of("node-3"));
        long epoch = t.epoch();
        while (!t.migrations().isEmpty()) {
            t = t.completeMigration(t.migrations().get(0).partition());
            assertEquals(++epoch, t.epoch());
        }
        assertEquals(0, t.partitionsOf("node-3").length);
        PartitionTable gone = PLANNER.plan(t, without(members, "node-3"), Set.of());
        assertEquals(0, gone.lostPartitions());
        assertNull(gone.member("node-3"));
        assertEquals(List.of(), gone.migrations());
        assertEquals(epoch + 1, gone.epoch());
    }

    @Test
    void plan_death_deadPartitionsLostOthersUnchanged() {
        List<Member> members = members(6);
        PartitionTable before = PLANNER.initial(P, members);
        PartitionTable after = PLANNER.plan(before, without(members, "node-4"), Set.of());
        assertEquals(before.partitionsOf("node-4").length, after.lostPartitions());
        for (int p : before.partitionsOf("node-4")) {
            assertTrue(after.isLost(p), "partition " + p);
        }
        for (int p = 0; p < P; p++) {
            if (!after.isLost(p)) {
                assertEquals(before.owner(p), after.owner(p), "partition " + p);
            }
        }
        assertEquals(List.of(), after.migrations(), "a death moves nothing");
    }

    @Test
    void plan_deadOwnerReturnsClaimingItsPartitions_getsExactlyThoseBack_andPullsNothing() {
        List<Member> members = members(4);
        PartitionTable before = PLANNER.initial(P, members);
        PartitionTable dead = PLANNER.plan(before, without(members, "node-2"), Set.of());
        for (int p : before.partitionsOf("node-2")) {
            assertEquals("node-2", dead.lostFrom(p), "partition " + p);
        }
        BitSet claims = new BitSet();
        for (int p : before.partitionsOf("node-2")) {
            claims.set(p);
        }
        Member back = new Member("node-2", "127.0.0.1", 9999); // a new address: a restart
        PartitionTable returned = PLANNER.plan(dead, plus(without(members, "node-2"), back), Set.of(),
                Map.of("node-2", claims));
        assertEquals(0, returned.lostPartitions());
        assertEquals(List.of(), returned.migrations(), "it got its own back: not a newcomer");
        for (int p = 0; p < P; p++) {
            assertEquals(before.owner(p).nodeId(), returned.owner(p).nodeId(), "partition " + p);
        }
    }

    @Test
    void plan_claimOfAPartitionLostWithAnother_staysLost() {
        List<Member> members = members(3);
        PartitionTable before = PLANNER.initial(P, members);
        PartitionTable dead = PLANNER.plan(before, without(members, "node-1"), Set.of());
        BitSet everything = new BitSet();
        everything.set(0, P);
        // node-0 claims all, node-1's lost partitions included: only node-1 may take those back.
        PartitionTable t = PLANNER.plan(dead, without(members, "node-1"), Set.of(), Map.of("node-0", everything));
        assertEquals(before.partitionsOf("node-1").length, t.lostPartitions());
        PartitionTable other = PLANNER.plan(dead, plus(without(members, "node-1"), member("node-9")), Set.of(),
                Map.of("node-9", everything));
        assertEquals(before.partitionsOf("node-1").length, other.lostPartitions(), "a stranger's claim is ignored");
    }

    @Test
    void reassignAllLostAsEmpty_forgetsWhomTheyWereLostWith() {
        List<Member> members = members(3);
        PartitionTable dead = PLANNER.plan(PLANNER.initial(P, members), without(members, "node-1"), Set.of());
        PartitionTable accepted = PLANNER.reassignAllLostAsEmpty(dead, Set.of());
        for (int p = 0; p < P; p++) {
            assertNull(accepted.lostFrom(p), "partition " + p);
        }
    }

    @Test
    void plan_deadNodeReturns_lostStaysLostUntilReassigned() {
        List<Member> members = members(4);
        PartitionTable before = PLANNER.initial(P, members);
        PartitionTable dead = PLANNER.plan(before, without(members, "node-2"), Set.of());
        int lost = dead.lostPartitions();
        PartitionTable back = PLANNER.plan(dead, members, Set.of());
        assertEquals(lost, back.lostPartitions(), "a returning node does not resurrect its data");
        assertTrue(back.migrations().stream().allMatch(m -> m.toNode().equals("node-2")), "it pulls live ones only");
        PartitionTable accepted = PLANNER.reassignAllLostAsEmpty(back, Set.of());
        assertEquals(0, accepted.lostPartitions());
        assertEquals(back.epoch() + 1, accepted.epoch());
        assertEquals(back.migrations(), accepted.migrations());
        int onReturner = accepted.partitionsOf("node-2").length;
        assertTrue(onReturner > lost / 2, "LOST partitions go mostly to their placement owner: " + onReturner);
    }

    @Test
    void reassignLostAsEmpty_onePartition_assignsOnlyIt() {
        List<Member> members = members(3);
        PartitionTable dead = PLANNER.plan(PLANNER.initial(P, members), without(members, "node-1"), Set.of());
        int[] lost = IntStream.range(0, P).filter(dead::isLost).toArray();
        PartitionTable one = PLANNER.reassignLostAsEmpty(dead, Set.of(), lost[0]);
        assertEquals(lost.length - 1, one.lostPartitions());
        assertTrue(!one.isLost(lost[0]));
        int owned = IntStream.range(0, P).filter(p -> !dead.isLost(p)).findFirst().orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> PLANNER.reassignLostAsEmpty(dead, Set.of(), owned));
    }

    @Test
    void plan_sameIdAtNewAddress_treatedAsRestartAndLost() {
        List<Member> members = members(3);
        PartitionTable before = PLANNER.initial(P, members);
        Member restarted = new Member("node-2", "127.0.0.1", 9999);
        PartitionTable after = PLANNER.plan(before, plus(without(members, "node-2"), restarted), Set.of());
        assertEquals(before.partitionsOf("node-2").length, after.lostPartitions());
        assertEquals(restarted, after.member("node-2"));
    }

    @Test
    void plan_gracefulLeaveAndReturn_acceptedWithoutLoss() {
        List<Member> members = members(4);
        PartitionTable t = PLANNER.plan(PLANNER.initial(P, members), members, Set.of("node-1"));
        for (Migration m : t.migrations()) {
            t = t.completeMigration(m.partition());
        }
        t = PLANNER.plan(t, without(members, "node-1"), Set.of());
        PartitionTable back = PLANNER.plan(t, members, Set.of());
        assertEquals(0, back.lostPartitions());
        assertTrue(back.migrations().size() >= P / 8, "it takes a share again: " + back.migrations().size());
    }

    @Test
    void plan_unchangedMembership_returnsCurrentWithoutEpochBump() {
        PartitionTable t = PLANNER.initial(P, members(3));
        assertSame(t, PLANNER.plan(t, members(3), Set.of()));
        assertSame(t, PLANNER.plan(t, members(3), Set.of("not-a-member")));
    }

    @Test
    void plan_secondJoinBeforeCutover_keepsMostFirstMigrations() {
        PartitionTable first = PLANNER.plan(PLANNER.initial(P, members(4)), members(5), Set.of());
        PartitionTable second = PLANNER.plan(first, members(6), Set.of());
        int kept = 0;
        for (Migration m : first.migrations()) {
            kept += m.equals(second.migration(m.partition())) ? 1 : 0;
        }
        assertTrue(kept >= first.migrations().size() / 2, "kept " + kept + " of " + first.migrations().size());
    }

    @Test
    void plan_leaverDiesMidHandoff_remainingPartitionsLost() {
        List<Member> members = members(4);
        PartitionTable t = PLANNER.plan(PLANNER.initial(P, members), members, Set.of("node-2"));
        List<Migration> planned = t.migrations();
        for (int i = 0; i < planned.size() / 2; i++) {
            t = t.completeMigration(planned.get(i).partition());
        }
        int remaining = t.partitionsOf("node-2").length;
        PartitionTable after = PLANNER.plan(t, without(members, "node-2"), Set.of());
        assertEquals(remaining, after.lostPartitions());
        assertEquals(List.of(), after.migrations());
    }

    @Test
    void plan_migrationTargetDies_migrationsDroppedNothingLost() {
        PartitionTable joined = PLANNER.plan(PLANNER.initial(P, members(3)), members(4), Set.of());
        PartitionTable after = PLANNER.plan(joined, members(3), Set.of());
        assertEquals(0, after.lostPartitions());
        assertEquals(List.of(), after.migrations());
        Set<String> owners = new TreeSet<>();
        IntStream.range(0, P).forEach(p -> owners.add(after.owner(p).nodeId()));
        assertEquals(Set.of("node-1", "node-2", "node-3"), owners);
    }

    @Test
    void plan_everyoneLeaving_leaversHoldOn() {
        List<Member> members = members(2);
        PartitionTable t = PLANNER.plan(PLANNER.initial(P, members), members, Set.of("node-1", "node-2"));
        assertEquals(List.of(), t.migrations());
        assertThrows(IllegalArgumentException.class,
                () -> PLANNER.reassignAllLostAsEmpty(PLANNER.plan(t, members(1), Set.of("node-1")), Set.of("node-1")));
    }
}
