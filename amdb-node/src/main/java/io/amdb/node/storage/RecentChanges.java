package io.amdb.node.storage;

import io.amdb.protocol.WireWriter;
import java.util.ArrayDeque;

/**
 * The latest changes of each partition's history on one shard, in version order: the client writes a primary made
 * and the changes a backup took from its primary's stream, not the entries of a copy, a migration or a replay. A
 * backup promoted to primary brings an in-sync backup that is behind it up to its own sequence from here, instead
 * of copying the partition to it anew; a backup ahead of it takes back, from its own, the changes the new primary
 * never had (docs/REPLICATION.md, "Failover"). Each change keeps what it replaced, so it can be undone.
 *
 * <p>Per partition the changes kept are contiguous: a change whose version does not follow the last one kept
 * starts the partition's history afresh. Bounded by {@code maxBytes} (keys, values and a fixed overhead per
 * change): the oldest changes of the shard go first, whatever their partition. Keys and values are the store's own
 * arrays, never copied or modified. Not thread-safe: the shard's event loop only.
 */
public final class RecentChanges {
    /** Bytes counted per change besides its key and value: the objects that hold it. */
    static final int OVERHEAD = 64;

    private static final class Change {
        final int partition;
        final long version;
        final byte[] key;
        final byte[] value; // null: a delete
        final byte[] previous; // the value it replaced; null: none
        final long previousVersion;
        boolean forgotten; // dropped from its partition's history; still in the shard's queue until evicted

        Change(int partition, long version, byte[] key, byte[] value, byte[] previous, long previousVersion) {
            this.partition = partition;
            this.version = version;
            this.key = key;
            this.value = value;
            this.previous = previous;
            this.previousVersion = previousVersion;
        }

        long bytes() {
            return OVERHEAD + key.length + (value == null ? 0 : value.length) + (previous == null ? 0 : previous.length);
        }
    }

    private final long maxBytes;
    private final ArrayDeque<Change> shard = new ArrayDeque<>(); // every change kept, oldest first
    private final ArrayDeque<Change>[] partitions;
    private long bytes;
    private int forgotten; // changes in the shard's queue that no partition keeps any more

    @SuppressWarnings("unchecked")
    public RecentChanges(int partitions, long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.partitions = new ArrayDeque[partitions];
    }

    /** What {@link #undo} calls for each change it takes back, newest first: restore {@code previous} (null: none). */
    public interface Undo {
        void restore(byte[] key, byte[] previous, long previousVersion);
    }

    /**
     * Keeps a put ({@code value} non-null) or a delete of the partition's history at {@code version}, and the value
     * it replaced ({@code previous}, null for none) with that value's version.
     */
    public void record(int partition, long version, byte[] key, byte[] value, byte[] previous, long previousVersion) {
        ArrayDeque<Change> history = partitions[partition];
        if (history == null) {
            history = partitions[partition] = new ArrayDeque<>();
        } else if (!history.isEmpty() && history.peekLast().version != version - 1) {
            forget(partition);
        }
        Change c = new Change(partition, version, key, value, previous, previousVersion);
        history.addLast(c);
        shard.addLast(c);
        bytes += c.bytes();
        while (bytes > maxBytes) {
            Change old = shard.pollFirst();
            if (old.forgotten) {
                forgotten--;
            } else {
                bytes -= old.bytes();
                partitions[old.partition].pollFirst(); // a partition's oldest is the shard's oldest of it
            }
        }
    }

    /** Forgets the partition's history: its copy was dropped or reset. */
    public void forget(int partition) {
        ArrayDeque<Change> history = partitions[partition];
        if (history != null) {
            for (Change c : history) {
                c.forgotten = true;
                bytes -= c.bytes();
            }
            forgotten += history.size();
            history.clear();
        }
        if (forgotten > 1024 && forgotten > shard.size() / 2) { // else they wait for eviction: amortized O(1)
            shard.removeIf(c -> c.forgotten);
            forgotten = 0;
        }
    }

    /** Whether every change of the partition with a version in {@code (after, through]} is kept (none: true). */
    public boolean covers(int partition, long after, long through) {
        if (after >= through) {
            return after == through;
        }
        ArrayDeque<Change> history = partitions[partition];
        return history != null && !history.isEmpty()
                && history.peekFirst().version <= after + 1 && history.peekLast().version >= through;
    }

    /**
     * Takes back the partition's changes after {@code to}, newest first, through {@code undo}, and forgets them; the
     * kept history must end at {@code through} and {@link #covers} {@code (to, through]}.
     */
    public void undo(int partition, long to, long through, Undo undo) {
        ArrayDeque<Change> history = partitions[partition];
        if (!covers(partition, to, through) || to < through && history.peekLast().version != through) {
            throw new IllegalStateException("partition " + partition + " keeps no history ending at " + through
                    + " back to " + to);
        }
        while (history != null && !history.isEmpty() && history.peekLast().version > to) {
            Change c = history.pollLast();
            c.forgotten = true;
            bytes -= c.bytes();
            forgotten++;
            undo.restore(c.key, c.previous, c.previousVersion);
        }
    }

    /**
     * Writes the partition's changes with a version in {@code (after, through]} to {@code out}, in the
     * {@link Changes} format, oldest first; returns how many. Requires {@link #covers}.
     */
    public int write(int partition, long after, long through, WireWriter out) {
        int[] n = {0};
        forEach(partition, after, through, (key, value, version) -> {
            Changes.change(out, key, value, version);
            n[0]++;
        });
        return n[0];
    }

    /** What {@link #forEach} calls with each change, oldest first ({@code value} null: a delete). */
    public interface Visitor {
        void change(byte[] key, byte[] value, long version);
    }

    /** Calls {@code visitor} with the partition's changes with a version in {@code (after, through]}; requires {@link #covers}. */
    public void forEach(int partition, long after, long through, Visitor visitor) {
        if (!covers(partition, after, through)) {
            throw new IllegalStateException("partition " + partition + " keeps no history for (" + after + ", "
                    + through + "]");
        }
        if (after == through) {
            return;
        }
        for (Change c : partitions[partition]) {
            if (c.version > through) {
                break;
            }
            if (c.version > after) {
                visitor.change(c.key, c.value, c.version);
            }
        }
    }

    /** Bytes kept (as counted against the bound). */
    public long bytes() {
        return bytes;
    }
}
