package io.amdb.node.ring;

import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A whole cluster coming back: the coordinator found no live member with a table, only tables its durable
 * members saved before they stopped. Serving from any one of them at once could serve stale data (a member
 * may have stopped before it saw a later table that moved a partition away), so until every member of the
 * newest saved table is back, every partition is LOST (lost with its owner in that table); then the keeper
 * resumes from it and each member's claims give it back exactly what it owned.
 *
 * <p>Immutable values in, tables out: not thread-safe, used on the coordinator's context only. Invariant:
 * {@link #base()} is the newest saved table seen so far; {@link #offer} only ever moves it to a newer one.
 */
public final class Restore {
    private PartitionTable base;

    /** Starts from the newest saved table known now (the coordinator's own). */
    public Restore(PartitionTable saved) {
        this.base = saved;
    }

    public PartitionTable base() {
        return base;
    }

    /** Takes {@code saved} as the base when it is newer. Returns true when it was. */
    public boolean offer(PartitionTable saved) {
        if (saved != null && saved.partitions() == base.partitions() && saved.epoch() > base.epoch()) {
            base = saved;
            return true;
        }
        return false;
    }

    /**
     * Ids of the base table's members, and of the members its LOST partitions were lost with, that are not live
     * yet: what the cluster waits for. (A base may itself be a table published while waiting, whose members
     * were only those back then; whom its partitions were lost with still names everyone it waits for.)
     */
    public List<String> missing(List<Member> live) {
        Set<String> ids = live.stream().map(Member::nodeId).collect(Collectors.toSet());
        java.util.TreeSet<String> wanted = new java.util.TreeSet<>();
        base.members().forEach(m -> wanted.add(m.nodeId()));
        for (int p = 0; p < base.partitions(); p++) {
            if (base.lostFrom(p) != null) {
                wanted.add(base.lostFrom(p));
            }
        }
        wanted.removeAll(ids);
        return List.copyOf(wanted);
    }

    /**
     * The table to publish at {@code epoch}: the live members, every partition LOST and lost with its owner in
     * the base table (or with whom the base says it was lost), nothing moving. Resuming the keeper from it once
     * nobody is {@link #missing} gives every partition back to its owner, if that owner claims it.
     */
    public PartitionTable waiting(List<Member> live, long epoch) {
        List<Member> members = new ArrayList<>(live);
        members.sort(Comparator.comparing(Member::nodeId));
        int[] owners = new int[base.partitions()];
        String[] lostFrom = new String[base.partitions()];
        for (int p = 0; p < owners.length; p++) {
            owners[p] = PartitionTable.LOST;
            Member owner = base.owner(p);
            lostFrom[p] = owner != null ? owner.nodeId() : base.lostFrom(p);
        }
        return new PartitionTable(epoch, base.partitions(), members, owners, List.of(), lostFrom);
    }
}
