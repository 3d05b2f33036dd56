package io.amdb.node.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.PartitionTableCodec;
import io.amdb.protocol.TestSeed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The keeper over a fake membership, and a seeded random walk of joins, leaves and deaths. */
@ExtendWith(TestSeed.class)
class TableKeeperTest {
    private static final int P = 1024;
    private static final TablePlanner PLANNER = new TablePlanner(PlacementPolicy.DEFAULT);

    private static Member member(String id, int port) {
        return new Member(id, "127.0.0.1", port);
    }

    @Test
    void start_threeMembers_publishesEpochOne() {
        List<PartitionTable> published = new ArrayList<>();
        FakeMembership membership = new FakeMembership(member("a", 1), member("b", 2), member("c", 3));
        TableKeeper keeper = TableKeeper.start(PLANNER, membership, P, published::add);
        assertEquals(List.of(keeper.table()), published);
        assertEquals(1, keeper.table().epoch());
    }

    @Test
    void memberAdded_duplicateEvent_publishesNothing() {
        List<PartitionTable> published = new ArrayList<>();
        FakeMembership membership = new FakeMembership(member("a", 1), member("b", 2));
        TableKeeper keeper = TableKeeper.start(PLANNER, membership, P, published::add);
        keeper.memberAdded(member("b", 2));
        assertEquals(1, published.size());
    }

    @Test
    void cutover_staleOrCurrentMigration_appliesOnlyTheCurrentOne() {
        FakeMembership membership = new FakeMembership(member("a", 1), member("b", 2));
        TableKeeper keeper = TableKeeper.start(PLANNER, membership, P, t -> { });
        membership.add(member("c", 3));
        Migration m = keeper.table().migrations().get(0);
        long epoch = keeper.table().epoch();
        assertFalse(keeper.cutover(new Migration(m.partition(), m.fromNode(), "nobody"), epoch));
        assertTrue(keeper.cutover(m, epoch));
        assertEquals(epoch + 1, keeper.table().epoch());
        assertEquals("c", keeper.table().owner(m.partition()).nodeId());
        assertFalse(keeper.cutover(m, epoch), "already done");
    }

    /**
     * On two nodes with R = 2 a moving partition has no backup (its target cannot be one): the cutover must give it
     * its backup, the old owner, at once. It used to wait for the next event, so a quiet cluster kept such partitions
     * short of copies for good (ClusterReplicationTest's two-node cases stalled with partitions under-replicated).
     */
    @Test
    void cutover_twoMembers_theMovedPartitionGetsTheOldOwnerAsBackupAtOnce() {
        FakeMembership membership = new FakeMembership(member("a", 1));
        TableKeeper keeper = TableKeeper.start(PLANNER, membership, P, 2, 1, t -> { });
        membership.add(member("b", 2));
        Migration m = keeper.table().migrations().get(0);
        assertTrue(keeper.table().backups(m.partition()).isEmpty(), "the target is no backup during the move");
        assertTrue(keeper.cutover(m, keeper.table().epoch()));
        PartitionTable t = keeper.table();
        assertEquals("b", t.owner(m.partition()).nodeId());
        assertEquals(List.of("a"), t.backups(m.partition()).stream().map(Member::nodeId).toList());
    }

    /**
     * A move dropped and planned again is listed since the later epoch: a late request from an attempt that began
     * under the earlier listing is refused (its source may have unfenced and taken writes since), and one from an
     * attempt that began under the current listing is accepted.
     */
    @Test
    void cutover_attemptStartedBeforeTheMoveWasPlannedAgain_refused() {
        FakeMembership membership = new FakeMembership(member("a", 1), member("b", 2));
        TableKeeper keeper = TableKeeper.start(PLANNER, membership, P, t -> { });
        membership.add(member("c", 3));
        Migration m = keeper.table().migrations().get(0);
        long firstListing = keeper.listedSince(m);
        assertEquals(keeper.table().epoch(), firstListing);
        membership.remove("c"); // the move is dropped with its target...
        assertEquals(-1, keeper.listedSince(m));
        membership.add(member("c", 3)); // ...and planned again, identically
        assertEquals(m, keeper.table().migration(m.partition()));
        long again = keeper.listedSince(m);
        assertTrue(again > firstListing, again + " after " + firstListing);

        assertFalse(keeper.cutover(m, firstListing), "an attempt of the first listing");
        assertEquals(m, keeper.table().migration(m.partition()), "nothing changed");
        assertTrue(keeper.cutover(m, again));
        assertEquals("c", keeper.table().owner(m.partition()).nodeId());
    }

    /** A settled two-member cluster with R = 2: partition 0's primary, its backup, and the keeper. */
    private static TableKeeper settledPair(FakeMembership membership) {
        TableKeeper keeper = TableKeeper.start(PLANNER, membership, P, 2, 1, t -> { });
        membership.add(member("b", 2));
        for (Migration m : keeper.table().migrations()) {
            assertTrue(keeper.cutover(m, keeper.table().epoch()));
        }
        assertTrue(keeper.table().migrations().isEmpty());
        return keeper;
    }

    /** A partition whose backup is not in sync (one that did not move: a cutover lists the old owner in sync). */
    private static int outOfSync(PartitionTable t) {
        return java.util.stream.IntStream.range(0, t.partitions())
                .filter(p -> !t.backups(p).isEmpty() && !t.inSync(p).contains(t.backups(p).get(0)))
                .findFirst().orElseThrow();
    }

    private static InSyncChange change(PartitionTable t, int p, boolean add, long askedAt) {
        return new InSyncChange(p, t.term(p), t.backups(p).get(0).nodeId(), add, askedAt);
    }

    /**
     * An add the primary gave up (it asked the backup out to copy it afresh) is refused however late it arrives: the
     * removal, even of a backup already out, publishes a table and fences every add asked before it. An add asked
     * with that table or a later one is taken.
     */
    @Test
    void inSync_addAskedBeforeARemoval_refused_laterAddTaken() {
        TableKeeper keeper = settledPair(new FakeMembership(member("a", 1)));
        PartitionTable t = keeper.table();
        int p = outOfSync(t);
        String primary = t.owner(p).nodeId();
        long asked = t.epoch();
        InSyncAnswer out = keeper.changeInSync(primary, List.of(change(t, p, false, asked)));
        assertEquals(List.of(TableKeeper.IN_SYNC_ALREADY), out.outcomes(), "the backup was not in sync");
        assertEquals(asked + 1, out.epoch(), "a table is published even so");
        assertEquals(out.epoch(), keeper.table().epoch());

        InSyncAnswer late = keeper.changeInSync(primary, List.of(change(t, p, true, asked)));
        assertEquals(List.of(TableKeeper.IN_SYNC_REFUSED), late.outcomes(), "the add asked before the removal");
        assertFalse(keeper.table().inSync(p).contains(t.backups(p).get(0)));

        PartitionTable now = keeper.table();
        InSyncAnswer again = keeper.changeInSync(primary, List.of(change(now, p, true, now.epoch())));
        assertEquals(List.of(TableKeeper.IN_SYNC_ACCEPTED), again.outcomes());
        assertEquals(keeper.table().epoch(), again.epoch());
        assertTrue(keeper.table().inSync(p).contains(now.backups(p).get(0)));
        assertEquals(List.of(TableKeeper.IN_SYNC_ALREADY),
                keeper.changeInSync(primary, List.of(change(now, p, true, now.epoch()))).outcomes());
    }

    /** A backup listed again (gone and back) may be copied afresh: adds asked for its earlier listing are refused. */
    @Test
    void inSync_addAskedBeforeTheBackupWasListedAgain_refused() {
        FakeMembership membership = new FakeMembership(member("a", 1));
        TableKeeper keeper = settledPair(membership);
        membership.add(member("c", 3));
        for (Migration m : keeper.table().migrations()) {
            assertTrue(keeper.cutover(m, keeper.table().epoch()));
        }
        PartitionTable before = keeper.table();
        int p = java.util.stream.IntStream.range(0, P)
                .filter(q -> !before.backups(q).isEmpty() && before.backups(q).get(0).nodeId().equals("c"))
                .findFirst().orElseThrow();
        String primary = before.owner(p).nodeId();
        membership.remove("c");
        membership.add(member("c", 3));
        for (Migration m : keeper.table().migrations()) {
            assertTrue(keeper.cutover(m, keeper.table().epoch()));
        }
        PartitionTable after = keeper.table();
        assertTrue(after.owner(p).nodeId().equals(primary) && after.term(p) == before.term(p)
                && after.backups(p).equals(before.backups(p)), "the same primary and backup as before, listed again");
        assertEquals(List.of(TableKeeper.IN_SYNC_REFUSED),
                keeper.changeInSync(primary, List.of(change(before, p, true, before.epoch()))).outcomes());
        assertEquals(List.of(TableKeeper.IN_SYNC_ACCEPTED),
                keeper.changeInSync(primary, List.of(change(after, p, true, after.epoch()))).outcomes());
    }

    /**
     * A keeper that takes over refuses adds asked before its first table: one given up under an earlier coordinator
     * may arrive late, and this keeper does not know of the removal that fenced it.
     */
    @Test
    void inSync_resumedKeeper_refusesAddsAskedBeforeItsTable() {
        TableKeeper first = settledPair(new FakeMembership(member("a", 1)));
        PartitionTable t = first.table();
        FakeMembership membership = new FakeMembership(member("a", 1), member("b", 2));
        TableKeeper keeper = TableKeeper.resume(PLANNER, membership, t, x -> { });
        PartitionTable now = keeper.table();
        int p = outOfSync(now);
        String primary = now.owner(p).nodeId();
        assertEquals(List.of(TableKeeper.IN_SYNC_REFUSED),
                keeper.changeInSync(primary, List.of(change(now, p, true, t.epoch() - 1))).outcomes());
        assertEquals(List.of(TableKeeper.IN_SYNC_ACCEPTED),
                keeper.changeInSync(primary, List.of(change(now, p, true, now.epoch()))).outcomes());
    }

    /** A keeper that takes over does not know since when a listed move was planned: it counts from its table. */
    @Test
    void resume_listedMove_countsFromTheTableTakenOver() {
        FakeMembership membership = new FakeMembership(member("a", 1), member("b", 2), member("c", 3));
        TableKeeper first = TableKeeper.start(PLANNER, new FakeMembership(member("a", 1), member("b", 2)), P, t -> { });
        PartitionTable planned = PLANNER.plan(first.table(), membership.members(), Set.of());
        Migration m = planned.migrations().get(0);
        TableKeeper keeper = TableKeeper.resume(PLANNER, membership, planned, t -> { });
        assertEquals(planned.epoch(), keeper.listedSince(m));
        assertFalse(keeper.cutover(m, planned.epoch() - 1), "an attempt that began before the table taken over");
        assertTrue(keeper.cutover(m, planned.epoch()));
    }

    @Test
    void leave_allCutOver_drainedThenGoneWithoutLoss() {
        FakeMembership membership = new FakeMembership(member("a", 1), member("b", 2), member("c", 3));
        TableKeeper keeper = TableKeeper.start(PLANNER, membership, P, t -> { });
        keeper.leave("b");
        assertFalse(keeper.isDrained("b"));
        while (!keeper.table().migrations().isEmpty()) {
            keeper.cutover(keeper.table().migrations().get(0), keeper.table().epoch());
        }
        assertTrue(keeper.isDrained("b"));
        membership.remove("b");
        assertEquals(0, keeper.table().lostPartitions());
        assertEquals(Set.of(), keeper.leaving());
    }

    @Test
    void resume_membershipChangedDuringFailover_replansAtOnce() {
        FakeMembership membership = new FakeMembership(member("a", 1), member("b", 2));
        PartitionTable old = PLANNER.initial(P, membership.members());
        membership.add(member("c", 3)); // nobody listening yet
        TableKeeper keeper = TableKeeper.resume(PLANNER, membership, old, t -> { });
        assertEquals(2, keeper.table().epoch());
        assertNotNull(keeper.table().member("c"));
        assertFalse(keeper.table().migrations().isEmpty());
    }

    /**
     * 200 joins, leaves, deaths and exits, with cutovers and operator actions between; checked every step.
     * {@code -Damdb.walks=N} runs N walks from seeds {@code amdb.seed, amdb.seed + 1, ...} (a soak).
     */
    @Test
    void randomWalk_200MembershipChanges_invariantsHoldAndEveryTableRoundTrips() throws Exception {
        long first = TestSeed.get();
        for (long seed = first; seed < first + Integer.getInteger("amdb.walks", 1); seed++) {
            Walk walk = new Walk(seed);
            while (walk.changes < 200) {
                walk.step();
            }
            for (PartitionTable t : walk.published) {
                assertEquals(t, PartitionTableCodec.decode(PartitionTableCodec.encode(t)), "seed=" + seed + " " + t);
            }
            System.out.printf("random walk seed=%d: %s, %d tables, %d steps with nothing LOST, worst planned"
                    + " max/min among them %.2f%n", seed, walk.counts, walk.published.size(), walk.balancedSteps,
                    walk.worstBalance);
        }
    }

    /** The walk's state: a fake membership, the keeper under test, and what it has published. */
    private static final class Walk {
        final long seed;
        final SplittableRandom random;
        final FakeMembership membership =
                new FakeMembership(member("n0", 1000), member("n1", 1001), member("n2", 1002));
        final List<PartitionTable> published = new ArrayList<>();
        final TableKeeper keeper = TableKeeper.start(PLANNER, membership, P, published::add);
        final Map<String, Integer> departed = new TreeMap<>();
        final Map<String, Integer> counts = new TreeMap<>();
        double worstBalance;
        int balancedSteps;
        int nextId = 3;
        int changes;
        int steps;

        Walk(long seed) {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
        }

        void step() {
            PartitionTable before = keeper.table();
            int publishedBefore = published.size();
            List<Member> live = membership.members();
            Set<Integer> expectedLost = lost(before);
            boolean operator = false;
            int r = random.nextInt(100);
            String what;
            if (r < 20 && live.size() < 16) {
                what = join();
            } else if (r < 30 && live.size() - keeper.leaving().size() > 1) {
                what = "leave";
                List<Member> candidates = live.stream().filter(m -> !keeper.leaving().contains(m.nodeId())).toList();
                keeper.leave(pick(candidates).nodeId());
            } else if (r < 42 && live.size() > 1) {
                Member dead = pick(live);
                what = "death of " + dead.nodeId();
                IntStream.of(before.partitionsOf(dead.nodeId())).forEach(expectedLost::add);
                depart(dead);
            } else if (r < 50 && keeper.leaving().stream().anyMatch(keeper::isDrained)) {
                String drained = keeper.leaving().stream().filter(keeper::isDrained).sorted().findFirst().get();
                what = "exit";
                depart(before.member(drained));
            } else if (r >= 94 && live.size() > keeper.leaving().size()) {
                what = "operator";
                operator = true;
                keeper.reassignAllLostAsEmpty();
            } else {
                what = "cutovers";
                List<Migration> in = new ArrayList<>(before.migrations());
                for (int n = random.nextInt(1 + in.size()); n > 0; n--) {
                    assertTrue(keeper.cutover(in.remove(random.nextInt(in.size())), keeper.table().epoch()), where("cutover"));
                }
            }
            changes += what.equals("cutovers") || what.equals("operator") ? 0 : 1;
            counts.merge(what.startsWith("death") ? "death" : what.split(" ")[0], 1, Integer::sum);
            steps++;
            check(before, publishedBefore, operator ? Set.of() : expectedLost, where(what));
        }

        String join() {
            boolean returning = !departed.isEmpty() && random.nextBoolean();
            String id = returning
                    ? new ArrayList<>(departed.keySet()).get(random.nextInt(departed.size()))
                    : "n" + nextId++;
            int port = returning && random.nextInt(4) != 0 ? departed.remove(id) : 2000 + random.nextInt(60000);
            departed.remove(id);
            membership.add(member(id, port));
            return returning ? "return" : "join";
        }

        void depart(Member m) {
            departed.put(m.nodeId(), m.port());
            membership.remove(m.nodeId());
        }

        void check(PartitionTable before, int publishedBefore, Set<Integer> expectedLost, String where) {
            PartitionTable t = keeper.table();
            for (int i = Math.max(1, publishedBefore); i < published.size(); i++) {
                assertTrue(published.get(i).epoch() > published.get(i - 1).epoch(), where + ": epochs must increase");
            }
            assertEquals(t, published.get(published.size() - 1), where + ": the current table is published");
            assertEquals(new HashSet<>(membership.members()), new HashSet<>(t.members()), where + ": members");
            for (int p = 0; p < P; p++) {
                Member owner = t.owner(p);
                if (owner != null && !membership.isLive(owner.nodeId())) {
                    fail(where + ": absent owner of " + p);
                }
            }
            for (Migration m : t.migrations()) {
                assertEquals(t.owner(m.partition()).nodeId(), m.fromNode(), where + ": " + m + " not from owner");
                assertFalse(keeper.leaving().contains(m.toNode()), where + ": " + m + " targets a leaver");
            }
            if (!expectedLost.isEmpty() || !before.equals(t)) {
                Set<Integer> lost = lost(t);
                assertTrue(lost.containsAll(expectedLost), where + ": a LOST partition came back without the operator");
                assertEquals(expectedLost.size(), lost.size(), where + ": LOST = before + the dead node's partitions");
            }
            checkPlannedLoads(t, where);
        }

        /** Every planned owner is placeable and within capacity, so balance stays bounded. */
        void checkPlannedLoads(PartitionTable t, String where) {
            Set<String> leaving = keeper.leaving();
            int placeable = t.members().size() - leaving.size();
            if (placeable == 0) {
                return; // everyone is leaving: the leavers hold on, there is nowhere to go
            }
            Map<String, Integer> loads = new HashMap<>();
            for (int p = 0; p < P; p++) {
                Member planned = t.plannedOwner(p);
                if (planned != null && leaving.contains(planned.nodeId())) {
                    fail(where + ": partition " + p + " stays on a leaver");
                } else if (planned != null) {
                    loads.merge(planned.nodeId(), 1, Integer::sum);
                }
            }
            int capacity = PLANNER.policy().capacity(P, placeable);
            loads.forEach((id, load) ->
                    assertTrue(load <= capacity, where + ": " + id + " planned " + load + " > " + capacity));
            if (t.lostPartitions() == 0) { // then loads sum to P, so the least loaded has P - (N - 1) * capacity
                int min = loads.size() < placeable ? 0 : loads.values().stream().min(Integer::compare).orElse(0);
                assertTrue(min >= P - (placeable - 1) * capacity, where + ": min planned load " + min + " " + loads);
                int max = loads.values().stream().max(Integer::compare).orElse(0);
                worstBalance = Math.max(worstBalance, (double) max / min);
                balancedSteps++;
            }
        }

        <T> T pick(List<T> from) {
            return from.get(random.nextInt(from.size()));
        }

        String where(String what) {
            return "seed=" + seed + " step=" + steps + " after " + what;
        }

        static Set<Integer> lost(PartitionTable t) {
            Set<Integer> lost = new HashSet<>();
            IntStream.range(0, t.partitions()).filter(t::isLost).forEach(lost::add);
            return lost;
        }
    }
}
