package io.amdb.node.replicate;

import io.amdb.node.PartitionTrace;
import io.amdb.node.replicate.StreamFormat.Refusal;
import io.amdb.node.ring.InSyncAnswer;
import io.amdb.node.ring.InSyncChange;
import io.amdb.node.ring.TableKeeper;
import io.amdb.node.storage.Changes;
import io.amdb.node.shard.ShardReplication;
import io.amdb.node.storage.Journal;
import io.amdb.node.storage.RecentChanges;
import io.amdb.node.storage.ShardStore;
import io.amdb.node.storage.SkipList;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.WireWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The primary's side of replication on one shard: every change the shard makes to a partition it is primary of
 * goes to each of the partition's backups, and a request that touched such a partition is answered only once
 * every backup in the in-sync set holds every write of it that the request could have seen.
 *
 * <p><b>Threads.</b> Event loop of the shard only; the {@link Transport} completes on it too.
 *
 * <p><b>Streams.</b> One stream per backup node ({@link Link}): the changes of one turn of the event loop go as one
 * message, one message in flight at a time (the next gathers meanwhile, as the log's groups do). Per partition and
 * backup a {@link Follower} says where the backup stands: a backup the table lists in sync is first asked to
 * confirm it continues this primary's history (START); any other, or one that does not, is RESET and sent a copy
 * of the partition (COPY sections, a chunk in flight at a time) while it also receives every new change; once the
 * copy is acknowledged, the primary asks the coordinator to add it to the in-sync set. Contract: docs/PEERS.md,
 * "Replication stream"; rules: docs/REPLICATION.md.
 *
 * <p><b>Acknowledgement.</b> A request waits until, for each partition it touched and each backup that is in the
 * partition's in-sync set (or is being added to it), the backup acknowledged the stream up to the last message that
 * carried a change of that partition when the request ran. A backup that fails (no answer, a gap, a refusal) is
 * asked to leave the in-sync set through the coordinator; the requests waiting on it go on only once this node's
 * table no longer lists it in sync. When this node stops being the partition's primary (or its term changes) first,
 * the requests waiting on the partition end with an unknown outcome (their writes may or may not survive), unless
 * a migration took the partition away: its last chunk carried every write applied here to the new primary.
 */
public final class Replicator implements ShardReplication {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Replicator.class.getName());
    static final int COPY_ENTRIES = 4096;
    static final long COPY_BYTES = 1 << 20;
    /** At most this many copy chunks ride in one message, so new changes never queue behind a long copy. */
    static final int COPY_CHUNKS_PER_MESSAGE = 4;
    /** A backup that refused or failed is tried again no sooner than this. */
    static final long RETRY_NANOS = 200_000_000L;
    /** In-sync changes asked of the coordinator are asked again after this while the table does not show them. */
    static final long ASK_AGAIN_NANOS = 500_000_000L;

    /** How the replicator reaches other nodes; callbacks run on the shard's event loop. */
    public interface Transport {
        /** Sends one stream message to {@code node}; completes with the reply's refusals, or fails. */
        void send(String node, byte[] body, java.util.function.BiConsumer<List<Refusal>, Throwable> done);

        /**
         * Asks the table coordinator to add ({@code inSync}) or remove backups of partitions from the in-sync set;
         * {@code answered} runs on the shard's event loop with the answer, or with the failure (then the request may
         * still be processed).
         */
        void changeInSync(List<InSyncChange> changes, java.util.function.BiConsumer<InSyncAnswer, Throwable> answered);

        /** Whether a failed send may have only been slow (a timeout), so sending it again may succeed. */
        boolean transient_(Throwable failure);

        /** Runs {@code task} on the shard's event loop after {@code ms} milliseconds. */
        void later(long ms, Runnable task);
    }

    private enum State { NEW, PROBING, COPYING, STREAMING, FAILED }

    /** Where one backup stands for one partition. */
    private static final class Follower {
        final int partition;
        final String node;
        State state = State.NEW;
        boolean inSync; // as the installed table says
        boolean adding; // an add this primary asked may take effect: it counts as in sync, and is not copied afresh
        int addsOut; // add requests not answered yet
        boolean addUnknown; // an add request got no answer: it may be granted still, until a removal fences it
        long addGrantedAt; // the epoch in the latest answer that accepted an add: a table up to it may list it in sync
        boolean removalOut; // a removal request is out
        long fencedAt; // the epoch in the answer to the last removal: no add asked before takes effect after it
        long askedAt; // when an in-sync change for it was last asked (the clock's nanoseconds)
        long stream; // the link stream its state belongs to
        boolean inBuilding; // the message being built carries a section of it
        boolean chunkInBuilding; // ... and that section is a copy chunk
        boolean chunkInFlight; // the message in flight carries a copy chunk of it
        boolean lastChunkInFlight; // ... the last one
        long sentVersion = -1; // the partition's sequence when the message in flight was sent
        long confirmed = -1; // the backup holds this primary's history of the partition up to this version
        boolean gapped; // its copy did not continue this history: out of the in-sync set before it is reset
        long sealFrom = -1; // its copy is behind at this sequence: the next START goes with a SEAL from there
        long sealTerm = -1; // ... of this term's history, which its copy holds
        boolean sealTried; // a SEAL was offered: a copy that still does not continue this history is reset
        boolean resumeTried; // out of the in-sync set, it was asked to RESUME: refused and not sealable, it is reset
        boolean copyToMark; // its copy is complete: a START tells it so, and is confirmed before it is asked in sync
        byte[] cursor; // the copy resumes after this key; null: from the start
        boolean copied; // the copy reached the end of the partition
        long copiedKeys; // entries copied so far (for progress)
        long retryAt;
        long pendingSentAt; // when the message in flight that carries a section of it was sent
        long grantedAt; // when the latest message it took a section of was sent: its lease grant
        long outSince; // when it was last seen out of the in-sync set while in it before (or was made)
        long warnedAt; // when it was last reported as slow to catch up

        Follower(int partition, String node, long now) {
            this.partition = partition;
            this.node = node;
            this.grantedAt = now - 10 * LeaseGrants.LEASE_NANOS; // no grant yet
            this.outSince = now;
            this.warnedAt = now;
        }

        boolean required() {
            return inSync || adding;
        }
    }

    /** A partition this shard is primary of. */
    private static final class Primary {
        final long term;
        final long termStart;
        final long prevTerm; // the term whose stream this copy followed before it became primary; -1: none
        final long servesFrom; // the clock's time from which it serves (a promoted backup waits out the old lease)
        final Map<String, Follower> followers = new LinkedHashMap<>();

        Primary(long term, long termStart, long prevTerm, long servesFrom) {
            this.term = term;
            this.termStart = termStart;
            this.prevTerm = prevTerm;
            this.servesFrom = servesFrom;
        }

        /** This primary and its backups in sync as the installed table says. */
        int inSyncCopies() {
            int copies = 1;
            for (Follower f : followers.values()) {
                copies += f.inSync ? 1 : 0;
            }
            return copies;
        }
    }

    /** The stream to one backup node. */
    private static final class Link {
        final String node;
        long stream = ThreadLocalRandom.current().nextLong();
        int seq; // the number of the message being built
        WireWriter building = new WireWriter(4096);
        List<Follower> inBuilding = new ArrayList<>();
        List<Follower> inFlight = new ArrayList<>();
        int copyChunks;
        boolean busy; // a message is in flight

        Link(String node) {
            this.node = node;
        }
    }

    /**
     * What a request waits for: {@code follower} holding the partition up to {@code version}, and having granted
     * the primary's lease by a round sent after {@code leaseSince} (so no other primary served before the request).
     */
    private record Need(int partition, long term, Follower follower, long version, long leaseSince) {}

    private record Waiter(List<Need> needs, Runnable done, IntConsumer unknown, long since) {}

    /** A partition's move to one of its in-sync backups waiting for that backup to hold {@code version}. */
    private record Hold(int partition, long term, Follower follower, long version, Runnable done, Runnable failed,
            long since) {}

    /** A backup out of the in-sync set this long is reported (and again after as long) with where it stands. */
    static final long SLOW_CATCH_UP_NANOS = 30_000_000_000L;

    /** A request that waited this long for its backups ends with an unknown outcome (its primary may be cut off). */
    static final long MAX_WAIT_NANOS = 10_000_000_000L;

    private final String self;
    private final int shard;
    private final java.util.function.IntPredicate ownsPartition;
    private final ShardStore store;
    private final Journal log;
    private final Transport transport;
    private final Supplier<PartitionTable> table;
    private final RolesCache rolesCache;
    private final LeaseGrants grants;
    private final Runnable wake;
    private final LongSupplier clock;
    private final CopyStats copies;
    private long wakeAt; // when a promoted partition starts being served (0: none pending)
    private long lastHeartbeat;
    private final Primary[] primaries;
    private final boolean[] handedOver; // no longer primary here: a migration took every write to its target
    private final io.amdb.protocol.Member[] movingFrom; // the source of a move of the partition here, as last installed
    private final Map<String, Link> links = new HashMap<>();
    private final Set<Follower> unsettled = new LinkedHashSet<>(); // followers flush() must move on
    private final List<Waiter> waiters = new ArrayList<>();
    private final List<Hold> holds = new ArrayList<>();
    private final List<InSyncChange> asks = new ArrayList<>(); // in-sync changes gathered by this turn's flush
    private final List<Follower> askedFor = new ArrayList<>(); // whose each of them is
    private Roles roles;
    private final long backlogBytes;

    /**
     * @param ownsPartition which partitions are this shard's (the others are other shards' to replicate)
     * @param log   the shard's log ({@link Journal#NONE} when memory-only): every change goes there first
     * @param table the node's current table (null before the first)
     * @param clock nanoseconds, as {@link System#nanoTime()}, for every timeout
     * @param backlogBytes bound of the recent changes this shard keeps once the cluster keeps copies
     *              ({@link RecentChanges}): how far behind a copy can be and still be caught up rather than copied anew
     */
    Replicator(String self, int shard, java.util.function.IntPredicate ownsPartition, ShardStore store, Journal log,
            Transport transport, Supplier<PartitionTable> table, RolesCache rolesCache, LeaseGrants grants,
            Runnable wake, LongSupplier clock, CopyStats copies, long backlogBytes) {
        this.backlogBytes = backlogBytes;
        this.ownsPartition = ownsPartition;
        this.clock = clock;
        this.copies = copies;
        this.lastHeartbeat = clock.getAsLong();
        this.grants = grants;
        this.wake = wake;
        this.self = self;
        this.shard = shard;
        this.store = store;
        this.log = log;
        this.transport = transport;
        this.table = table;
        this.rolesCache = rolesCache;
        this.primaries = new Primary[store.partitions()];
        this.handedOver = new boolean[store.partitions()];
        this.movingFrom = new io.amdb.protocol.Member[store.partitions()];
    }

    /**
     * True when this shard serves the partition now: the node's current table makes it its primary. Another
     * shard's partition is not this shard's to refuse: it holds none of it (a scan asks every shard).
     */
    @Override
    public boolean serves(int partition) {
        if (!ownsPartition.test(partition)) {
            return true;
        }
        refresh();
        Primary pr = primaries[partition];
        return pr != null && (pr.servesFrom == 0 || clock.getAsLong() - pr.servesFrom >= 0);
    }

    /** Brings the roles up to the node's current table; call before each task. */
    @Override
    public void refresh() {
        PartitionTable t = table.get();
        if (t != null && (roles == null || roles.epoch() != t.epoch())) {
            install(rolesCache.of(t), t);
        }
    }

    private void install(Roles next, PartitionTable table) {
        roles = next;
        if (table.replicationFactor() > 1 && store.recent() == null) {
            store.keepRecent(new RecentChanges(store.partitions(), backlogBytes));
        }
        for (int p = 0; p < primaries.length; p++) {
            Primary was = primaries[p];
            io.amdb.protocol.Member movedFrom = movingFrom[p];
            io.amdb.protocol.Migration move = table.migration(p);
            movingFrom[p] = move != null && move.toNode().equals(self) ? table.member(move.fromNode()) : null;
            if (!next.isPrimary(p) || !ownsPartition.test(p)) { // another shard's partition is that shard's to stream
                if (was != null) {
                    was.followers.values().forEach(unsettled::remove);
                    primaries[p] = null;
                    io.amdb.protocol.Member owner = table.owner(p);
                    // Moved by a migration: the target has every write applied here, from the migration's last chunk,
                    // or, a backup the partition moved to, as its stream confirmed (the move waited for that).
                    Follower heir = owner == null ? null : was.followers.get(owner.nodeId());
                    handedOver[p] = store.handedOver(p) && owner != null
                            && (heir == null || heir.confirmed >= store.sequence(p));
                    int q = p;
                    PartitionTrace.log(p, () -> "no longer primary (term " + was.term + "), epoch " + next.epoch()
                            + " names " + (owner == null ? "nobody" : owner.nodeId()) + (handedOver[q] ? ", handed over" : ""));
                }
                continue;
            }
            handedOver[p] = false;
            Primary now = was;
            if (was == null || was.term != next.term(p)) {
                if (was != null) {
                    was.followers.values().forEach(unsettled::remove);
                }
                // A backup promoted (its copy follows the old primary's stream) waits out that primary's lease; a
                // migration's target does not: the old primary stopped serving when it fenced the partition.
                // So does a backup the partition moved to: its source, still a member, fenced it before the cutover.
                boolean movedHere = movedFrom != null && movedFrom.equals(table.member(movedFrom.nodeId()));
                long from = store.followedTerm(p) >= 0 && !movedHere ? grants.servesFrom(p) : 0;
                boolean waits = from != 0 && from - clock.getAsLong() > 0;
                now = primaries[p] = new Primary(next.term(p), store.sequence(p), store.followedTerm(p), waits ? from : 0);
                long wait = waits ? (from - clock.getAsLong()) / 1_000_000 : 0;
                int q = p;
                PartitionTrace.log(p, () -> "primary at term " + next.term(q) + " from sequence " + store.sequence(q)
                        + " (epoch " + next.epoch() + ", followed term " + store.followedTerm(q) + ", serves in " + wait
                        + " ms)");
                if (waits && (wakeAt == 0 || from - wakeAt > 0)) {
                    wakeAt = from;
                }
                store.follow(p, next.term(p));
                store.holdHistory(p);
            }
            Map<String, Follower> kept = new LinkedHashMap<>();
            for (Roles.Backup b : next.backups(p)) {
                Follower f = now.followers.get(b.nodeId());
                if (f == null) {
                    f = new Follower(p, b.nodeId(), clock.getAsLong());
                    unsettled.add(f);
                }
                if (f.inSync != b.inSync()) {
                    Follower g = f;
                    PartitionTrace.log(g.partition, () -> "backup " + g.node + (b.inSync() ? " in sync" : " out of sync")
                            + " at epoch " + next.epoch());
                    unsettled.add(f);
                    f.outSince = f.warnedAt = clock.getAsLong();
                }
                f.inSync = b.inSync();
                settleAdding(f);
                kept.put(b.nodeId(), f);
            }
            for (Follower gone : now.followers.values()) {
                if (!kept.containsKey(gone.node)) {
                    unsettled.remove(gone);
                }
            }
            now.followers.clear();
            now.followers.putAll(kept);
        }
        checkWaiters();
    }

    // --- Journal: every change of the store, in order -------------------------------------------------------

    @Override
    public void put(int partition, long version, byte[] key, byte[] value) {
        log.put(partition, version, key, value);
        ship(partition, version, key, value);
    }

    @Override
    public void delete(int partition, long version, byte[] key) {
        log.delete(partition, version, key);
        ship(partition, version, key, null);
    }

    /** Puts a change (a delete for a null value) in the next message of each backup receiving the partition. */
    private void ship(int partition, long version, byte[] key, byte[] valueOrNull) {
        Primary pr = primaries[partition];
        if (pr != null) {
            for (Follower f : pr.followers.values()) {
                if (receiving(f)) {
                    Link l = link(f.node);
                    change(l.building, partition, pr.term, key, valueOrNull, version);
                    appended(l, f);
                }
            }
        }
    }

    /** A CHANGE section: one put, or for a null value a delete. */
    private static void change(WireWriter w, int partition, long term, byte[] key, byte[] valueOrNull, long version) {
        StreamFormat.change(w, partition, term);
        Changes.change(w, key, valueOrNull, version);
    }

    @Override
    public void drop(int partition) {
        log.drop(partition);
        Primary pr = primaries[partition];
        if (pr != null) { // the primary let go of its copy: every backup starts over
            for (Follower f : pr.followers.values()) {
                fail(f);
            }
        }
    }

    @Override
    public void follow(int partition, long term) {
        log.follow(partition, term);
    }

    @Override
    public boolean acceptsWrites() {
        return log.acceptsWrites();
    }

    /** The primary and its in-sync backups, as the installed table says, are at least the table's minimum. */
    @Override
    public boolean enoughCopies(int partition) {
        Primary pr = primaries[partition];
        if (pr == null || roles == null) {
            return true; // not the primary: the gate refuses the request anyway
        }
        return pr.inSyncCopies() >= roles.minInSync();
    }

    /** Whether new changes of its partition go to the follower: it was started (and has not failed since). */
    private static boolean receiving(Follower f) {
        return f.state == State.PROBING || f.state == State.COPYING || f.state == State.STREAMING;
    }

    private void appended(Link l, Follower f) {
        if (!f.inBuilding) {
            f.inBuilding = true;
            l.inBuilding.add(f);
        }
    }

    // --- Waiting ------------------------------------------------------------------------------------------------

    /**
     * Runs {@code done} once every in-sync backup of the given partitions holds every change of them this shard
     * made so far; before it, {@code unknown} with each partition whose outcome is unknown instead (its primary
     * changed first, or its backups did not confirm within {@link #MAX_WAIT_NANOS}). Partitions this shard is not
     * primary of need nothing.
     */
    @Override
    public void whenReplicated(int[] partitions, Runnable done, IntConsumer unknown) {
        List<Need> needs = null;
        long now = clock.getAsLong();
        long leaseSince = now - LeaseGrants.LEASE_NANOS;
        for (int p : partitions) {
            Primary pr = primaries[p];
            if (pr == null) {
                continue;
            }
            long version = store.sequence(p);
            for (Follower f : pr.followers.values()) {
                if (f.required() && (f.confirmed < version || f.grantedAt - leaseSince <= 0)) {
                    if (needs == null) {
                        needs = new ArrayList<>(2);
                    }
                    needs.add(new Need(p, pr.term, f, version, leaseSince));
                }
            }
        }
        if (needs == null) {
            done.run();
            return;
        }
        Waiter w = new Waiter(needs, done, unknown, now);
        if (!settle(w)) {
            waiters.add(w);
        }
    }

    /**
     * Ends the waiter once every partition it waits for is settled: its in-sync backups hold what it needs, or it was
     * handed over, or its outcome is unknown (its primary changed, or the wait passed {@link #MAX_WAIT_NANOS}). Each
     * partition of unknown outcome is reported, then {@code done} runs. Returns whether it ended. A partition settled
     * as unknown never releases the others: each is answered by its own backups (a batch waits for all of them).
     */
    private boolean settle(Waiter w) {
        boolean expired = clock.getAsLong() - w.since() > MAX_WAIT_NANOS;
        Set<Integer> unknown = null;
        List<String> why = null;
        for (Need n : w.needs()) {
            Primary pr = primaries[n.partition()];
            if (pr == null || pr.term != n.term()) {
                if (pr == null && handedOver[n.partition()]) {
                    continue; // handed over by a migration: its target holds it
                }
                unknown = unknown == null ? new HashSet<>() : unknown;
                if (unknown.add(n.partition())) {
                    int p = n.partition();
                    PartitionTrace.log(p, () -> "a request of term " + n.term() + " ends unknown: "
                            + (pr == null ? "no longer primary" : "now term " + pr.term));
                }
                continue;
            }
            Follower f = pr.followers.get(n.follower().node);
            boolean needed = f == n.follower() && f.required();
            if (needed && (f.confirmed < n.version() || f.grantedAt - n.leaseSince() <= 0)) {
                if (!expired) {
                    return false;
                }
                unknown = unknown == null ? new HashSet<>() : unknown;
                unknown.add(n.partition());
                why = why == null ? new ArrayList<>() : why;
                why.add(f.node + " on partition " + n.partition() + " (" + f.state + ", in sync " + f.inSync
                        + ", adding " + f.adding + ", holds " + f.confirmed + " of " + n.version() + ")");
            }
        }
        if (why != null) {
            List<String> slow = why;
            LOG.warning(() -> self + " shard " + shard + ": a request waited " + MAX_WAIT_NANOS / 1_000_000_000
                    + " s for " + String.join(", ", slow) + ": its outcome is unknown");
        }
        if (unknown != null) {
            unknown.forEach(w.unknown()::accept);
        }
        w.done().run();
        return true;
    }

    /** The shard stops: every request still waiting ends with an unknown outcome (it must not hang). */
    @Override
    public void close() {
        List<Waiter> all = new ArrayList<>(waiters);
        waiters.clear();
        for (Waiter w : all) {
            w.needs().stream().mapToInt(Need::partition).distinct().forEach(w.unknown());
            w.done().run();
        }
        List<Hold> moves = new ArrayList<>(holds);
        holds.clear();
        moves.forEach(h -> h.failed().run());
    }

    /**
     * Runs {@code done} once the backup {@code node}, in the partition's in-sync set, holds every change of it this
     * shard made so far; {@code failed} instead when it is not such a backup here, stops being one, this shard's
     * primacy of the partition ends, or after {@link #MAX_WAIT_NANOS}. For a partition's move to that backup: the
     * source fenced it, and may hand it over once the backup has everything.
     */
    @Override
    public void whenHeldBy(int partition, String node, Runnable done, Runnable failed) {
        Primary pr = primaries[partition];
        Follower f = pr == null ? null : pr.followers.get(node);
        if (f == null || !f.inSync) {
            failed.run();
            return;
        }
        Hold h = new Hold(partition, pr.term, f, store.sequence(partition), done, failed, clock.getAsLong());
        if (!settle(h)) {
            holds.add(h);
        }
    }

    private boolean settle(Hold h) {
        Primary pr = primaries[h.partition()];
        Follower f = pr == null || pr.term != h.term() ? null : pr.followers.get(h.follower().node);
        if (f != h.follower() || !f.inSync || clock.getAsLong() - h.since() > MAX_WAIT_NANOS) {
            PartitionTrace.log(h.partition(), () -> "a move to " + h.follower().node + " gives up waiting for it to hold "
                    + "sequence " + h.version());
            h.failed().run();
            return true;
        }
        if (f.confirmed >= h.version()) {
            PartitionTrace.log(h.partition(), () -> "backup " + f.node + " holds sequence " + h.version() + ": the move "
                    + "to it may cut over");
            h.done().run();
            return true;
        }
        return false;
    }

    private void checkWaiters() {
        if (!holds.isEmpty()) {
            List<Hold> all = new ArrayList<>(holds);
            holds.clear();
            for (Hold h : all) {
                if (!settle(h)) {
                    holds.add(h);
                }
            }
        }
        if (waiters.isEmpty()) {
            return;
        }
        List<Waiter> all = new ArrayList<>(waiters);
        waiters.clear();
        for (Waiter w : all) {
            if (!settle(w)) {
                waiters.add(w);
            }
        }
    }

    // --- Sending ------------------------------------------------------------------------------------------------

    /** Sends what the turn gathered: the next message of every link that has something and nothing in flight. */
    @Override
    public void flush() {
        long now = clock.getAsLong();
        if (wakeAt != 0 && now - wakeAt >= 0) { // a promoted partition is served from now on
            wakeAt = 0;
            wake.run();
        }
        heartbeat(now);
        if (!unsettled.isEmpty()) {
            for (Iterator<Follower> it = unsettled.iterator(); it.hasNext();) {
                if (advance(it.next(), now)) {
                    it.remove();
                }
            }
        }
        for (Link l : links.values()) {
            if (!l.busy && !l.inBuilding.isEmpty()) {
                send(l);
            }
        }
        if (!asks.isEmpty()) { // one request for all the turn's in-sync changes
            List<InSyncChange> changes = List.copyOf(asks);
            List<Follower> askers = List.copyOf(askedFor);
            asks.clear();
            askedFor.clear();
            transport.changeInSync(changes, (answer, failure) -> inSyncAnswered(changes, askers, answer, failure));
        }
    }

    /** Moves one follower on; returns true when it needs nothing more until an answer or a table arrives. */
    private boolean advance(Follower f, long now) {
        if (!current(f)) {
            return true; // let go of by a table installed since it was queued
        }
        Primary pr = primaries[f.partition];
        int p = f.partition;
        if (f.state == State.FAILED) {
            if ((f.inSync || f.adding) && mayAskRemoval(f, now)) {
                ask(f, pr, false, now); // it may lack acknowledged writes: out first (or fenced, if it may be added)
            }
            if (now - f.retryAt < 0) {
                return false;
            }
            f.state = State.NEW;
        }
        Link l = link(f.node);
        if (f.state == State.NEW) {
            if (f.inSync && f.gapped || !f.inSync && f.adding) {
                // Resetting it now would empty a copy the table counts in sync, or one an add asked before may
                // still list in sync: first out of the set, and every earlier add fenced.
                if (mayAskRemoval(f, now)) {
                    ask(f, pr, false, now);
                }
                return false;
            }
            f.stream = l.stream;
            f.chunkInFlight = false;
            l.inFlight.remove(f); // the answer to a message sent before this start says nothing of it
            if (f.sealFrom >= 0) { // its copy holds a history this one continues: brought to it, then started
                seal(pr, f, l);
                StreamFormat.start(l.building, p, pr.term, pr.termStart, store.sequence(p));
                f.state = State.PROBING;
            } else if (f.inSync) { // it should continue this primary's history: ask
                long at = store.sequence(p);
                if (at > pr.termStart && store.recent() != null && store.recent().covers(p, pr.termStart, at)) {
                    // This term wrote before the backup was asked (a moved partition serves at once): ask it at the
                    // term's start, then send what the term wrote since, from recent history.
                    StreamFormat.start(l.building, p, pr.term, pr.termStart, pr.termStart);
                    store.recent().forEach(p, pr.termStart, at,
                            (key, value, version) -> change(l.building, p, pr.term, key, value, version));
                } else {
                    StreamFormat.start(l.building, p, pr.term, pr.termStart, at);
                }
                f.state = State.PROBING;
            } else if (!f.resumeTried && store.recent() != null) {
                // Its copy may hold a history this one continues (a backup restarted on its data, or one whose stream
                // broke): asked where it stands before anything is copied.
                f.resumeTried = true;
                StreamFormat.resume(l.building, p, pr.term, store.sequence(p));
                f.state = State.PROBING;
            } else {
                PartitionTrace.log(p, () -> "resets " + f.node + " at term " + pr.term + ", sequence " + store.sequence(p));
                StreamFormat.reset(l.building, p, pr.term, store.sequence(p));
                copies.reset();
                f.gapped = false;
                f.sealTried = false;
                f.resumeTried = false; // a copy that breaks later is asked to resume again
                f.cursor = null;
                f.copied = false;
                f.copiedKeys = 0;
                f.confirmed = -1;
                f.state = State.COPYING;
            }
            appended(l, f);
        }
        if (f.state == State.COPYING) {
            if (!f.copied && !f.chunkInFlight && !f.chunkInBuilding && l.copyChunks < COPY_CHUNKS_PER_MESSAGE
                    && copies.throttle().mayCopy()) { // throttled: the next flush (a turn or a tick) tries again
                copyChunk(pr, f, l);
            }
            return false; // moved on by the answers
        }
        if (f.state == State.STREAMING && f.copyToMark) { // the backup holds this history complete from here on
            f.copyToMark = false;
            l.inFlight.remove(f); // only the answer that carries this START confirms it
            StreamFormat.start(l.building, p, pr.term, pr.termStart, store.sequence(p));
            f.state = State.PROBING;
            appended(l, f);
            return false;
        }
        if (f.state == State.STREAMING && !f.inSync) {
            // Asked only while it holds everything this shard applied: from this turn on, every write waits for it.
            // Asked again while no table shows it (a coordinator that took office since knows nothing of the ask).
            if (f.confirmed == store.sequence(p) && f.addsOut == 0 && now - f.askedAt >= ASK_AGAIN_NANOS) {
                PartitionTrace.log(p, () -> "asks to add " + f.node + " to the in-sync set at term " + pr.term
                        + ", sequence " + f.confirmed);
                ask(f, pr, true, now);
            }
            return false;
        }
        return f.state == State.STREAMING || f.state == State.PROBING;
    }

    /**
     * Whether a removal of {@code f} may be asked (again) now: none is out, none answered waits for its table (each
     * removal publishes a table), and the last ask is {@link #ASK_AGAIN_NANOS} old.
     */
    private boolean mayAskRemoval(Follower f, long now) {
        boolean tableDue = f.fencedAt != 0 && (roles == null ? 0 : roles.epoch()) < f.fencedAt;
        return !f.removalOut && !tableDue && now - f.askedAt >= ASK_AGAIN_NANOS;
    }

    /** Gathers an in-sync change for this turn's request; an add counts the backup in sync from now on. */
    private void ask(Follower f, Primary pr, boolean add, long now) {
        f.askedAt = now;
        if (add) {
            f.addsOut++;
            f.adding = true;
        } else {
            f.removalOut = true;
        }
        asks.add(new InSyncChange(f.partition, pr.term, f.node, add, roles == null ? 0 : roles.epoch()));
        askedFor.add(f);
    }

    /** The coordinator answered (or did not): what each follower's adds may still do. */
    private void inSyncAnswered(List<InSyncChange> changes, List<Follower> askers, InSyncAnswer answer, Throwable failure) {
        for (int i = 0; i < changes.size(); i++) {
            InSyncChange c = changes.get(i);
            Follower f = askers.get(i);
            int outcome = failure != null || i >= answer.outcomes().size() ? -1 : answer.outcomes().get(i);
            if (c.inSync()) {
                f.addsOut--;
                if (outcome < 0) {
                    f.addUnknown = true;
                } else if (outcome != TableKeeper.IN_SYNC_REFUSED) {
                    f.addGrantedAt = Math.max(f.addGrantedAt, answer.epoch());
                }
            } else {
                f.removalOut = false;
                if (outcome >= 0) { // even refused: the primary's table is behind, and the one of that epoch settles it
                    f.fencedAt = Math.max(f.fencedAt, answer.epoch());
                }
            }
            settleAdding(f);
            if (failure != null) {
                PartitionTrace.log(c.partition(), () -> "in-sync change for " + c.backup() + " (" + (c.inSync() ? "add"
                        : "remove") + ") not answered: " + failure.getMessage());
            }
            if (current(f)) { // a follower its partition's primary state let go of needs nothing more
                unsettled.add(f);
            }
        }
        checkWaiters();
        flush();
    }

    /**
     * Whether an add asked for {@code f} may still take effect, given the installed table: one is unanswered, or
     * was accepted at an epoch the table has not reached, or went unanswered and no removal answered since has had its
     * table installed. Until then the follower is required, and not copied afresh.
     */
    private void settleAdding(Follower f) {
        long epoch = roles == null ? 0 : roles.epoch();
        if (f.fencedAt != 0 && epoch >= f.fencedAt && f.addsOut == 0) {
            f.addUnknown = false; // every add asked before that removal is refused from then on
            f.fencedAt = 0;
        }
        boolean was = f.adding;
        f.adding = !f.inSync && (f.addsOut > 0 || f.addUnknown || f.addGrantedAt > epoch);
        if (was && !f.adding && !f.inSync) {
            PartitionTrace.log(f.partition, () -> "no add of " + f.node + " can take effect now (table epoch " + epoch
                    + ")");
        }
    }

    /**
     * Renews the leases: every quarter of a lease, each in-sync backup (or one being added) whose grant is a
     * quarter of a lease old gets a LEASE section of its partition in the next message, so reads of a partition
     * that nobody writes go on being served, however busy the stream is with other partitions.
     */
    private void heartbeat(long now) {
        if (now - lastHeartbeat < LeaseGrants.LEASE_NANOS / 8) {
            return;
        }
        long since = now - lastHeartbeat;
        lastHeartbeat = now;
        long old = now - LeaseGrants.LEASE_NANOS / 4;
        int copying = 0;
        long keysLeft = 0;
        for (Primary pr : primaries) {
            if (pr == null) {
                continue;
            }
            for (Follower f : pr.followers.values()) {
                if (f.state == State.COPYING) {
                    copying++;
                    keysLeft += f.copied ? 0 : Math.max(0, store.partitionSize(f.partition) - f.copiedKeys);
                }
                if (!f.inSync && now - f.outSince >= SLOW_CATCH_UP_NANOS && now - f.warnedAt >= SLOW_CATCH_UP_NANOS) {
                    f.warnedAt = now;
                    LOG.warning(self + " shard " + shard + ": backup " + f.node + " of partition " + f.partition
                            + " has been out of the in-sync set for " + (now - f.outSince) / 1_000_000_000L + " s ("
                            + describe(f.partition) + ")");
                }
                if (f.required() && receiving(f) && !f.inBuilding && f.grantedAt - old <= 0) {
                    Link l = link(f.node);
                    StreamFormat.lease(l.building, f.partition, pr.term);
                    appended(l, f);
                }
            }
        }
        copies.report(shard, copying, keysLeft, since);
    }

    private void copyChunk(Primary pr, Follower f, Link l) {
        WireWriter chunk = new WireWriter(64 << 10);
        SkipList.Cursor c = store.partitionCursor(f.partition, f.cursor);
        if (c.valid() && f.cursor != null && Arrays.equals(c.key(), f.cursor)) {
            c.next();
        }
        long bytes = 0;
        int n = 0;
        for (; n < COPY_ENTRIES && bytes < COPY_BYTES && c.valid(); n++, c.next()) {
            f.cursor = c.key();
            Changes.put(chunk, c.key(), c.value(), c.version());
            bytes += Changes.putBytes(c.key(), c.value());
        }
        f.copied = !c.valid();
        f.copiedKeys += n;
        copies.copied(n, bytes);
        copies.throttle().spent(bytes);
        StreamFormat.copy(l.building, f.partition, pr.term);
        l.building.u32(chunk.size()).raw(chunk.array(), 0, chunk.size());
        l.copyChunks++;
        f.chunkInBuilding = true;
        appended(l, f);
    }

    private void send(Link l) {
        WireWriter body = new WireWriter(l.building.size() + 64);
        StreamFormat.header(body, self, shard, l.stream, l.seq, roles == null ? 0 : roles.epoch());
        body.raw(l.building.array(), 0, l.building.size());
        long now = clock.getAsLong();
        for (Follower f : l.inBuilding) {
            f.inBuilding = false;
            f.pendingSentAt = now;
            f.sentVersion = store.sequence(f.partition);
            f.chunkInFlight = f.chunkInBuilding;
            f.lastChunkInFlight = f.chunkInBuilding && f.copied;
            f.chunkInBuilding = false;
        }
        List<Follower> sent = l.inBuilding;
        l.inBuilding = l.inFlight;
        l.inBuilding.clear();
        l.inFlight = sent;
        l.busy = true;
        l.seq++;
        l.building.reset();
        l.copyChunks = 0;
        transmit(l, l.stream, body.toByteArray(), 0);
    }

    /**
     * Sends one message, and sends it again (after {@link #RETRY_NANOS}) when it timed out, up to
     * {@link #RESENDS} times: a backup skips what it holds already. Other failures, or one more timeout, end the
     * stream.
     */
    private void transmit(Link l, long stream, byte[] body, int resent) {
        transport.send(l.node, body, (refusals, failure) -> {
            if (failure != null && l.stream == stream && resent < RESENDS && transport.transient_(failure)) {
                transport.later(RETRY_NANOS / 1_000_000, () -> {
                    if (l.stream == stream) {
                        transmit(l, stream, body, resent + 1);
                    }
                });
                return;
            }
            answered(l, stream, refusals, failure);
        });
    }

    /** How often a message that timed out is sent again before its stream is given up. */
    static final int RESENDS = 2;

    private void answered(Link l, long stream, List<Refusal> refusals, Throwable failure) {
        l.busy = false;
        List<Follower> sent = l.inFlight;
        l.inFlight = new ArrayList<>();
        if (l.stream == stream) {
            if (failure != null) {
                breakLink(l);
            } else {
                Map<Integer, Refusal> refused = new HashMap<>();
                for (Refusal r : refusals) {
                    refused.put(r.partition(), r);
                }
                for (Follower f : sent) {
                    if (current(f) && f.stream == stream && receiving(f)) {
                        acknowledged(f, refused.get(f.partition));
                    }
                }
            }
        }
        checkWaiters();
        flush();
    }

    /** The answer to the message in flight for {@code f}: taken, or {@code refusal}. */
    private void acknowledged(Follower f, Refusal refusal) {
        long from = refusal == null || f.state != State.PROBING || f.sealTried ? -1 : catchUpFrom(f, refusal);
        if (from >= 0) {
            PartitionTrace.log(f.partition, () -> "backup " + f.node + " holds sequence " + refusal.seq() + " of term "
                    + refusal.term() + ": sealing it from " + from);
            f.sealTried = true;
            f.sealFrom = from;
            f.sealTerm = refusal.term();
            f.state = State.NEW;
            unsettled.add(f);
            return;
        }
        if (refusal != null && !f.inSync && !f.adding && f.state == State.PROBING) {
            PartitionTrace.log(f.partition, () -> "backup " + f.node + " holds sequence " + refusal.seq() + " of term "
                    + refusal.term() + ": no history to continue, reset");
            f.state = State.NEW; // asked to resume, or sealed: its copy is reset now
            unsettled.add(f);
            return;
        }
        if (refusal != null) {
            PartitionTrace.log(f.partition, () -> "backup " + f.node + " refused the stream (" + f.state + ", in sync "
                    + f.inSync + ")");
            f.confirmed = -1; // its copy does not continue this history
            f.gapped = true;
            fail(f);
            return;
        }
        if (f.pendingSentAt - f.grantedAt > 0) {
            f.grantedAt = f.pendingSentAt;
        }
        switch (f.state) {
            case PROBING -> {
                if (f.sealTried || f.resumeTried) {
                    copies.caughtUp();
                }
                f.state = State.STREAMING;
                f.confirmed = f.sentVersion;
                f.gapped = false;
                f.sealTried = false; // a later break may be caught up again
                f.resumeTried = false;
            }
            case COPYING -> {
                if (f.chunkInFlight) {
                    f.chunkInFlight = false;
                    if (f.lastChunkInFlight) {
                        f.state = State.STREAMING;
                        f.confirmed = f.sentVersion;
                        f.copyToMark = true;
                    }
                }
            }
            case STREAMING -> f.confirmed = Math.max(f.confirmed, f.sentVersion);
            default -> { }
        }
        unsettled.add(f);
    }

    /**
     * Where a backup whose copy refused a START or RESUME, holding {@code r.term()}'s history up to {@code r.seq()}, can
     * be sealed from, or -1 when it cannot (it is reset): a copy of this term's history is behind this primary and
     * gets what it lacks; a copy of the history this primary's copy followed before its term shares it up to where
     * this term began (beyond, it holds the old primary's writes this one never had, which it takes back first). Either
     * way this shard must still keep every change since.
     */
    private long catchUpFrom(Follower f, Refusal r) {
        return r.outcome() == StreamFormat.GAP ? continuation(f.partition, r.term(), r.seq(), true) : -1;
    }

    @Override
    public long continues(int partition, long heldTerm, long sequence) {
        Primary pr = primaries[partition];
        return pr != null && continuation(partition, heldTerm, sequence, false) == sequence ? pr.term : -1;
    }

    /**
     * Where a copy holding {@code term}'s history up to {@code seq} shares this primary's history up to, when it does
     * and this shard keeps every change since; else -1. With {@code mayTakeBack}, a copy of the previous history
     * beyond where this term began shares it up to there (it takes back the rest); without, it does not.
     */
    private long continuation(int p, long term, long seq, boolean mayTakeBack) {
        Primary pr = primaries[p];
        RecentChanges recent = store.recent();
        long through = store.sequence(p);
        long from = -1;
        if (pr == null || seq < 0 || term < 0 || recent == null) {
            return -1;
        } else if (term == pr.term && seq <= through) {
            from = seq;
        } else if (term == pr.prevTerm && (mayTakeBack || seq <= pr.termStart)) {
            from = Math.min(seq, pr.termStart);
        }
        return from >= 0 && recent.covers(p, from, through) ? from : -1;
    }

    /**
     * Puts a SEAL in the message being built: the changes after {@code f.sealFrom} up to this shard's sequence, which
     * bring the backup to this primary's history (the START that follows confirms it). Nothing when they are no longer
     * kept: the START alone then fails again, and the backup is reset.
     */
    private void seal(Primary pr, Follower f, Link l) {
        int p = f.partition;
        long from = f.sealFrom;
        long term = f.sealTerm;
        f.sealFrom = -1;
        long through = store.sequence(p);
        if (store.recent().covers(p, from, through)) {
            WireWriter changes = new WireWriter(4096);
            int n = store.recent().write(p, from, through, changes);
            StreamFormat.seal(l.building, p, pr.term, term, from, changes.array(), changes.size());
            PartitionTrace.log(p, () -> "seals " + f.node + " at term " + pr.term + ": " + n + " changes after sequence "
                    + from + " of term " + term);
        }
    }

    /** Whether the follower is still the one its partition's primary state holds. */
    private boolean current(Follower f) {
        Primary pr = primaries[f.partition];
        return pr != null && pr.followers.get(f.node) == f;
    }

    /** The stream to {@code l.node} failed: a new stream, and every follower there starts over. */
    private void breakLink(Link l) {
        l.stream = ThreadLocalRandom.current().nextLong();
        l.building.reset();
        l.copyChunks = 0;
        for (Follower f : l.inBuilding) {
            f.inBuilding = false;
            f.chunkInBuilding = false;
        }
        l.inBuilding.clear();
        for (Primary pr : primaries) {
            Follower f = pr == null ? null : pr.followers.get(l.node);
            if (f != null) {
                fail(f);
            }
        }
    }

    /** The follower stopped receiving: it is tried again later; out of the in-sync set first if it is in it. */
    private void fail(Follower f) {
        PartitionTrace.log(f.partition, () -> "stream to " + f.node + " failed (" + f.state + ", in sync " + f.inSync + ")");
        f.state = State.FAILED; // still counted in sync while an add may take effect: see advance
        f.resumeTried = false; // unanswered: asked again when it is retried
        f.chunkInFlight = false;
        f.askedAt = 0;
        f.retryAt = clock.getAsLong() + RETRY_NANOS;
        unsettled.add(f);
    }

    /** Where each backup of the partition stands, for diagnosis and tests. */
    String describe(int partition) {
        Primary pr = primaries[partition];
        if (pr == null) {
            return "not primary";
        }
        StringBuilder out = new StringBuilder("term " + pr.term + ", sequence " + store.sequence(partition));
        for (Follower f : pr.followers.values()) {
            out.append("; ").append(f.node).append(' ').append(f.state).append(f.inSync ? " in sync" : "")
                    .append(f.adding ? " adding" : "").append(f.gapped ? " gapped" : "").append(" holds ")
                    .append(f.confirmed).append(unsettled.contains(f) ? " unsettled" : "")
                    .append(f.state == State.COPYING ? " copied " + f.copiedKeys + (f.copied ? " (all)" : "") : "")
                    .append(f.chunkInFlight ? " chunk in flight" : "").append(f.inBuilding ? " in building" : "")
                    .append(links.containsKey(f.node) && links.get(f.node).busy ? ", link busy" : "");
        }
        return out.toString();
    }

    private Link link(String node) {
        return links.computeIfAbsent(node, Link::new);
    }

    /** The partitions this shard is primary of whose in-sync set holds fewer than {@code r} members. */
    public int underReplicated(int r) {
        int n = 0;
        for (Primary pr : primaries) {
            if (pr != null && pr.inSyncCopies() < r) {
                n++;
            }
        }
        return n;
    }
}
