package io.amdb.node.storage;

import io.amdb.protocol.WireWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * One shard's data, kept as one {@link SkipList} per partition so that a partition can be
 * streamed in key order and dropped in O(1), while {@link #scan} still sees the shard as one
 * sorted map.
 *
 * <p><b>Thread safety.</b> None, like the skip list: the shard's event loop is the only thread
 * that touches the store. <b>Ownership</b> of key and value arrays is as in {@link SkipList}:
 * stored as given, never copied, never to be modified afterwards.
 *
 * <p><b>Invariants.</b> {@code lists[p]} is null until partition {@code p} is first written
 * (and again after it is dropped); {@code size} and {@code memoryBytes} are the sums of
 * {@link SkipList#size()} and {@link SkipList#memoryBytes()} over the non-null lists, kept in
 * step on every change so that reading them is O(1).
 *
 * <p><b>Versions.</b> Each partition numbers its writes: a client put or delete takes the next number of
 * the partition's sequence ({@link #sequence(int)}), and the entry keeps it as its version. A write that
 * arrives with its version (a migration, a log replay) raises the sequence to at least that version, so a
 * partition's numbers keep growing wherever it moves. Every change is reported to the {@link Journal}.
 *
 * <p>Partitions are independent maps: the same key may live in two partitions (normally the
 * caller derives the partition from the key, so it does not). A scan then delivers both entries,
 * in ascending partition order.
 */
public final class ShardStore {
    // Spreads partition seeds apart. SplitMix64 streams that share its increment are one sequence
    // read from different offsets; a multiplier unrelated to that increment puts the partitions'
    // offsets far apart, where a multiple of the increment would make them neighbours.
    private static final long SEED_SPREAD = 0xC2B2AE3D27D4EB4FL;

    private final SkipList[] lists;
    private final long[] sequences;
    private final long seed;
    private Journal journal = Journal.NONE;
    private long size;
    private long memoryBytes;
    private volatile WriteObserver observer;
    private Handoff[] handoffs; // null until a partition of this shard first migrates away
    private long[] followed; // null until this shard first keeps a backup: see followedTerm
    private long[] held; // null until then too: see heldTerm
    private java.util.function.IntPredicate gate = p -> true;
    private SkipList.Appender[] appenders; // only while a snapshot loads
    private RecentChanges recent; // null until kept: see keepRecent

    /**
     * Creates an empty store for partition ids {@code [0, partitions)}. The lists' random heights
     * derive from {@code seed} (a distinct, deterministic seed per partition).
     */
    public ShardStore(int partitions, long seed) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions must be positive, got " + partitions);
        }
        this.lists = new SkipList[partitions];
        this.sequences = new long[partitions];
        this.seed = seed;
    }

    /** Sets the journal every later change is reported to ({@link Journal#NONE}: none). Event loop only. */
    public void setJournal(Journal journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    /**
     * Keeps each partition's latest history in {@code recent} from now on: client writes and {@link #applyChange
     * changes taken from a primary's stream}. Event loop only.
     */
    public void keepRecent(RecentChanges recent) {
        this.recent = Objects.requireNonNull(recent, "recent");
    }

    /** The partitions' latest history, or null when none is kept. */
    public RecentChanges recent() {
        return recent;
    }

    /** False while client writes must be refused before they are applied (see {@link Journal#acceptsWrites()}). */
    public boolean acceptsWrites() {
        return journal.acceptsWrites();
    }

    /** False while client writes on the partition must be refused for want of in-sync copies (see {@link Journal}). */
    public boolean enoughCopies(int partition) {
        return journal.enoughCopies(checkPartition(partition));
    }

    /** The partition's sequence number: the version of its latest write (0 before any). */
    public long sequence(int partition) {
        return sequences[checkPartition(partition)];
    }

    /** Raises the partition's sequence number to at least {@code version} (recovery restores it this way). */
    public void raiseSequence(int partition, long version) {
        if (version > sequences[checkPartition(partition)]) {
            sequences[partition] = version;
        }
    }

    /** The observer client writes report to (see {@link WriteObserver}), or null for none. */
    public WriteObserver observer() {
        return observer;
    }

    /** Sets or (with null) clears the write observer; safe from any thread. */
    public void setObserver(WriteObserver observer) {
        this.observer = observer;
    }

    /** Returns the number of partition ids, which are {@code [0, partitions())}. */
    public int partitions() {
        return lists.length;
    }

    /** Returns the value stored under {@code key} in the partition, or null if there is none. */
    public byte[] get(int partition, byte[] key) {
        Objects.requireNonNull(key, "key");
        SkipList list = lists[checkPartition(partition)];
        return list == null ? null : list.get(key);
    }

    /** Returns the version of the key's value in the partition (see the class note), or 0 if it has none. */
    public long version(int partition, byte[] key) {
        Objects.requireNonNull(key, "key");
        SkipList list = lists[checkPartition(partition)];
        return list == null ? 0 : list.version(key);
    }

    /**
     * A client write: maps {@code key} to {@code value} in the partition at the partition's next sequence
     * number; returns the previous value or null.
     */
    public byte[] put(int partition, byte[] key, byte[] value) {
        checkPartition(partition);
        return applyChange(partition, key, value, sequences[partition] + 1);
    }

    /**
     * A change of the partition's history (a client write, or one taken from its primary's stream): as {@link #apply},
     * or {@link #applyDelete} for a null {@code value}, and kept in the {@link #recent() recent history}.
     */
    public byte[] applyChange(int partition, byte[] key, byte[] value, long version) {
        byte[] previous = value == null ? applyDelete(partition, key, version) : apply(partition, key, value, version);
        if (recent != null) {
            recent.record(partition, version, key, value, previous, previous == null ? 0 : lists[partition].replacedVersion());
        }
        return previous;
    }

    /**
     * Whether {@link #truncate} can take the partition back to {@code sequence}: it is below the partition's sequence,
     * and the recent history keeps every change since, each with what it replaced.
     */
    public boolean canTruncate(int partition, long sequence) {
        return recent != null && sequence < sequences[checkPartition(partition)]
                && recent.covers(partition, sequence, sequences[partition]);
    }

    /**
     * Takes the partition back to {@code sequence}: undoes its changes since, newest first (each key gets back the
     * value and version it had, or goes), and sets its sequence to exactly {@code sequence}. For a backup whose copy
     * holds writes of an old primary beyond the history its new primary continues. The log is told each restored
     * entry as a write (a delete at {@code sequence} for a key that had none). Requires {@link #canTruncate}.
     */
    public void truncate(int partition, long sequence) {
        if (!canTruncate(partition, sequence)) {
            throw new IllegalStateException("partition " + partition + " cannot be taken back to " + sequence);
        }
        forgetHistory(partition); // until the copy follows its new history: a crash in between leaves no claim to one
        recent.undo(partition, sequence, sequences[partition], (key, previous, previousVersion) -> {
            if (previous == null) {
                applyDelete(partition, key, sequence);
            } else {
                apply(partition, key, previous, previousVersion);
            }
        });
        sequences[partition] = sequence;
    }

    /**
     * A write that carries its version (received in a migration, or replayed): maps {@code key} to
     * {@code value} at {@code version} and raises the sequence to it; returns the previous value or null.
     */
    public byte[] apply(int partition, byte[] key, byte[] value, long version) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        SkipList list = lists[checkPartition(partition)];
        if (list == null) {
            list = new SkipList(seed + SEED_SPREAD * (partition + 1L));
            lists[partition] = list;
        }
        raiseSequence(partition, version);
        int sizeBefore = list.size();
        long bytesBefore = list.memoryBytes();
        byte[] previous = list.put(key, value, version);
        account(list, sizeBefore, bytesBefore);
        if (handoffs != null && handoffs[partition] != null) {
            handoffs[partition].record(key, value, version);
        }
        journal.put(partition, version, key, value);
        return previous;
    }

    /**
     * Loads an entry of a snapshot: as {@link #apply}, but entries of a partition must come in ascending key
     * order, which lets the list link them at its end with no search. Not reported to the journal (the
     * snapshot is what the log is replayed over). Call {@link #endLoad()} when the snapshot is loaded.
     */
    public void load(int partition, byte[] key, byte[] value, long version) {
        Objects.requireNonNull(key, "key");
        SkipList list = lists[checkPartition(partition)];
        if (list == null) {
            list = new SkipList(seed + SEED_SPREAD * (partition + 1L));
            lists[partition] = list;
        }
        if (appenders == null) {
            appenders = new SkipList.Appender[lists.length];
        }
        if (appenders[partition] == null) {
            appenders[partition] = list.appender();
        }
        raiseSequence(partition, version);
        int sizeBefore = list.size();
        long bytesBefore = list.memoryBytes();
        appenders[partition].append(key, value, version);
        account(list, sizeBefore, bytesBefore);
    }

    /** Ends a snapshot load: the appenders go (any other change would make them stale). */
    public void endLoad() {
        appenders = null;
    }

    /**
     * A client delete: removes {@code key} from the partition at the partition's next sequence number;
     * returns its value, or null if it was absent (then nothing changes and no sequence number is taken).
     */
    public byte[] remove(int partition, byte[] key) {
        Objects.requireNonNull(key, "key");
        SkipList list = lists[checkPartition(partition)];
        if (list == null || list.get(key) == null) {
            return null;
        }
        return applyChange(partition, key, null, sequences[partition] + 1);
    }

    /**
     * A delete that carries its version (see {@link #apply}): removes {@code key} if present, raises the
     * sequence to {@code version} and reports the delete; returns the removed value or null.
     */
    public byte[] applyDelete(int partition, byte[] key, long version) {
        Objects.requireNonNull(key, "key");
        SkipList list = lists[checkPartition(partition)];
        raiseSequence(partition, version);
        byte[] previous = null;
        if (list != null) {
            int sizeBefore = list.size();
            long bytesBefore = list.memoryBytes();
            previous = list.remove(key);
            account(list, sizeBefore, bytesBefore);
        }
        if (handoffs != null && handoffs[partition] != null) {
            handoffs[partition].record(key, null, version);
        }
        journal.delete(partition, version, key);
        return previous;
    }

    /** Returns the number of entries over all partitions. */
    public long size() {
        return size;
    }

    /** Returns the estimated heap bytes of all entries (see {@link SkipList#memoryBytes()}). */
    public long memoryBytes() {
        return memoryBytes;
    }

    /** Returns the number of entries in the partition. */
    public int partitionSize(int partition) {
        SkipList list = lists[checkPartition(partition)];
        return list == null ? 0 : list.size();
    }

    /**
     * Returns a cursor on the partition's first entry with key &ge; {@code fromKey} (null or
     * empty: its first entry); invalid at once if there is none, or if the partition is empty.
     * Like every cursor, it is valid only until the store is next modified.
     */
    public SkipList.Cursor partitionCursor(int partition, byte[] fromKey) {
        SkipList list = lists[checkPartition(partition)];
        return list == null ? SkipList.emptyCursor() : list.seek(fromKey);
    }

    /**
     * True when the partition's migration away fenced it (or handed it off): every write applied here before went to
     * the target in the migration's last chunk.
     */
    public boolean handedOver(int partition) {
        Handoff h = handoffs == null ? null : handoffs[checkPartition(partition)];
        return h != null && (h.fenced() || h.isGone());
    }

    /** The partition's outgoing migration, or null when it is not migrating away. */
    public Handoff handoff(int partition) {
        return handoffs == null ? null : handoffs[checkPartition(partition)];
    }

    /** True when the partition is fenced for its migration's cutover (its requests wait for the new owner). */
    public boolean inCutover(int partition) {
        return handoffs != null && handoffs[checkPartition(partition)] != null && handoffs[partition].fenced();
    }

    /**
     * True when the partition's requests must not be served here: it is fenced for its cutover, or the gate
     * ({@link #setGate}) says this shard does not serve it now.
     */
    public boolean isFenced(int partition) {
        return handoffs != null && handoffs[partition] != null && handoffs[partition].fenced() || !gate.test(partition);
    }

    /**
     * Sets which partitions this shard serves client requests for (the replication layer: those it is primary of in
     * the node's current table). Event loop only; the default serves every partition.
     */
    public void setGate(java.util.function.IntPredicate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /**
     * The term of the primary whose stream this shard's copy of the partition follows (a backup), or of its own
     * primacy; -1 when it follows none (never streamed, dropped, or recovered without a history it holds).
     */
    public long followedTerm(int partition) {
        return followed == null ? -1 : followed[checkPartition(partition)];
    }

    /**
     * The term whose primary's history this copy holds, complete, up to its sequence; -1 when none: a copy being
     * received (a RESET and its COPY chunks), dropped, or being taken back. Unlike {@link #followedTerm}, which a
     * RESET sets at once, this is set only by {@link #holdHistory}, kept in the log, and restored by recovery.
     */
    public long heldTerm(int partition) {
        return held == null ? -1 : held[checkPartition(partition)];
    }

    /** Records that the partition's copy follows the stream of {@code term} from here on. */
    public void follow(int partition, long term) {
        if (followed == null) {
            followed = new long[lists.length];
            held = new long[lists.length];
            Arrays.fill(followed, -1);
            Arrays.fill(held, -1);
        }
        followed[checkPartition(partition)] = term;
    }

    /**
     * Records that the copy holds the history of the term it follows, complete, up to its sequence (a START or SEAL
     * taken, a copy finished, or primacy taken up); the log keeps it when it changes.
     */
    public void holdHistory(int partition) {
        long term = followedTerm(partition);
        if (term >= 0 && held[partition] != term) {
            held[partition] = term;
            journal.follow(partition, term);
        }
    }

    /** Recovery: the log says the copy holds {@code term}'s history; it follows that term again. */
    public void recoverHistory(int partition, long term) {
        follow(partition, term);
        held[partition] = term;
    }

    /**
     * The copy no longer holds a history a primary may continue: it is about to change by more than the changes of the
     * history it holds (taken back, or sealed onto another term's), and a crash before {@link #holdHistory} must not
     * leave it claiming one.
     */
    public void forgetHistory(int partition) {
        if (held != null && held[partition] >= 0) {
            held[partition] = -1;
            journal.follow(partition, -1);
        }
    }

    /**
     * A backup's RESET: drops every entry of the partition and sets its sequence number to exactly {@code sequence}
     * (even below the one it had: what this copy held beyond it is another primary's unacknowledged history).
     */
    public void resetPartition(int partition, long sequence) {
        dropPartition(partition);
        sequences[partition] = sequence;
    }

    /**
     * Ships the next chunk of the partition's migration into {@code out}: the changes logged since the last
     * chunk, then entries after the last one copied, up to {@code maxEntries} or until about {@code maxBytes}.
     * Starts the migration's log on the first call. Returns how many operations it wrote; the copy is
     * complete once {@link Handoff#copiedAll()}.
     */
    public int copyChunk(int partition, int maxEntries, long maxBytes, WireWriter out) {
        if (handoffs == null) {
            handoffs = new Handoff[lists.length];
        }
        Handoff h = handoffs[checkPartition(partition)];
        if (h == null || h.isGone()) {
            h = handoffs[partition] = new Handoff();
        }
        int written = h.drainChanges(out);
        if (h.copiedAll()) {
            return written;
        }
        SkipList.Cursor c = partitionCursor(partition, h.copiedThrough());
        if (c.valid() && h.copiedThrough() != null && Arrays.equals(c.key(), h.copiedThrough())) {
            c.next(); // resume strictly after the last key shipped
        }
        byte[] last = null;
        long bytes = 0;
        for (int n = 0; n < maxEntries && bytes < maxBytes && c.valid(); n++, c.next()) {
            last = c.key();
            Changes.put(out, last, c.value(), c.version());
            bytes += Changes.putBytes(last, c.value());
            written++;
        }
        h.advance(last, !c.valid());
        return written;
    }

    /**
     * Fences the partition (its requests are refused from now on) and drains the changes logged since the
     * last chunk into {@code out}: after this the target can be complete. Requires a migration in progress
     * whose copy reached the end.
     */
    public int fence(int partition, WireWriter out) {
        Handoff h = handoff(partition);
        if (h == null || h.isGone() || !h.copiedAll()) {
            throw new IllegalStateException("partition " + partition + " has no finished copy to fence");
        }
        h.fence();
        return h.drainChanges(out);
    }

    /**
     * Starts a migration of the partition to a target whose copy holds its history up to {@code from}: writes the
     * changes since, from the recent history, into {@code out}, and returns how many. Nothing else is copied: the
     * changes made from now on are logged for the next chunks, as for a copy that reached the end. Requires the recent
     * history to cover {@code (from, sequence]}.
     */
    public int resumeHandoff(int partition, long from, WireWriter out) {
        if (recent == null || !recent.covers(checkPartition(partition), from, sequences[partition])) {
            throw new IllegalStateException("partition " + partition + " keeps no history since " + from);
        }
        if (handoffs == null) {
            handoffs = new Handoff[lists.length];
        }
        Handoff h = new Handoff();
        h.advance(null, true);
        handoffs[partition] = h;
        return recent.write(partition, from, sequences[partition], out);
    }

    /**
     * Fences the partition for a move to one of its in-sync backups, which holds it already (its requests are refused
     * from now on): nothing is copied; the move cuts over once that backup's stream confirms every change.
     */
    public void fenceForTransfer(int partition) {
        if (handoffs == null) {
            handoffs = new Handoff[lists.length];
        }
        Handoff h = new Handoff();
        h.advance(null, true);
        h.fence();
        handoffs[checkPartition(partition)] = h;
    }

    /**
     * Ends the partition's migration: unfenced and serving again (aborted), or dropped and marked
     * {@link Handoff#gone()} (handed off), so late requests routed with an older table are refused. Does nothing, and
     * returns false, when the migration already ended here: the partition was {@link #reclaim reclaimed} since (its
     * new primary reset this copy to stream it back as a backup), and dropping now would take what that stream brought.
     */
    public boolean endHandoff(int partition, boolean drop) {
        Handoff h = handoffs == null ? null : handoffs[checkPartition(partition)];
        if (h == null || h.isGone()) {
            return false;
        }
        handoffs[partition] = drop ? Handoff.gone() : null;
        if (drop) {
            dropPartition(partition);
        }
        return true;
    }

    /**
     * The node holds the partition again, as a fresh copy: received from a migration, given empty, or reset by its
     * primary to be streamed as a backup. Clears a {@link Handoff#gone()} marker, and ends a migration of the copy
     * held before (its cutover happened, since another node is primary now): the handoff's own end, which may
     * reach the shard later, then leaves the new copy alone.
     */
    public void reclaim(int partition) {
        if (handoffs != null) {
            handoffs[checkPartition(partition)] = null;
        }
    }

    /**
     * Removes every entry of the partition in O(1): the list is let go, not emptied. The sequence number
     * stays, so versions keep growing if the partition comes back.
     */
    public void dropPartition(int partition) {
        SkipList list = lists[checkPartition(partition)];
        if (list != null) {
            size -= list.size();
            memoryBytes -= list.memoryBytes();
            lists[partition] = null;
        }
        if (recent != null) {
            recent.forget(partition);
        }
        if (followed != null) { // no history left to continue: DROP says so in the log
            followed[partition] = -1;
            held[partition] = -1;
        }
        journal.drop(partition);
    }

    /** True when the partition holds at least one entry. */
    public boolean holds(int partition) {
        SkipList list = lists[checkPartition(partition)];
        return list != null && list.size() > 0;
    }

    /**
     * Delivers to {@code sink}, in ascending key order over all partitions, the entries with
     * {@code start <= key < end}, and returns how many it delivered. Null or empty {@code start}
     * means from the first key; null or empty {@code end} means no upper bound; an {@code end}
     * &le; {@code start} delivers nothing. It stops after {@code limit} entries, or as soon as
     * the key and value bytes delivered reach {@code maxBytes}, so the last entry may cross that
     * budget and at least one entry is delivered if any is in range.
     *
     * @throws IllegalArgumentException if {@code limit} or {@code maxBytes} is not positive
     */
    public int scan(byte[] start, byte[] end, int limit, long maxBytes, EntrySink sink) {
        return scan(start, end, limit, maxBytes, null, sink);
    }

    /** As {@link #scan(byte[], byte[], int, long, EntrySink)}, over the partitions {@code only} marks (null: all). */
    public int scan(byte[] start, byte[] end, int limit, long maxBytes, boolean[] only, EntrySink sink) {
        if (limit <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("limit and maxBytes must be positive, got limit="
                    + limit + " maxBytes=" + maxBytes);
        }
        Objects.requireNonNull(sink, "sink");
        boolean bounded = end != null && end.length > 0;
        if (bounded && start != null && Arrays.compareUnsigned(end, start) <= 0) {
            return 0;
        }
        MergingCursor merge = openMerge(start, only);
        int delivered = 0;
        long bytes = 0;
        while (merge.valid() && (!bounded || Arrays.compareUnsigned(merge.key(), end) < 0)) {
            byte[] key = merge.key();
            byte[] value = merge.value();
            sink.accept(key, value);
            delivered++;
            bytes += (long) key.length + value.length;
            if (delivered == limit || bytes >= maxBytes) {
                break;
            }
            merge.next();
        }
        return delivered;
    }

    /** Seeks every non-empty partition once and merges the cursors. */
    private MergingCursor openMerge(byte[] start, boolean[] only) {
        int nonEmpty = 0;
        for (int partition = 0; partition < lists.length; partition++) {
            nonEmpty += included(partition, only) ? 1 : 0;
        }
        MergingCursor merge = new MergingCursor(nonEmpty);
        for (int partition = 0; partition < lists.length; partition++) {
            SkipList list = lists[partition];
            if (included(partition, only)) {
                merge.add(list.seek(start), partition);
            }
        }
        return merge;
    }

    private boolean included(int partition, boolean[] only) {
        SkipList list = lists[partition];
        return list != null && list.size() > 0 && (only == null || only[partition]);
    }

    /** Adds to the store's totals what one operation changed in {@code list}. */
    private void account(SkipList list, int sizeBefore, long bytesBefore) {
        size += list.size() - sizeBefore;
        memoryBytes += list.memoryBytes() - bytesBefore;
        assert size >= 0 && memoryBytes >= 0 : "store totals went negative";
    }

    private int checkPartition(int partition) {
        if (partition < 0 || partition >= lists.length) {
            throw new IllegalArgumentException(
                    "partition " + partition + " out of range [0, " + lists.length + ")");
        }
        return partition;
    }
}
