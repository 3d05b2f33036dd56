package io.amdb.node.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A hash index from key to the {@link SkipNode} that holds it, so a point read, an overwrite or a delete of
 * a missing key costs one probe instead of a skip-list search. Redis keeps its sorted sets the same way: a
 * skip list for order, a hash table for lookup. The list stays the source of order; this index only finds.
 *
 * <p>Single-threaded like its list. Open addressing with linear probing over parallel arrays (node, 32-bit
 * hash), load factor at most 1/2, deletion by backward shift (no tombstones, so probe runs stay short
 * after deletes). The hash is not xxHash64: partitions are chosen by xxHash64's low bits, so every key in
 * one list shares them, and a table indexed by those bits would collide.
 */
final class KeyIndex {
    private static final int MIN_CAPACITY = 16;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private SkipNode[] nodes = new SkipNode[MIN_CAPACITY];
    private int[] hashes = new int[MIN_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    /** A 32-bit hash of the key's bytes (multiply-xorshift over 8-byte words, then a final mix). */
    static int hash(byte[] key) {
        long h = 0x9E3779B97F4A7C15L ^ key.length;
        int i = 0;
        for (; i + Long.BYTES <= key.length; i += Long.BYTES) {
            h = (h ^ (long) LONGS.get(key, i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 29;
        }
        long tail = 0;
        for (int shift = 0; i < key.length; i++, shift += Byte.SIZE) {
            tail |= (key[i] & 0xFFL) << shift;
        }
        h = (h ^ tail) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }

    /** Returns the node holding {@code key} ({@code hash == hash(key)}), or null. */
    SkipNode find(byte[] key, int hash) {
        int mask = nodes.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            SkipNode n = nodes[i];
            if (n == null) {
                return null;
            }
            if (hashes[i] == hash && Arrays.equals(n.key, key)) {
                return n;
            }
        }
    }

    /** Requires that no node with this key is indexed. */
    void insert(SkipNode node, int hash) {
        if (2 * (size + 1) > nodes.length) {
            resize(nodes.length * 2);
        }
        place(node, hash);
        size++;
    }

    /** Requires that {@code node} is indexed under {@code hash}. */
    void remove(SkipNode node, int hash) {
        int mask = nodes.length - 1;
        int hole = hash & mask;
        while (nodes[hole] != node) {
            assert nodes[hole] != null : "node to remove is not indexed";
            hole = (hole + 1) & mask;
        }
        // Backward shift: move later entries of the run into the hole unless their home slot lies
        // cyclically in (hole, j], where they must stay to remain reachable.
        for (int j = (hole + 1) & mask; nodes[j] != null; j = (j + 1) & mask) {
            int home = hashes[j] & mask;
            boolean staysPut = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!staysPut) {
                nodes[hole] = nodes[j];
                hashes[hole] = hashes[j];
                hole = j;
            }
        }
        nodes[hole] = null;
        size--;
    }

    private void place(SkipNode node, int hash) {
        int mask = nodes.length - 1;
        int i = hash & mask;
        while (nodes[i] != null) {
            i = (i + 1) & mask;
        }
        nodes[i] = node;
        hashes[i] = hash;
    }

    private void resize(int capacity) {
        SkipNode[] oldNodes = nodes;
        int[] oldHashes = hashes;
        nodes = new SkipNode[capacity];
        hashes = new int[capacity];
        for (int i = 0; i < oldNodes.length; i++) {
            if (oldNodes[i] != null) {
                place(oldNodes[i], oldHashes[i]);
            }
        }
    }
}
