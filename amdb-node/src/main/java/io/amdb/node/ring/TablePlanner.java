package io.amdb.node.ring;

import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.ReplicaSets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Computes partition tables: the first one of a cluster, the target after a membership change, and the
 * operator's acceptance of lost partitions. Run only by the table coordinator, which publishes the results.
 *
 * <p>Immutable and thread-safe; pure functions of their arguments and the {@link PlacementPolicy}.
 *
 * <p>Design notes. The first table is the canonical {@link Placement}. Later tables are <em>sticky</em>: a
 * partition moves only when it has to, and then to the member bounded loads picks, so a table is a
 * function of the one before it and the new membership, not of the membership alone. The rules, in order:
 * <ol>
 *   <li><b>Death</b>: a member absent from the live set, or present at a new address (a restart), is dead;
 *       each partition it owned goes to its in-sync backup furthest on (see {@link #promotable}), or, with none
 *       live, becomes LOST, never reassigned silently; migrations to it are dropped.
 *       The table remembers whom each was lost with ({@link PartitionTable#lostFrom}).
 *   <li><b>Return</b>: a LOST partition goes back to the member it was lost with when that member is live
 *       and claims it (a durable node back on its data directory claims what its last table gave it);
 *       any other LOST partition stays LOST. A member that got partitions back is not a newcomer.
 *   <li><b>Keep</b>: every other partition stays planned where it was: on the target of its migration in
 *       flight when that target is placeable (live and not leaving), else on its owner when that is.
 *   <li><b>Join</b>: a member new to the table takes every partition canonically its own: about P/N.
 *   <li><b>Shrunk capacity</b>: a member above {@code ceil((1 + epsilon) P / N)} gives up partitions.
 *   <li><b>Leave</b>: partitions of leaving members, and those given up, go to the first member clockwise
 *       of their position with room. A leaver keeps owning them until each cutover.
 * </ol>
 * A leave or a death never raises the capacity of anyone above it, so rule 4 fires only on joins and a
 * leave moves only the leaver's partitions. The planned load of every placeable member stays at or below
 * capacity, which bounds the balance as explained in {@link Placement}.
 */
public final class TablePlanner {
    private final PlacementPolicy policy;

    public TablePlanner(PlacementPolicy policy) {
        this.policy = policy;
    }

    public PlacementPolicy policy() {
        return policy;
    }

    /** As {@link #initial(int, Collection, Replication)} without replication (R = M = 1). */
    public PartitionTable initial(int partitions, Collection<Member> members) {
        return initial(partitions, members, Replication.NONE);
    }

    /**
     * The first table of a fresh cluster: epoch 1, the canonical placement, nothing LOST or moving, every term 1,
     * and R - 1 backups per partition (fewer while there are fewer other members), none in sync yet.
     */
    public PartitionTable initial(int partitions, Collection<Member> members, Replication replication) {
        List<Member> sorted = sortById(members);
        requireArgument(!sorted.isEmpty(), "a cluster needs at least one member");
        Placement placement = policy.place(ids(sorted), partitions);
        int[] owners = new int[partitions];
        for (int p = 0; p < partitions; p++) {
            owners[p] = Assignment.indexOf(sorted, placement.owner(p));
        }
        ReplicaSets.Builder sets = new ReplicaSets.Builder(replication.factor(), replication.minInSync(), partitions,
                sorted.size());
        for (int p = 0; p < partitions; p++) {
            sets.term(p, 1);
        }
        PartitionTable owned = new PartitionTable(1, partitions, sorted, owners, List.of(), null, sets.build());
        ReplicaSets backups = BackupPlan.plan(owned, sorted, owners, owners, new HashSet<>(ids(sorted)),
                replication.racks(), policy, 1);
        return new PartitionTable(1, partitions, sorted, owners, List.of(), null, backups);
    }

    /**
     * How a new cluster replicates: R, M and the members' racks (by node id; a member missing names none).
     * Later tables keep R and M from the table before them.
     */
    public record Replication(int factor, int minInSync, Map<String, String> racks) {
        public static final Replication NONE = new Replication(1, 1, Map.of());

        public Replication {
            racks = Map.copyOf(racks);
        }
    }

    /**
     * Returns the table that follows {@code current} for this membership (rules in the class comment):
     * {@code epoch + 1}, members = {@code live} sorted by id, owners unchanged except the dead ones' LOST,
     * and the migrations to reach the plan. Returns {@code current} itself when nothing would change.
     *
     * @param live    the members alive now, distinct ids, leavers included until they are gone
     * @param leaving ids that asked to leave gracefully; they receive nothing and hand everything off
     */
    public PartitionTable plan(PartitionTable current, Collection<Member> live, Set<String> leaving) {
        return plan(current, live, leaving, Map.of());
    }

    /**
     * As {@link #plan(PartitionTable, Collection, Set)}, with the partitions each live member claims
     * ({@code claims}, by node id): the Return rule gives a LOST partition back to the member it was lost
     * with when that member claims it.
     */
    public PartitionTable plan(PartitionTable current, Collection<Member> live, Set<String> leaving,
            Map<String, BitSet> claims) {
        return plan(current, live, leaving, claims, Map.of());
    }

    /**
     * As {@link #plan(PartitionTable, Collection, Set, Map)}, with the live members' racks by node id (a member
     * missing keeps the rack {@code current} gave it). The backups are planned by {@link BackupPlan}.
     */
    public PartitionTable plan(PartitionTable current, Collection<Member> live, Set<String> leaving,
            Map<String, BitSet> claims, Map<String, String> racks) {
        return plan(current, live, leaving, claims, racks, Map.of());
    }

    /**
     * As {@link #plan(PartitionTable, Collection, Set, Map, Map)}, with where the live members' copies stand
     * ({@code positions}): Rule Death promotes the in-sync backup furthest on among those known.
     */
    public PartitionTable plan(PartitionTable current, Collection<Member> live, Set<String> leaving,
            Map<String, BitSet> claims, Map<String, String> racks, Map<String, Map<Integer, CopyPosition>> positions) {
        List<Member> members = sortById(live);
        String[] lostFrom = new String[current.partitions()];
        int[] owners = survivingOwners(current, members, lostFrom, positions);
        Set<String> placeable = new HashSet<>(ids(members));
        placeable.removeAll(leaving);
        Set<String> returned = giveBack(owners, lostFrom, members, placeable, claims);
        List<Migration> migrations = new ArrayList<>();
        int[] planned = owners.clone();
        if (!placeable.isEmpty()) { // else there is nowhere to move to: leavers hold on
            Assignment plan = keep(current, members, owners, placeable);
            Set<String> newcomers = newcomers(current, members, placeable);
            newcomers.removeAll(returned);
            plan.pullCanonical(plan.indexesOf(newcomers));
            plan.shedAboveCapacity();
            plan.placeUnplaced();
            for (int p = 0; p < owners.length; p++) {
                if (owners[p] != PartitionTable.LOST && plan.planned(p) != owners[p]) {
                    planned[p] = plan.planned(p);
                    migrations.add(new Migration(p, members.get(owners[p]).nodeId(),
                            members.get(plan.planned(p)).nodeId()));
                }
            }
        }
        ReplicaSets sets = BackupPlan.plan(current, members, owners, planned, placeable, racks, policy,
                current.epoch() + 1, claims);
        PartitionTable next = new PartitionTable(current.epoch() + 1, current.partitions(), members, owners,
                migrations, lostFrom, sets);
        return next.sameContentAs(current) ? current : next;
    }

    /**
     * Rule Return: gives each LOST partition back to the member it was lost with, if that member is placeable
     * and claims it. Returns the ids of the members that got at least one partition back.
     */
    private static Set<String> giveBack(int[] owners, String[] lostFrom, List<Member> members, Set<String> placeable,
            Map<String, BitSet> claims) {
        Set<String> returned = new HashSet<>();
        for (int p = 0; p < owners.length; p++) {
            String from = lostFrom[p];
            if (owners[p] == PartitionTable.LOST && from != null && placeable.contains(from)
                    && claims.getOrDefault(from, EMPTY).get(p)) {
                owners[p] = Assignment.indexOf(members, from);
                lostFrom[p] = null;
                returned.add(from);
            }
        }
        return returned;
    }

    private static final BitSet EMPTY = new BitSet();

    /**
     * <b>Loses data on purpose</b>: returns {@code epoch + 1} with this LOST partition owned, empty, by the
     * member bounded loads picks among the table's non-leaving members. For an operator who accepts the loss.
     *
     * @throws IllegalArgumentException if the partition is not LOST or every member is leaving
     */
    public PartitionTable reassignLostAsEmpty(PartitionTable current, Set<String> leaving, int partition) {
        requireArgument(current.isLost(partition), "partition " + partition + " is not LOST");
        return reassign(current, leaving, p -> p == partition);
    }

    /** As {@link #reassignLostAsEmpty(PartitionTable, Set, int)} for every LOST partition, in one epoch. */
    public PartitionTable reassignAllLostAsEmpty(PartitionTable current, Set<String> leaving) {
        return current.lostPartitions() == 0 ? current : reassign(current, leaving, p -> true);
    }

    private PartitionTable reassign(PartitionTable current, Set<String> leaving, IntPredicate which) {
        List<Member> members = current.members();
        Set<String> placeable = new HashSet<>(ids(members));
        placeable.removeAll(leaving);
        requireArgument(!placeable.isEmpty(), "every member is leaving: no one can take lost partitions");
        String[] lostFrom = new String[current.partitions()];
        int[] owners = survivingOwners(current, members, lostFrom, Map.of());
        Assignment plan = keep(current, members, owners, placeable);
        for (int p = 0; p < owners.length; p++) {
            if (owners[p] == PartitionTable.LOST && which.test(p)) {
                owners[p] = plan.firstWithRoom(p);
                lostFrom[p] = null;
                plan.set(p, owners[p]);
            }
        }
        int[] planned = owners.clone();
        for (Migration m : current.migrations()) {
            planned[m.partition()] = Assignment.indexOf(members, m.toNode());
        }
        ReplicaSets sets = BackupPlan.plan(current, members, owners, planned, placeable, Map.of(), policy,
                current.epoch() + 1);
        return new PartitionTable(current.epoch() + 1, current.partitions(), members, owners, current.migrations(),
                lostFrom, sets);
    }

    /** Rule 2: the plan before any move, over the new members; {@code owners} are the survivors. */
    private Assignment keep(PartitionTable current, List<Member> members, int[] owners, Set<String> placeable) {
        Assignment plan = new Assignment(members, placeable, current.partitions(), policy);
        for (int p = 0; p < owners.length; p++) {
            Migration m = current.migration(p);
            if (owners[p] == PartitionTable.LOST) {
                continue;
            } else if (m != null && placeable.contains(m.toNode()) && sameIncarnation(current, members, m.toNode())) {
                plan.set(p, Assignment.indexOf(members, m.toNode()));
            } else if (placeable.contains(members.get(owners[p]).nodeId())) {
                plan.set(p, owners[p]);
            } else {
                plan.set(p, Assignment.UNPLACED);
            }
        }
        return plan;
    }

    /** True when {@code nodeId} is in both and at the same address: the same process, with its data. */
    private static boolean sameIncarnation(PartitionTable current, List<Member> members, String nodeId) {
        int i = Assignment.indexOf(members, nodeId);
        return i >= 0 && members.get(i).equals(current.member(nodeId));
    }

    /**
     * Rule 1: current owners as indexes into {@code members}; owners that died become LOST, and
     * {@code lostFrom} (filled in) names whom each LOST partition was lost with, as far as known.
     */
    private static int[] survivingOwners(PartitionTable current, List<Member> members, String[] lostFrom,
            Map<String, Map<Integer, CopyPosition>> positions) {
        int[] owners = new int[current.partitions()];
        for (int p = 0; p < owners.length; p++) {
            Member owner = current.owner(p);
            boolean survives = owner != null && sameIncarnation(current, members, owner.nodeId());
            Member heir = survives || owner == null ? null : promotable(current, members, p, positions);
            Member next = survives ? owner : heir;
            owners[p] = next != null ? Assignment.indexOf(members, next.nodeId()) : PartitionTable.LOST;
            lostFrom[p] = next != null ? null : owner != null ? owner.nodeId() : current.lostFrom(p);
        }
        return owners;
    }

    /**
     * Rule Death, with replicas: among the in-sync backups of the partition that are live at the same address (each
     * holds every write the dead primary acknowledged), the one whose copy is furthest on by {@code positions} (its
     * term, then its sequence; unknown counts as behind every known), the first listed among equals; null when
     * there is none. The furthest holds the most of the writes that were never acknowledged, so the new primary's
     * sealing takes back the least.
     */
    private static Member promotable(PartitionTable current, List<Member> members, int partition,
            Map<String, Map<Integer, CopyPosition>> positions) {
        ReplicaSets sets = current.replicaSets();
        Member best = null;
        CopyPosition bestAt = null;
        for (int pos = 0; pos < sets.backupCount(partition); pos++) {
            Member b = current.members().get(sets.backup(partition, pos));
            if (sets.inSync(partition, pos) && sameIncarnation(current, members, b.nodeId())) {
                CopyPosition at = positions.getOrDefault(b.nodeId(), Map.of()).get(partition);
                if (best == null || at != null && (bestAt == null || at.compareTo(bestAt) > 0)) {
                    best = b;
                    bestAt = at;
                }
            }
        }
        return best;
    }

    /** Placeable members that are not in {@code current} at the same address. */
    private static Set<String> newcomers(PartitionTable current, List<Member> members, Set<String> placeable) {
        Set<String> out = new HashSet<>();
        for (Member m : members) {
            if (placeable.contains(m.nodeId()) && !m.equals(current.member(m.nodeId()))) {
                out.add(m.nodeId());
            }
        }
        return out;
    }

    private static List<Member> sortById(Collection<Member> members) {
        List<Member> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(Member::nodeId));
        for (int i = 1; i < sorted.size(); i++) {
            requireArgument(!sorted.get(i).nodeId().equals(sorted.get(i - 1).nodeId()),
                    "member id " + sorted.get(i).nodeId() + " appears twice");
        }
        return sorted;
    }

    private static List<String> ids(List<Member> members) {
        return members.stream().map(Member::nodeId).toList();
    }

    private static void requireArgument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
