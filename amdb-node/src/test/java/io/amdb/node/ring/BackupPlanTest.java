package io.amdb.node.ring;

import static io.amdb.node.ring.TablePlannerTest.member;
import static io.amdb.node.ring.TablePlannerTest.members;
import static io.amdb.node.ring.TablePlannerTest.plus;
import static io.amdb.node.ring.TablePlannerTest.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.ReplicaSets;
import io.amdb.protocol.TestSeed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Backups in the tables {@link TablePlanner} plans: placement, balance, racks, moves, promotion. */
@ExtendWith(TestSeed.class)
class BackupPlanTest {
    private static final int P = 1024;
    private static final TablePlanner PLANNER = new TablePlanner(PlacementPolicy.DEFAULT);

    static TablePlanner.Replication rf(int factor) {
        return new TablePlanner.Replication(factor, 1, Map.of());
    }

    @Test
    void initial_rf2and3_distinctBackupsNoneInSyncTermOne() {
        for (int r = 2; r <= 3; r++) {
            PartitionTable t = PLANNER.initial(P, members(5), rf(r));
            assertEquals(r, t.replicationFactor());
            for (int p = 0; p < P; p++) {
                List<Member> copies = t.replicas(p);
                assertEquals(r, copies.size(), "partition " + p);
                assertEquals(r, new HashSet<>(copies).size(), "partition " + p + " copies " + copies);
                assertEquals(List.of(t.owner(p)), t.inSync(p));
                assertEquals(1, t.term(p));
            }
            assertEquals(P, t.underReplicated());
        }
    }

    /**
     * A member back on its data directory claims the copies it recovered: Rule Balance gives it its share of backups
     * among those (to be caught up, not copied) as far as balance allows, where without the claims fewer would be.
     */
    @Test
    void returningMember_takesItsBackupShareAmongThePartitionsItClaims() {
        List<Member> three = members(3);
        PartitionTable t = PLANNER.initial(P, three, rf(2));
        Member back = three.get(1);
        java.util.BitSet held = new java.util.BitSet();
        for (int p = 0; p < P; p++) {
            if (t.replicas(p).contains(back)) {
                held.set(p);
            }
        }
        PartitionTable after = PLANNER.plan(t, without(three, back.nodeId()), Set.of());
        Member again = new Member(back.nodeId(), back.host(), back.port() + 1); // a new process
        List<Member> live = plus(without(three, back.nodeId()), again);
        PartitionTable claimed = PLANNER.plan(after, live, Set.of(), Map.of(back.nodeId(), held));
        PartitionTable unclaimed = PLANNER.plan(after, live, Set.of());
        int backups = 0;
        int backupsHeld = 0;
        int backupsHeldUnclaimed = 0;
        for (int p = 0; p < P; p++) {
            if (claimed.backups(p).contains(again)) {
                backups++;
                backupsHeld += held.get(p) ? 1 : 0;
            }
            backupsHeldUnclaimed += unclaimed.backups(p).contains(again) && held.get(p) ? 1 : 0;
        }
        assertTrue(backups >= P / 3 - 2, "its share of backups: " + backups);
        // Not quite all: a partition whose other copies sit on members without two backups to spare stays put.
        assertTrue(backupsHeld >= backups * 9 / 10, backupsHeld + " of its " + backups + " backups are copies it holds");
        assertTrue(backupsHeldUnclaimed < backupsHeld, "without the claims, fewer: " + backupsHeldUnclaimed);
        int[] loads = backupLoads(claimed);
        assertTrue(max(loads) - java.util.Arrays.stream(loads).min().orElseThrow() <= 2,
                "backups stay balanced: " + java.util.Arrays.toString(loads));
    }

    @Test
    void initial_oneMember_noBackupsAndEveryPartitionUnderReplicated() {
        PartitionTable t = PLANNER.initial(P, members(1), rf(2));
        for (int p = 0; p < P; p++) {
            assertEquals(List.of(), t.backups(p));
        }
        assertEquals(P, t.underReplicated());
    }

    @Test
    void initial_2to16members_backupsBalancedWithin1_3() {
        for (int n = 2; n <= 16; n++) {
            for (int r = 2; r <= Math.min(3, n); r++) {
                PartitionTable t = PLANNER.initial(P, members(n), rf(r));
                int[] loads = backupLoads(t);
                double ratio = (double) max(loads) / min(loads);
                assertTrue(ratio <= 1.3, n + " members, R " + r + ": backups max/min " + ratio);
            }
        }
    }

    @Test
    void initial_twoRacks_everyBackupOnTheOtherRack() {
        List<Member> ms = members(6);
        Map<String, String> racks = new HashMap<>();
        for (int i = 0; i < ms.size(); i++) {
            racks.put(ms.get(i).nodeId(), i % 2 == 0 ? "east" : "west");
        }
        PartitionTable t = PLANNER.initial(P, ms, new TablePlanner.Replication(2, 1, racks));
        for (int p = 0; p < P; p++) {
            assertNotEquals(racks.get(t.owner(p).nodeId()), racks.get(t.backups(p).get(0).nodeId()), "partition " + p);
        }
        assertEquals("east", t.replicaSets().rack(t.memberIndex(ms.get(0).nodeId())));
    }

    @Test
    void plan_join_movesAboutOneNthOfTheBackups() {
        List<Member> five = members(6).subList(0, 5);
        Member sixth = members(6).get(5);
        PartitionTable before = PLANNER.initial(P, five, rf(2));
        PartitionTable after = PLANNER.plan(before, plus(five, sixth), Set.of());
        int moved = 0;
        for (int p = 0; p < P; p++) {
            moved += plannedBackups(after, p).equals(plannedBackups(before, p)) ? 0 : 1;
        }
        assertTrue(moved > 0 && moved <= 2 * P / 6, moved + " of " + P + " backups moved on a join to 6");
        int[] loads = backupLoads(after);
        assertTrue((double) max(loads) / min(loads) <= 1.3, "balance after the join " + java.util.Arrays.toString(loads) + " members " + after.members() + " owners " + java.util.Arrays.toString(ownerLoads(after)));
    }

    @Test
    void plan_joinWhileInSync_oldBackupStaysOutgoingUntilTheNewOneIsInSync() {
        List<Member> five = members(6).subList(0, 5);
        Member sixth = members(6).get(5);
        PartitionTable synced = allInSync(PLANNER.initial(P, five, rf(2)));
        PartitionTable joined = PLANNER.plan(synced, plus(five, sixth), Set.of());
        int outgoing = 0;
        for (int p = 0; p < P; p++) {
            assertTrue(joined.inSync(p).size() >= synced.inSync(p).size(), "partition " + p + " lost an in-sync copy");
            if (joined.backups(p).size() == 2) {
                outgoing++;
                assertEquals(List.of(joined.owner(p), joined.backups(p).get(1)), joined.inSync(p),
                        "the planned backup is new, the outgoing one in sync");
            }
        }
        assertTrue(outgoing > 0, "no backup moved to the newcomer");
        assertTrue(joined.backupPartitionsOf(sixth.nodeId()).length > 0);
        assertTrue(outgoing <= 2 * P / 6, outgoing + " backups moved");
        assertSame(joined, PLANNER.plan(joined, plus(five, sixth), Set.of()), "planning again moves nothing");
        PartitionTable settled = PLANNER.plan(allInSync(joined), plus(five, sixth), Set.of());
        for (int p = 0; p < P; p++) {
            assertEquals(1, settled.backups(p).size(), "partition " + p + ": outgoing backup still listed");
        }
    }

    @Test
    void plan_primaryDiesWithAnInSyncBackup_backupPromotedWithNewTerm() {
        List<Member> three = members(3);
        PartitionTable synced = allInSync(PLANNER.initial(P, three, rf(2)));
        String dead = three.get(0).nodeId();
        PartitionTable after = PLANNER.plan(synced, without(three, dead), Set.of());
        assertEquals(0, after.lostPartitions());
        for (int p = 0; p < P; p++) {
            if (synced.owner(p).nodeId().equals(dead)) {
                assertEquals(synced.backups(p).get(0), after.owner(p), "partition " + p);
                assertEquals(after.epoch(), after.term(p));
                assertEquals(1, after.backups(p).size(), "a new backup is planned at once");
                assertEquals(List.of(after.owner(p)), after.inSync(p), "and it is not in sync yet");
            } else {
                assertEquals(synced.term(p), after.term(p));
                assertFalse(after.replicas(p).stream().anyMatch(m -> m.nodeId().equals(dead)));
            }
        }
    }

    /**
     * R = 3: a dead primary's partition goes to the in-sync backup whose copy is furthest on (a later term, else a
     * higher sequence), the first listed among equals or when positions are unknown, and never to a backup that is
     * not in sync, however far on.
     */
    @Test
    void plan_primaryDiesWithTwoInSyncBackups_theOneFurthestOnIsPromoted() {
        List<Member> four = members(4);
        PartitionTable synced = allInSync(PLANNER.initial(P, four, rf(3)));
        String dead = four.get(0).nodeId();
        int[] mine = synced.partitionsOf(dead);
        Map<String, Map<Integer, CopyPosition>> positions = new java.util.HashMap<>();
        for (int i = 0; i < mine.length; i++) {
            int p = mine[i];
            String first = synced.backups(p).get(0).nodeId();
            String second = synced.backups(p).get(1).nodeId();
            switch (i % 4) {
                case 0 -> { // the second holds more of the same term
                    positions.computeIfAbsent(first, x -> new java.util.HashMap<>()).put(p, new CopyPosition(1, 10));
                    positions.computeIfAbsent(second, x -> new java.util.HashMap<>()).put(p, new CopyPosition(1, 11));
                }
                case 1 -> { // the second follows a later term, at a lower sequence
                    positions.computeIfAbsent(first, x -> new java.util.HashMap<>()).put(p, new CopyPosition(1, 50));
                    positions.computeIfAbsent(second, x -> new java.util.HashMap<>()).put(p, new CopyPosition(2, 40));
                }
                case 2 -> { // equal: the first listed
                    positions.computeIfAbsent(first, x -> new java.util.HashMap<>()).put(p, new CopyPosition(1, 10));
                    positions.computeIfAbsent(second, x -> new java.util.HashMap<>()).put(p, new CopyPosition(1, 10));
                }
                default -> // only the second known: the known one
                    positions.computeIfAbsent(second, x -> new java.util.HashMap<>()).put(p, new CopyPosition(0, 0));
            }
        }
        PartitionTable after = PLANNER.plan(synced, without(four, dead), Set.of(), Map.of(), Map.of(), positions);
        assertEquals(0, after.lostPartitions());
        for (int i = 0; i < mine.length; i++) {
            int p = mine[i];
            Member expected = synced.backups(p).get(i % 4 == 2 ? 0 : 1);
            assertEquals(expected, after.owner(p), "partition " + p + ", case " + i % 4);
            assertEquals(after.epoch(), after.term(p));
        }
        PartitionTable unknown = PLANNER.plan(synced, without(four, dead), Set.of());
        for (int p : mine) {
            assertEquals(synced.backups(p).get(0), unknown.owner(p), "positions unknown: the first listed");
        }
    }

    @Test
    void plan_primaryDiesWithoutAnInSyncBackup_lostAndNoBackups() {
        List<Member> three = members(3);
        PartitionTable t = PLANNER.initial(P, three, rf(2)); // backups planned, none in sync
        String dead = three.get(0).nodeId();
        PartitionTable after = PLANNER.plan(t, without(three, dead), Set.of());
        for (int p = 0; p < P; p++) {
            if (t.owner(p).nodeId().equals(dead)) {
                assertTrue(after.isLost(p));
                assertEquals(dead, after.lostFrom(p));
                assertEquals(List.of(), after.backups(p));
            }
        }
    }

    @Test
    void plan_leave_leaversInSyncBackupsStayUntilReplacementsAreInSync() {
        List<Member> four = members(4);
        String leaver = four.get(3).nodeId();
        PartitionTable synced = allInSync(PLANNER.initial(P, four, rf(2)));
        PartitionTable leaving = PLANNER.plan(synced, four, Set.of(leaver));
        int toInSyncBackups = 0;
        for (int p = 0; p < P; p++) {
            // A partition moving to its in-sync backup keeps that backup listed in sync until the cutover.
            boolean toInSyncBackup = synced.inSync(p).contains(leaving.plannedOwner(p))
                    && !leaving.plannedOwner(p).equals(leaving.owner(p));
            toInSyncBackups += toInSyncBackup ? 1 : 0;
            assertTrue(!toInSyncBackup || leaving.inSync(p).contains(leaving.plannedOwner(p)), "partition " + p);
            assertTrue(leaving.inSync(p).size() >= synced.inSync(p).size(), "partition " + p);
            List<Member> planned = plannedBackups(leaving, p);
            assertFalse(planned.stream().anyMatch(m -> m.nodeId().equals(leaver)), "partition " + p);
        }
        assertTrue(toInSyncBackups > 0, "the leave moved no partition to its in-sync backup");
    }

    /**
     * Random joins, leaves, deaths and in-sync marks: after every plan each partition's backups are distinct
     * members other than its owners, it has as many planned backups as there are members to take them (up to
     * R - 1), no in-sync copy is lost but by a death, and terms change exactly when the primary does.
     */
    @Test
    void plan_randomMembershipHistories_invariantsHold() {
        long seed = TestSeed.get();
        Random random = new Random(seed);
        TablePlanner planner = new TablePlanner(new PlacementPolicy(16, 0.0, PlacementPolicy.DEFAULT.hash()));
        for (int run = 0; run < 20; run++) {
            int partitions = 64;
            List<Member> live = new ArrayList<>(members(3));
            int next = 3;
            PartitionTable t = planner.initial(partitions, live, rf(2 + random.nextInt(2)));
            Set<String> leaving = new HashSet<>();
            for (int step = 0; step < 40; step++) {
                PartitionTable before = random.nextBoolean() ? allInSync(t) : t;
                Set<String> died = new HashSet<>();
                int what = random.nextInt(4);
                if (what == 0 && live.size() < 8) {
                    live.add(member("x" + next++));
                } else if (what == 1 && live.size() > 1) {
                    died.add(live.remove(random.nextInt(live.size())).nodeId());
                } else if (what == 2 && live.size() > 1) {
                    leaving.add(live.get(random.nextInt(live.size())).nodeId());
                }
                leaving.retainAll(live.stream().map(Member::nodeId).toList());
                t = planner.plan(before, live, leaving);
                check(before, t, died, leaving, "seed " + seed + " run " + run + " step " + step);
                assertSame(t, planner.plan(t, live, leaving), "seed " + seed + " run " + run + " step " + step
                        + ": planning again for the same members changed the table");
            }
        }
    }

    private static void check(PartitionTable before, PartitionTable t, Set<String> died, Set<String> leaving,
            String where) {
        int placeable = (int) t.members().stream().filter(m -> !leaving.contains(m.nodeId())).count();
        for (int p = 0; p < t.partitions(); p++) {
            String at = where + " partition " + p + " " + t.replicas(p) + " planned owner " + t.plannedOwner(p) + " leaving " + leaving + " members " + t.members() + " before " + before.replicas(p) + " R " + t.replicationFactor();
            List<Member> copies = t.replicas(p);
            assertEquals(copies.size(), new HashSet<>(copies).size(), at);
            boolean primaryDied = before.owner(p) != null && died.contains(before.owner(p).nodeId());
            if (t.isLost(p)) {
                assertTrue(copies.isEmpty(), at);
                continue;
            }
            Member plannedOwner = t.plannedOwner(p);
            int others = placeable - (leaving.contains(t.owner(p).nodeId()) ? 0 : 1)
                    - (plannedOwner.equals(t.owner(p)) || leaving.contains(plannedOwner.nodeId()) ? 0 : 1);
            int wanted = Math.min(t.replicationFactor() - 1, others);
            List<Member> planned = t.backups(p).subList(0, Math.min(wanted, t.backups(p).size()));
            if (placeable > 0) { // else every member is leaving and the backups stay as they were
                assertEquals(wanted, planned.size(), at);
                assertFalse(planned.contains(plannedOwner), at);
                assertFalse(planned.stream().anyMatch(m -> leaving.contains(m.nodeId())), at);
            }
            long lostInSync = before.inSync(p).stream().filter(m -> died.contains(m.nodeId())).count();
            // An outgoing copy goes only once the planned ones are all in sync.
            assertTrue(t.inSync(p).size() >= Math.min(before.inSync(p).size() - lostInSync, 1 + planned.size()),
                    at + " in-sync copies dropped");
            boolean samePrimary = t.owner(p).equals(before.owner(p));
            assertEquals(samePrimary, t.term(p) == before.term(p), at + " term " + t.term(p));
            if (!samePrimary) {
                assertTrue(primaryDied || before.isLost(p), at + " primary changed without a death");
            }
        }
    }

    /** The table with every backup marked in sync (what the primaries would ask for once each caught up). */
    static PartitionTable allInSync(PartitionTable t) {
        ReplicaSets.Builder b = t.replicaSets().toBuilder();
        for (int p = 0; p < t.partitions(); p++) {
            int n = t.replicaSets().backupCount(p);
            int[] backups = new int[n];
            for (int i = 0; i < n; i++) {
                backups[i] = t.replicaSets().backup(p, i);
            }
            b.backups(p, backups, (1 << n) - 1);
        }
        return new PartitionTable(t.epoch() + 1, t.partitions(), t.members(), ownerIndexes(t), t.migrations(),
                lostFrom(t), b.build());
    }

    private static int[] ownerIndexes(PartitionTable t) {
        int[] owners = new int[t.partitions()];
        for (int p = 0; p < owners.length; p++) {
            owners[p] = t.ownerIndex(p);
        }
        return owners;
    }

    private static String[] lostFrom(PartitionTable t) {
        String[] out = new String[t.partitions()];
        for (int p = 0; p < out.length; p++) {
            out[p] = t.lostFrom(p);
        }
        return out;
    }

    /** The first R - 1 backups: the planned ones. */
    static List<Member> plannedBackups(PartitionTable t, int p) {
        List<Member> b = t.backups(p);
        return b.subList(0, Math.min(b.size(), t.replicationFactor() - 1));
    }

    private static int[] backupLoads(PartitionTable t) {
        int[] loads = new int[t.members().size()];
        for (int p = 0; p < t.partitions(); p++) {
            for (Member m : t.backups(p)) {
                loads[t.memberIndex(m.nodeId())]++;
            }
        }
        return loads;
    }

    private static int[] ownerLoads(PartitionTable t) {
        int[] loads = new int[t.members().size()];
        for (int p = 0; p < t.partitions(); p++) {
            loads[t.memberIndex(t.plannedOwner(p).nodeId())]++;
        }
        return loads;
    }

    private static int max(int[] a) {
        return java.util.Arrays.stream(a).max().orElseThrow();
    }

    private static int min(int[] a) {
        return java.util.Arrays.stream(a).min().orElseThrow();
    }
}
