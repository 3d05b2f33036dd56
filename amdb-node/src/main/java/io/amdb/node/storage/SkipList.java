package io.amdb.node.storage;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A sorted map from {@code byte[]} keys to {@code byte[]} values in unsigned lexicographic order
 * ({@link Arrays#compareUnsigned(byte[], byte[])}: a prefix sorts before its extensions).
 *
 * <p><b>Thread safety.</b> None, by design: a list belongs to one event loop, the only thread
 * that touches it, so there are no locks, volatiles or CAS. Handing a list to another thread
 * needs a happens-before edge that the caller provides.
 *
 * <p><b>Ownership.</b> {@link #put} stores the caller's arrays as given, without copying: the
 * caller gives them up and must not modify them later. Arrays handed out by {@link #get},
 * {@link #remove} and cursors are the stored ones and must not be modified either.
 *
 * <p><b>Invariants.</b> On every level {@code i} the chain {@code head.next[i] -> ...} is
 * null-terminated and strictly increasing by key; a node of height {@code h} is linked on levels
 * {@code 0..h-1}, so each level's chain is a subsequence of the one below. {@code height} is one
 * more than the highest non-empty level (0 when empty). {@code size} and {@code memoryBytes}
 * describe exactly the nodes on level 0. {@link SkipListInvariants} verifies all of this.
 *
 * <p><b>Design notes.</b>
 * <ul>
 *   <li>Branching p = 1/4, as in LevelDB: a search makes about as many comparisons as with
 *       p = 1/2 (Pugh: about log_{1/p}(n) / p, i.e. 2·log2(n) for both), but a node carries
 *       1/(1-p) = 1.33 next pointers on average instead of 2, so nodes are smaller.
 *   <li>MAX_HEIGHT = 16: with p = 1/4 that suits 4^16 (about 4·10^9) entries, more than an
 *       {@code int} size can count, so no list outgrows it. It costs only the head's slots:
 *       searches start at the current {@code height}, not at MAX_HEIGHT.
 *   <li>A node's height comes from one random long: each pair of trailing zero bits adds a level
 *       (probability 1/4 each). The generator is SplitMix64 seeded by the constructor, so one
 *       seed and one sequence of operations always build the same list (tests replay).
 *   <li>A hash index ({@link KeyIndex}) maps each key to its node: get, overwrite and a remove of
 *       an absent key are one probe; only inserts and removes search the list, for the links.
 *       This is Redis's sorted-set layout (skip list for order, dict for lookup). It costs about
 *       24 bytes per entry and is counted in {@link #memoryBytes()}.
 *   <li>One search, {@link #findGreaterOrEqual}, serves every operation. Like RocksDB's
 *       InlineSkipList it does not compare again against the node that ended the level above
 *       (already known to be &ge; the key) when it meets that node on the level below.
 *   <li>Each node caches eight bytes of its key ({@link KeyPrefix}) beside its links, so most
 *       comparisons read no key array: one cache miss fewer per step, and misses are what a
 *       search in a large list spends its time on. The eight bytes start after the prefix all
 *       keys of the list share ({@code sharedLength}), so keys like {@code user:000000123} still
 *       differ in their cached words (prefix truncation, as B-tree pages do). It costs 8 bytes
 *       per node; a tie on the cached words falls back to the full comparison.
 *   <li>Nodes ({@link SkipNode}) are otherwise lean: key, value and the next array, whose length
 *       is the node's height. {@link #get} allocates nothing; put and remove reuse one
 *       {@code prev} array, which may keep up to MAX_HEIGHT unlinked nodes reachable until the
 *       next put or remove.
 * </ul>
 */
public final class SkipList {
    static final int MAX_HEIGHT = 16;
    static final int MAX_PREFIX_SHRINKS = 4;
    static final int CHEAP_SHRINK_SIZE = 256;

    private final SkipNode head = new SkipNode(null, null, MAX_HEIGHT);
    private final SkipNode[] prev = new SkipNode[MAX_HEIGHT];
    private final KeyIndex index = new KeyIndex();
    private int height;
    private int size;
    /** Every key in the list starts with {@code shared[0, sharedLength)}; null while the list is empty. */
    private byte[] shared;
    private int sharedLength;
    /** Shrinks of the shared prefix on a list larger than CHEAP_SHRINK_SIZE entries. */
    private int prefixShrinks;
    private long memoryBytes;
    private long replacedVersion; // see replacedVersion()
    private long randomState;

    /** Creates an empty list whose node heights are drawn from a generator seeded with {@code seed}. */
    public SkipList(long seed) {
        this.randomState = seed;
    }

    /** Returns the value stored under {@code key}, or null if there is none. One index probe, no search. */
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        SkipNode node = index.find(key, KeyIndex.hash(key));
        return node != null ? node.value : null;
    }

    /** Returns the version of the entry under {@code key} (see {@link #put(byte[], byte[], long)}), or 0 if there is none. */
    public long version(byte[] key) {
        Objects.requireNonNull(key, "key");
        SkipNode node = index.find(key, KeyIndex.hash(key));
        return node != null ? node.version : 0;
    }

    /**
     * Maps {@code key} to {@code value} and returns the previous value, or null if the key was
     * absent. Both arrays are stored as given (see the ownership note); when the key was present
     * the stored key array is kept and only the value is replaced.
     */
    public byte[] put(byte[] key, byte[] value) {
        return put(key, value, 0);
    }

    /**
     * As {@link #put(byte[], byte[])}, recording {@code version} as the entry's version (the partition
     * sequence number of the write that stored it; see {@link ShardStore}).
     */
    public byte[] put(byte[] key, byte[] value, long version) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        int hash = KeyIndex.hash(key);
        SkipNode found = index.find(key, hash);
        if (found != null) {
            byte[] old = found.value;
            replacedVersion = found.version;
            found.value = value;
            found.version = version;
            memoryBytes += SkipNode.arrayBytes(value.length) - SkipNode.arrayBytes(old.length);
            return old;
        }
        admitSharedPrefix(key);
        findGreaterOrEqual(key, prev);
        int nodeHeight = randomHeight();
        for (int level = height; level < nodeHeight; level++) {
            prev[level] = head;
        }
        height = Math.max(height, nodeHeight);
        SkipNode node = new SkipNode(key, value, nodeHeight, KeyPrefix.of(key, sharedLength));
        node.version = version;
        for (int level = 0; level < nodeHeight; level++) {
            node.next[level] = prev[level].next[level];
            prev[level].next[level] = node;
        }
        index.insert(node, hash);
        replacedVersion = 0;
        size++;
        memoryBytes += node.footprintBytes();
        return null;
    }

    /** The version of the entry the last put replaced, or the last remove removed; 0 when there was none. */
    public long replacedVersion() {
        return replacedVersion;
    }

    /** Removes {@code key} and returns its value, or null (and changes nothing) if it was absent. */
    public byte[] remove(byte[] key) {
        Objects.requireNonNull(key, "key");
        int hash = KeyIndex.hash(key);
        SkipNode found = index.find(key, hash);
        if (found == null) {
            replacedVersion = 0;
            return null;
        }
        replacedVersion = found.version;
        SkipNode located = findGreaterOrEqual(key, prev);
        assert located == found : "index and list disagree";
        index.remove(found, hash);
        for (int level = 0; level < found.next.length; level++) {
            assert prev[level].next[level] == found : "prev must precede the found node on every level";
            prev[level].next[level] = found.next[level];
        }
        while (height > 0 && head.next[height - 1] == null) {
            height--;
        }
        size--;
        memoryBytes -= found.footprintBytes();
        if (size == 0) {
            shared = null; // the next key starts a new shared prefix
            prefixShrinks = 0;
        }
        return found.value;
    }

    /**
     * Returns an appender for loading entries in ascending key order (a snapshot): each append links the new
     * node after the last one on every level, with no search. Valid until the list is modified otherwise.
     */
    public Appender appender() {
        return new Appender();
    }

    /**
     * Appends entries in ascending key order without searching (see {@link SkipList#appender()}). A key not
     * above the last one is put normally and the appender finds the list's end again.
     */
    public final class Appender {
        private final SkipNode[] last = new SkipNode[MAX_HEIGHT];
        private byte[] lastKey;

        private Appender() {
            findEnd();
        }

        /** Maps {@code key} to {@code value} at {@code version}, as {@link SkipList#put(byte[], byte[], long)}. */
        public void append(byte[] key, byte[] value, long version) {
            Objects.requireNonNull(value, "value");
            if (lastKey != null && Arrays.compareUnsigned(key, lastKey) <= 0) {
                put(key, value, version);
                findEnd();
                return;
            }
            admitSharedPrefix(key);
            int nodeHeight = randomHeight();
            for (int level = height; level < nodeHeight; level++) {
                last[level] = head;
            }
            height = Math.max(height, nodeHeight);
            SkipNode node = new SkipNode(key, value, nodeHeight, KeyPrefix.of(key, sharedLength));
            node.version = version;
            for (int level = 0; level < nodeHeight; level++) {
                last[level].next[level] = node;
                last[level] = node;
            }
            index.insert(node, KeyIndex.hash(key));
            size++;
            memoryBytes += node.footprintBytes();
            lastKey = key;
        }

        /** Sets {@link #last} to the rightmost node of every level (the head where a level is empty). */
        private void findEnd() {
            SkipNode x = head;
            for (int level = MAX_HEIGHT - 1; level >= 0; level--) {
                while (x.next[level] != null) {
                    x = x.next[level];
                }
                last[level] = x;
            }
            lastKey = x == head ? null : x.key;
        }
    }

    /** Returns the number of entries. */
    public int size() {
        return size;
    }

    /**
     * Returns the estimated heap bytes held by the entries (keys, values, nodes and next arrays;
     * as estimated by {@link SkipNode}), maintained on every change in O(1). It excludes the
     * list's fixed overhead, so an empty list reports 0.
     */
    public long memoryBytes() {
        return memoryBytes;
    }

    /**
     * Returns a cursor on the first entry whose key is &ge; {@code key}; a null or empty key
     * means the first entry. The cursor is invalid at once if there is no such entry.
     */
    public Cursor seek(byte[] key) {
        if (key == null || key.length == 0) {
            return first();
        }
        return new Cursor(findGreaterOrEqual(key, null));
    }

    /** Returns a cursor on the first entry (invalid if the list is empty). */
    public Cursor first() {
        return new Cursor(head.next[0]);
    }

    /**
     * Returns the first node whose key is &ge; {@code key}, or null if none. If {@code prev} is
     * not null, sets {@code prev[i]} for every level {@code i < height} to the last node on
     * level {@code i} whose key is &lt; {@code key} (the head if none): the nodes after which
     * that key is, or would be, linked.
     */
    private SkipNode findGreaterOrEqual(byte[] key, SkipNode[] prev) {
        boolean sharesPrefix = sharesPrefix(key);
        long keyPrefix = sharesPrefix ? KeyPrefix.of(key, sharedLength) : 0;
        SkipNode x = head;
        SkipNode knownNotLess = null; // ended the level above, so it is >= key: no need to compare it
        for (int level = height - 1; level >= 0; level--) {
            SkipNode next = x.next[level];
            while (next != null && next != knownNotLess && isBefore(next, key, keyPrefix, sharesPrefix)) {
                x = next;
                next = x.next[level];
            }
            knownNotLess = next;
            if (prev != null) {
                prev[level] = x;
            }
        }
        return knownNotLess;
    }

    /**
     * True if the node's key sorts before {@code key}. When {@code key} starts with the list's shared
     * prefix, the cached words decide unless they tie; otherwise (a seek outside the list's key range)
     * the keys are compared in full.
     */
    private static boolean isBefore(SkipNode node, byte[] key, long keyPrefix, boolean sharesPrefix) {
        if (sharesPrefix && node.prefix != keyPrefix) {
            return Long.compareUnsigned(node.prefix, keyPrefix) < 0;
        }
        return Arrays.compareUnsigned(node.key, key) < 0;
    }

    private boolean sharesPrefix(byte[] key) {
        return shared != null && key.length >= sharedLength
                && Arrays.mismatch(key, 0, sharedLength, shared, 0, sharedLength) == -1;
    }

    /**
     * Before inserting {@code key}: shortens the shared prefix to what {@code key} has in common with it,
     * re-deriving every cached word when it shrinks. It only ever shrinks while the list is non-empty and
     * at most once per byte of the first key, so the O(n) re-derivation is rare and amortised by inserts.
     */
    private void admitSharedPrefix(byte[] key) {
        if (shared == null) {
            shared = key;
            sharedLength = key.length;
            return;
        }
        int common = Arrays.mismatch(key, 0, key.length, shared, 0, sharedLength);
        if (common == -1 || common >= sharedLength) {
            return;
        }
        // Each shrink re-derives every cached word, O(n). Shrinks while the list is small are cheap and are
        // how a shared prefix is found; keys built to shrink it a byte at a time on a large list would make
        // inserts quadratic, so past CHEAP_SHRINK_SIZE entries only MAX_PREFIX_SHRINKS more are allowed,
        // then the list gives up its shared prefix (0 cannot shrink again).
        boolean cheap = size <= CHEAP_SHRINK_SIZE;
        sharedLength = cheap || ++prefixShrinks <= MAX_PREFIX_SHRINKS ? common : 0;
        for (SkipNode n = head.next[0]; n != null; n = n.next[0]) {
            n.prefix = KeyPrefix.of(n.key, sharedLength);
        }
    }

    private int randomHeight() {
        // SplitMix64 (Steele, Lea, Flood 2014): small, fast and well distributed in the low bits.
        long z = (randomState += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return Math.min(1 + Long.numberOfTrailingZeros(z) / 2, MAX_HEIGHT);
    }

    /** Verifies the class invariants in O(n); throws IllegalStateException on the first breach. For tests. */
    void checkInvariants() {
        SkipListInvariants.check(head, height, size, memoryBytes, shared, sharedLength);
        if (index.size() != size) {
            throw new IllegalStateException("index holds " + index.size() + " keys, list " + size);
        }
        for (SkipNode n = head.next.length > 0 ? head.next[0] : null; n != null; n = n.next[0]) {
            if (index.find(n.key, KeyIndex.hash(n.key)) != n) {
                throw new IllegalStateException("key not in the index: " + Arrays.toString(n.key));
            }
        }
    }

    /** Package-private for {@link ShardStore}: a cursor that is invalid from the start. */
    static Cursor emptyCursor() {
        return new Cursor(null);
    }

    /**
     * A forward cursor over the list in key order. It is valid only until the list is next
     * modified: after any put or remove its behaviour is unspecified (it may skip, repeat or
     * show removed entries), so seek again instead. Reading an invalid cursor throws
     * NoSuchElementException.
     */
    public static final class Cursor {
        private SkipNode node;

        private Cursor(SkipNode node) {
            this.node = node;
        }

        /** True if the cursor is on an entry. */
        public boolean valid() {
            return node != null;
        }

        /** The current entry's key (the stored array: do not modify it). */
        public byte[] key() {
            return current().key;
        }

        /** The current entry's value (the stored array: do not modify it). */
        public byte[] value() {
            return current().value;
        }

        /** The current entry's version (the sequence number of the write that stored it; 0 if none was given). */
        public long version() {
            return current().version;
        }

        /** Moves to the next entry in key order; the cursor becomes invalid after the last one. */
        public void next() {
            node = current().next[0];
        }

        private SkipNode current() {
            if (node == null) {
                throw new NoSuchElementException("cursor is not on an entry");
            }
            return node;
        }
    }
}
