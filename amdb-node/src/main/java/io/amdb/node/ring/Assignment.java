package io.amdb.node.ring;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The planned owner of every partition while {@link TablePlanner} edits it: who will own each partition
 * once every migration has cut over, as an index into the new table's members.
 *
 * <p>Not thread-safe; lives for one planning call. Invariants: {@code loads[i]} counts the partitions
 * planned on member {@code i}; the caller plans only on placeable members (live, not leaving), the ring's
 * nodes; after {@link #shedAboveCapacity()} and {@link #placeUnplaced()} no member is planned above
 * {@link #capacity()} and no partition is {@link #UNPLACED}.
 */
final class Assignment {
    /** A partition that must move but has no target yet. */
    static final int UNPLACED = -2;

    private final List<Member> members;
    private final Ring ring;
    private final Placement canonical;
    private final int[] ringToMember;
    private final int capacity;
    private final int[] planned;
    private final int[] loads;

    /** Requires at least one placeable member; every partition starts {@link PartitionTable#LOST}. */
    Assignment(List<Member> members, Set<String> placeable, int partitions, PlacementPolicy policy) {
        this.members = members;
        this.ring = policy.ring(placeable);
        this.canonical = Placement.compute(ring, partitions, policy.epsilon());
        this.capacity = canonical.capacity();
        this.ringToMember = ring.nodes().stream().mapToInt(id -> indexOf(members, id)).toArray();
        this.planned = new int[partitions];
        this.loads = new int[members.size()];
        Arrays.fill(planned, PartitionTable.LOST);
    }

    int capacity() {
        return capacity;
    }

    int planned(int partition) {
        return planned[partition];
    }

    /** The canonical owner of a partition, as a member index. */
    int canonical(int partition) {
        return ringToMember[canonical.ownerIndex(partition)];
    }

    /** Plans partition {@code p} on member {@code owner}, or LOST, or UNPLACED. */
    void set(int partition, int owner) {
        int before = planned[partition];
        if (before >= 0) {
            loads[before]--;
        }
        planned[partition] = owner;
        if (owner >= 0) {
            loads[owner]++;
        }
    }

    /** Each newcomer takes every partition canonically its own, unless the partition is LOST. */
    void pullCanonical(Set<Integer> newcomers) {
        for (int p = 0; p < planned.length; p++) {
            if (planned[p] != PartitionTable.LOST && newcomers.contains(canonical(p))) {
                set(p, canonical(p));
            }
        }
    }

    /**
     * Unplans partitions from members above capacity (after a join shrank it), giving up first those
     * whose canonical owner is another member, lowest partition first.
     */
    void shedAboveCapacity() {
        for (int member = 0; member < members.size(); member++) {
            for (boolean anyPartition : new boolean[] {false, true}) {
                for (int p = 0; p < planned.length && loads[member] > capacity; p++) {
                    if (planned[p] == member && (anyPartition || canonical(p) != member)) {
                        set(p, UNPLACED);
                    }
                }
            }
        }
    }

    /** Places every UNPLACED partition, lowest first, on the first member clockwise with room. */
    void placeUnplaced() {
        for (int p = 0; p < planned.length; p++) {
            if (planned[p] == UNPLACED) {
                set(p, firstWithRoom(p));
            }
        }
    }

    /** Returns the member that bounded loads picks for partition {@code p} given the current loads. */
    int firstWithRoom(int partition) {
        int node = ring.firstAccepted(Ring.position(partition, planned.length),
                n -> loads[ringToMember[n]] < capacity);
        assert node >= 0 : "capacity " + capacity + " leaves no room for partition " + partition;
        return ringToMember[node];
    }

    /** Returns the member indexes of these ids; ids that are not members are skipped. */
    Set<Integer> indexesOf(Set<String> ids) {
        List<Integer> out = new ArrayList<>();
        for (String id : ids) {
            int i = indexOf(members, id);
            if (i >= 0) {
                out.add(i);
            }
        }
        return Set.copyOf(out);
    }

    static int indexOf(List<Member> members, String nodeId) {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).nodeId().equals(nodeId)) {
                return i;
            }
        }
        return -1;
    }
}
