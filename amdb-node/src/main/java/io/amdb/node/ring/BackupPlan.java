package io.amdb.node.ring;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.ReplicaSets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans every partition's backups for the table {@link TablePlanner} is building, once its owners and planned
 * owners are known: the replica sets of the new table.
 *
 * <p>Not thread-safe; lives for one planning call. The rules, in order:
 * <ol>
 *   <li><b>Terms</b>: a partition whose primary changed (a promotion, a partition given back) takes the new
 *       table's epoch as its term; every other keeps its term. (A cutover sets the term where it happens.)
 *   <li><b>Keep</b>: a partition keeps, in order, the first {@code wanted} of its backups that are live at the
 *       same address, placeable, and neither its owner nor its planned owner, where {@code wanted} is
 *       {@code min(R - 1, placeable members other than those two)}: these are its planned backups.
 *   <li><b>Fill</b>: a partition short of {@code wanted} takes the first member clockwise of its position that
 *       holds fewer than {@code ceil(backups / placeable members)} backups, on a rack none of its other copies
 *       is on when there is one. New backups start out of sync.
 *   <li><b>Balance</b>: a member holding fewer than {@code floor(backups / placeable members)} backups takes
 *       planned backups over from members holding at least two more, where it may hold a copy: first the
 *       partitions it claims to hold a copy of already (a member back on its data directory is then caught up
 *       from its primaries' recent changes instead of copied afresh), then the others, lowest partition first. After a join this gives the newcomer its share, so about 1/N of the backups move, as for
 *       owners; nothing else moves.
 *   <li><b>Outgoing</b>: a backup no longer planned (moved, or its member is leaving) stays listed after the
 *       planned ones while it is in sync and some planned backup is not, so moving a copy never lowers the
 *       in-sync count; then it goes. Backups of dead members go at once.
 * </ol>
 * The member a partition's migration goes to is no planned backup: the migration gives it its copy. If it is an
 * in-sync backup already, it stays listed (in sync, after the planned ones) until the cutover: the move then hands
 * the partition over without copying it ({@code migrate/Outbound}). When no member is placeable (every member
 * leaving), the surviving backups stay as they are.
 */
final class BackupPlan {
    private final PartitionTable current;
    private final List<Member> members;
    private final boolean[] placeable;
    private final String[] racks;
    private final int factor;
    private final Ring ring;
    private final int[] ringToMember;
    private final int[] loads;
    private final BitSet[] claimed; // per member, the partitions it holds a copy of (empty when not known)
    private int capacity;

    private BackupPlan(PartitionTable current, List<Member> members, Set<String> placeableIds,
            Map<String, String> rackById, PlacementPolicy policy, Map<String, BitSet> claims) {
        this.current = current;
        this.members = members;
        this.claimed = new BitSet[members.size()];
        for (int i = 0; i < members.size(); i++) {
            claimed[i] = claims.getOrDefault(members.get(i).nodeId(), new BitSet());
        }
        this.placeable = new boolean[members.size()];
        this.racks = new String[members.size()];
        for (int i = 0; i < members.size(); i++) {
            String id = members.get(i).nodeId();
            placeable[i] = placeableIds.contains(id);
            int before = current.memberIndex(id);
            racks[i] = rackById.getOrDefault(id, before >= 0 ? current.replicaSets().rack(before) : "");
        }
        this.factor = current.replicationFactor();
        this.ring = placeableIds.isEmpty() ? null : policy.ring(placeableIds);
        this.ringToMember = ring == null ? new int[0]
                : ring.nodes().stream().mapToInt(id -> Assignment.indexOf(members, id)).toArray();
        this.loads = new int[members.size()];
    }

    /**
     * The replica sets of the table at {@code epoch} that follows {@code current}.
     *
     * @param owners   each partition's owner in the new table (member indexes, or LOST)
     * @param planned  each partition's planned owner (after its migration), or LOST
     * @param rackById racks of the live members; a member missing keeps the rack {@code current} gave it
     */
    static ReplicaSets plan(PartitionTable current, List<Member> members, int[] owners, int[] planned,
            Set<String> placeableIds, Map<String, String> rackById, PlacementPolicy policy, long epoch) {
        return plan(current, members, owners, planned, placeableIds, rackById, policy, epoch, Map.of());
    }

    /**
     * As {@link #plan(PartitionTable, List, int[], int[], Set, Map, PlacementPolicy, long)}, with the partitions each
     * member holds a copy of ({@code claims}, by node id): Rule Balance gives a member those first.
     */
    static ReplicaSets plan(PartitionTable current, List<Member> members, int[] owners, int[] planned,
            Set<String> placeableIds, Map<String, String> rackById, PlacementPolicy policy, long epoch,
            Map<String, BitSet> claims) {
        BackupPlan plan = new BackupPlan(current, members, placeableIds, rackById, policy, claims);
        ReplicaSets.Builder out = new ReplicaSets.Builder(plan.factor, current.replicaSets().minInSync(),
                owners.length, members.size());
        for (int i = 0; i < members.size(); i++) {
            out.rack(i, plan.racks[i]);
        }
        for (int p = 0; p < owners.length; p++) {
            boolean samePrimary = owners[p] != PartitionTable.LOST && members.get(owners[p]).equals(current.owner(p));
            out.term(p, samePrimary || owners[p] == PartitionTable.LOST ? current.term(p) : epoch);
        }
        List<List<Integer>> kept = plan.keep(owners, planned);
        if (plan.ring != null) {
            long total = plan.total(owners, planned);
            int n = plan.ringToMember.length;
            plan.capacity = (int) Math.max(1, (total + n - 1) / n);
            plan.fill(kept, owners, planned);
            plan.balance(kept, owners, planned, (int) (total / n));
        }
        for (int p = 0; p < owners.length; p++) {
            if (owners[p] != PartitionTable.LOST) {
                plan.write(out, p, kept.get(p), owners[p], planned[p]);
            }
        }
        return out.build();
    }

    /** Rule Keep: the planned backups that stay, per partition, as member indexes. */
    private List<List<Integer>> keep(int[] owners, int[] planned) {
        List<List<Integer>> kept = new ArrayList<>(owners.length);
        for (int p = 0; p < owners.length; p++) {
            List<Integer> k = new ArrayList<>();
            kept.add(k);
            if (owners[p] == PartitionTable.LOST) {
                continue;
            }
            int wanted = ring == null ? factor - 1 : wanted(owners[p], planned[p]);
            for (int pos = 0; pos < current.replicaSets().backupCount(p) && k.size() < wanted; pos++) {
                int m = survivor(p, pos);
                if (m >= 0 && (ring == null || placeable[m]) && m != owners[p] && m != planned[p]) {
                    k.add(m);
                    loads[m]++;
                }
            }
        }
        return kept;
    }

    /** The new member index of {@code current}'s backup at {@code pos} if it is live at the same address; else -1. */
    private int survivor(int partition, int pos) {
        Member m = current.members().get(current.replicaSets().backup(partition, pos));
        int i = Assignment.indexOf(members, m.nodeId());
        return i >= 0 && members.get(i).equals(m) ? i : -1;
    }

    /** How many planned backups the partitions should have in all. */
    private long total(int[] owners, int[] planned) {
        long total = 0;
        for (int p = 0; p < owners.length; p++) {
            total += owners[p] == PartitionTable.LOST ? 0 : wanted(owners[p], planned[p]);
        }
        return total;
    }

    /** How many backups a partition with these owners should have: R - 1, or fewer placeable others. */
    private int wanted(int owner, int planned) {
        int others = ringToMember.length;
        others -= placeable[owner] ? 1 : 0;
        others -= planned >= 0 && planned != owner && placeable[planned] ? 1 : 0;
        return Math.max(0, Math.min(factor - 1, others));
    }

    /** Rule Balance: members below {@code floor} take planned backups over from members at least two above them. */
    private void balance(List<List<Integer>> kept, int[] owners, int[] planned, int floor) {
        // Each move lowers the sum of squared loads by at least 2, so the passes end; the last one moves nothing,
        // which makes the plan a fixed point: planning again for the same members moves no backup.
        boolean moved = true;
        while (moved) {
            moved = balancePass(kept, owners, planned, floor);
        }
    }

    private boolean balancePass(List<List<Integer>> kept, int[] owners, int[] planned, int floor) {
        boolean moved = false;
        for (int u : ringToMember) {
            for (int step = 0; step < 2 * kept.size() && loads[u] < floor; step++) {
                int p = step % kept.size();
                boolean claimedFirst = step < kept.size();
                List<Integer> k = kept.get(p);
                if (claimedFirst != claimed[u].get(p) || owners[p] == PartitionTable.LOST || u == owners[p]
                        || u == planned[p] || k.contains(u)) {
                    continue;
                }
                int donor = -1;
                for (int i = 0; i < k.size(); i++) {
                    int m = k.get(i);
                    if (loads[m] >= loads[u] + 2 && (donor < 0 || loads[m] > loads[k.get(donor)])) {
                        donor = i;
                    }
                }
                if (donor >= 0) {
                    List<Integer> others = new ArrayList<>(k);
                    others.remove(donor);
                    if (newRack(u, others, owners[p], planned[p]) || !newRack(k.get(donor), others, owners[p], planned[p])) {
                        loads[k.get(donor)]--;
                        k.set(donor, u);
                        loads[u]++;
                        moved = true;
                    }
                }
            }
        }
        return moved;
    }

    /** Rule Fill. */
    private void fill(List<List<Integer>> kept, int[] owners, int[] planned) {
        for (int p = 0; p < kept.size(); p++) {
            if (owners[p] == PartitionTable.LOST) {
                continue;
            }
            List<Integer> k = kept.get(p);
            int wanted = wanted(owners[p], planned[p]);
            while (k.size() < wanted) {
                int m = pick(p, k, owners[p], planned[p]);
                if (m < 0) {
                    break;
                }
                k.add(m);
                loads[m]++;
            }
        }
    }

    /**
     * The first member clockwise of the partition's position that may take another copy of it: with room and on
     * a new rack if possible, else with room, else any.
     */
    private int pick(int partition, List<Integer> chosen, int owner, int planned) {
        long position = Ring.position(partition, current.partitions());
        for (int relax = 0; relax < 3; relax++) {
            int level = relax;
            int node = ring.firstAccepted(position, n -> {
                int m = ringToMember[n];
                if (m == owner || m == planned || chosen.contains(m)) {
                    return false;
                }
                boolean room = loads[m] < capacity;
                return switch (level) {
                    case 0 -> room && newRack(m, chosen, owner, planned);
                    case 1 -> room;
                    default -> true;
                };
            });
            if (node >= 0) {
                return ringToMember[node];
            }
        }
        return -1;
    }

    /** True when member {@code m}'s rack differs from every other copy's, or no rack is named. */
    private boolean newRack(int m, List<Integer> chosen, int owner, int planned) {
        String rack = racks[m];
        if (rack.isEmpty()) {
            return true;
        }
        if (rack.equals(racks[owner]) || planned >= 0 && rack.equals(racks[planned])) {
            return false;
        }
        for (int c : chosen) {
            if (rack.equals(racks[c])) {
                return false;
            }
        }
        return true;
    }

    /** Rule Outgoing, and the in-sync bits: writes the partition's backups, planned first. */
    private void write(ReplicaSets.Builder out, int p, List<Integer> planned, int owner, int plannedOwner) {
        List<Integer> backups = new ArrayList<>(planned);
        int mask = 0;
        boolean allInSync = true;
        for (int i = 0; i < planned.size(); i++) {
            boolean inSync = wasInSync(p, members.get(planned.get(i)));
            mask |= inSync ? 1 << i : 0;
            allInSync &= inSync;
        }
        int old = current.replicaSets().backupCount(p);
        for (int pos = 0; pos < old && backups.size() < ReplicaSets.MAX_BACKUPS; pos++) {
            int m = survivor(p, pos);
            // The member a migration brings the partition to takes a copy by the migration, not as a backup; unless
            // it is an in-sync backup already: then the move hands the partition over without a copy, and it stays
            // listed in sync until the cutover makes it the primary.
            boolean transferTarget = m >= 0 && m == plannedOwner && m != owner && current.replicaSets().inSync(p, pos);
            boolean outgoing = m >= 0 && m != owner && m != plannedOwner && !backups.contains(m);
            if (transferTarget && !backups.contains(m)
                    || outgoing && (ring == null || !allInSync && current.replicaSets().inSync(p, pos))) {
                mask |= current.replicaSets().inSync(p, pos) ? 1 << backups.size() : 0;
                backups.add(m);
            }
        }
        out.backups(p, backups.stream().mapToInt(Integer::intValue).toArray(), mask);
    }

    /** Whether {@code m} is an in-sync backup of the partition in {@code current} (at the same address). */
    private boolean wasInSync(int partition, Member m) {
        for (int pos = 0; pos < current.replicaSets().backupCount(partition); pos++) {
            Member b = current.members().get(current.replicaSets().backup(partition, pos));
            if (b.equals(m)) {
                return current.replicaSets().inSync(partition, pos);
            }
        }
        return false;
    }
}
