package io.amdb.node.ring;

import io.amdb.protocol.Member;
import io.amdb.protocol.Migration;
import io.amdb.protocol.PartitionTable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The coordinator's partition table: replanned when membership changes or a node asks to leave, advanced
 * by migration cutovers and by an operator accepting lost partitions, and published after every change.
 *
 * <p>Not thread-safe: every call, the {@link Membership} callbacks included, must come from the thread
 * that owns it (the coordinator's context). Invariants: each published table has a higher epoch than the
 * one before; after a membership event {@link #table()} has exactly the live members; {@link #leaving()}
 * holds only live ids.
 *
 * <p>Design notes. An event triggers a fresh plan against {@link Membership#members()}, never an edit by
 * the event's delta, so a duplicated or coalesced event cannot put the table out of step; a plan that
 * changes nothing publishes nothing. The leaving set lives here, not in the table: a coordinator that takes
 * over ({@link #resume}) does not know who was leaving, but the migrations in flight still carry the
 * leaver's partitions away, because the planner keeps migration targets.
 *
 * <p>Each listed migration remembers the epoch since which it has been listed without a break, as far as this
 * keeper knows: the epoch of the table that listed it, or for one already listed when the keeper took over, the
 * epoch of the table it took over. A cutover is accepted only for an attempt that began at or after that epoch,
 * so a late request from an attempt that was refused (its source unfenced and took writes) can never cut over
 * a move planned again later; see {@link #cutover}.
 */
public final class TableKeeper implements Membership.Listener {
    private final TablePlanner planner;
    private final Membership membership;
    private final Consumer<PartitionTable> publish;
    /** Per partition, the epoch of its last removal's or backup change's table: adds asked before it are refused. */
    private final java.util.Map<Integer, Long> addFences = new java.util.HashMap<>();
    /**
     * Adds asked before this keeper's first table are refused: one asked of an earlier coordinator and given up
     * since may reach this one late, and this keeper does not know of the removal that fenced it.
     */
    private long addFenceFloor;
    private final Set<String> leaving = new HashSet<>();
    private final Map<Migration, Listing> listings = new HashMap<>();
    private PartitionTable table;

    private TableKeeper(TablePlanner planner, Membership membership, Consumer<PartitionTable> publish) {
        this.planner = planner;
        this.membership = membership;
        this.publish = publish;
    }

    /** As {@link #start(TablePlanner, Membership, int, int, int, Consumer)} without replication. */
    public static TableKeeper start(TablePlanner planner, Membership membership, int partitions,
            Consumer<PartitionTable> publish) {
        return start(planner, membership, partitions, 1, 1, publish);
    }

    /**
     * Starts a fresh cluster: publishes the epoch-1 table for the current members, keeping {@code factor} copies of
     * each partition (at least {@code minInSync} in sync for writes), and listens.
     */
    public static TableKeeper start(TablePlanner planner, Membership membership, int partitions, int factor,
            int minInSync, Consumer<PartitionTable> publish) {
        TableKeeper keeper = new TableKeeper(planner, membership, publish);
        keeper.table = planner.initial(partitions, membership.members(),
                new TablePlanner.Replication(factor, minInSync, membership.racks()));
        keeper.noteListings();
        publish.accept(keeper.table);
        membership.setListener(keeper);
        return keeper;
    }

    /** Takes over from a previous coordinator: replans {@code table} for the current members and listens. */
    public static TableKeeper resume(TablePlanner planner, Membership membership, PartitionTable table,
            Consumer<PartitionTable> publish) {
        TableKeeper keeper = new TableKeeper(planner, membership, publish);
        keeper.table = table;
        keeper.addFenceFloor = table.epoch();
        keeper.noteListings();
        keeper.replan();
        membership.setListener(keeper);
        return keeper;
    }

    public PartitionTable table() {
        return table;
    }

    /** Ids draining toward a graceful exit. A copy. */
    public Set<String> leaving() {
        return Set.copyOf(leaving);
    }

    /** Starts a graceful leave: plans every partition of {@code nodeId} onto other members. */
    public void leave(String nodeId) {
        requireArgument(table.member(nodeId) != null, nodeId + " is not a member");
        leaving.add(nodeId);
        replan();
    }

    /**
     * True when the node owns nothing, nothing is migrating to it, and it is no partition's backup (its copies were
     * replaced, or there is no one to replace them): it may exit without losing data, and no primary waits for it.
     */
    public boolean isDrained(String nodeId) {
        return table.partitionsOf(nodeId).length == 0 && table.backupPartitionsOf(nodeId).length == 0
                && table.migrations().stream().noneMatch(m -> m.toNode().equals(nodeId));
    }

    /**
     * The fenced cutover of a finished migration: publishes {@code epoch + 1} with the target as owner.
     * Returns false, changing nothing, when {@code done} is no longer the plan (replanned meanwhile), or when the
     * attempt asking began before the move's current listing ({@code startedAt}, the epoch of the table with
     * which the source began it, is below {@link #listedSince}): that attempt was abandoned, and the target's
     * copy may miss writes the source took after it. The migration layer then discards the target's copy.
     */
    public boolean cutover(Migration done, long startedAt) {
        if (!done.equals(table.migration(done.partition())) || startedAt < listedSince(done)) {
            return false;
        }
        update(table.completeMigration(done.partition()));
        // The move's target was no backup during the move: plan the partition's backups again (the old owner, on
        // two nodes), or nothing would until the next event, and a quiet cluster would keep it short of copies.
        replan();
        return true;
    }

    /** The epoch since which {@code m} has been listed without a break, as far as this keeper knows; -1: not listed. */
    public long listedSince(Migration m) {
        Listing l = listings.get(m);
        return l == null ? -1 : l.since();
    }

    /**
     * A listed move, since when, and between which members: a move whose source or target restarted (another
     * address) is another move, even with the same ids; the restarted process knows nothing of the old attempts.
     */
    private record Listing(long since, Member from, Member to) {}

    /** Answers to {@link #changeInSync}. */
    public static final int IN_SYNC_REFUSED = 0;
    public static final int IN_SYNC_ACCEPTED = 1;
    public static final int IN_SYNC_ALREADY = 2;

    /**
     * A primary's in-sync changes, answered with the epoch of the table that holds them. Each is REFUSED unless
     * {@code primary} owns the partition at the change's term and the backup is listed; an add is also REFUSED when
     * asked at an epoch before the partition's add fence. Otherwise an add or a removal is ACCEPTED (and published
     * in one new table with the others) or ALREADY (the set says so already). A removal, accepted or already, moves
     * the partition's add fence to the epoch of the table it publishes, and publishes one even when nothing changed:
     * the primary may have an add out that it gives up, and that add, however late it arrives, is refused from then
     * on. Then replans, since a backup now in sync may let an outgoing one go.
     */
    public InSyncAnswer changeInSync(String primary, List<InSyncChange> changes) {
        io.amdb.protocol.ReplicaSets sets = table.replicaSets();
        io.amdb.protocol.ReplicaSets.Builder next = sets.toBuilder();
        java.util.ArrayList<Integer> outcomes = new java.util.ArrayList<>();
        int[] masks = new int[table.partitions()];
        for (int p = 0; p < masks.length; p++) {
            masks[p] = sets.inSyncMask(p);
        }
        boolean publish = false;
        long nextEpoch = table.epoch() + 1;
        for (InSyncChange c : changes) {
            int p = c.partition();
            Member owner = p >= 0 && p < table.partitions() ? table.owner(p) : null;
            int pos = owner == null || !owner.nodeId().equals(primary) || table.term(p) != c.term() ? -1
                    : table.backups(p).stream().map(Member::nodeId).toList().indexOf(c.backup());
            if (pos < 0 || c.inSync() && c.tableEpoch() < addFence(p)) {
                outcomes.add(IN_SYNC_REFUSED);
                continue;
            }
            if (!c.inSync()) {
                addFences.put(p, nextEpoch);
                publish = true;
            }
            if (((masks[p] >> pos) & 1) == (c.inSync() ? 1 : 0)) {
                outcomes.add(IN_SYNC_ALREADY);
            } else {
                masks[p] ^= 1 << pos;
                int[] backups = new int[sets.backupCount(p)];
                for (int i = 0; i < backups.length; i++) {
                    backups[i] = sets.backup(p, i);
                }
                next.backups(p, backups, masks[p]);
                outcomes.add(IN_SYNC_ACCEPTED);
                publish = true;
            }
        }
        if (publish) {
            update(table.withReplicaSets(next.build()));
        }
        InSyncAnswer answer = new InSyncAnswer(table.epoch(), outcomes);
        if (publish) {
            replan();
        }
        return answer;
    }

    /**
     * A partition whose backups change in {@code next} refuses adds asked before it: a backup listed again may be
     * copied afresh, and an add its primary asked for the earlier listing must not count that copy in sync.
     */
    private void fenceRelisted(PartitionTable next) {
        if (next.replicaSets() == table.replicaSets() || next.partitions() != table.partitions()) {
            return;
        }
        for (int p = 0; p < next.partitions(); p++) {
            if (!next.backups(p).equals(table.backups(p))) {
                addFences.put(p, next.epoch());
            }
        }
    }

    /** The epoch an add of partition {@code p} must have been asked at, at least. */
    private long addFence(int p) {
        return Math.max(addFenceFloor, addFences.getOrDefault(p, 0L));
    }

    /** <b>Loses data on purpose</b>: see {@link TablePlanner#reassignAllLostAsEmpty}. */
    public void reassignAllLostAsEmpty() {
        update(planner.reassignAllLostAsEmpty(table, leaving));
    }

    @Override
    public void memberAdded(Member member) {
        replan();
    }

    @Override
    public void memberRemoved(Member member) {
        replan();
    }

    private void replan() {
        List<Member> live = membership.members();
        // A leaver that is gone, or back at a new address (restarted), is no longer leaving.
        leaving.removeIf(id -> live.stream().noneMatch(m -> m.equals(table.member(id))));
        update(planner.plan(table, live, leaving, membership.claims(), membership.racks(), membership.positions()));
    }

    private void update(PartitionTable next) {
        if (next != table) {
            assert next.epoch() > table.epoch() : next.epoch() + " after " + table.epoch();
            fenceRelisted(next);
            table = next;
            noteListings();
            publish.accept(next);
        }
    }

    private void noteListings() {
        listings.keySet().retainAll(new HashSet<>(table.migrations()));
        for (Migration m : table.migrations()) {
            Member from = table.member(m.fromNode());
            Member to = table.member(m.toNode());
            Listing l = listings.get(m);
            if (l == null || !l.from().equals(from) || !l.to().equals(to)) {
                listings.put(m, new Listing(table.epoch(), from, to));
            }
        }
    }

    private static void requireArgument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
