package io.amdb.node.storage;

import java.util.Arrays;

/**
 * Merges several {@link SkipList.Cursor}s into one ascending stream: a binary min-heap of the
 * inputs ordered by current key, ties broken by the input's source number (in
 * {@link ShardStore}, its partition id), so equal keys come out in ascending source order.
 *
 * <p>Costs O(log k) comparisons per entry for k inputs; inputs that are exhausted leave the heap,
 * so the heap holds only cursors on an entry. Single-threaded, and valid only while none of the
 * underlying lists is modified, like the cursors it merges.
 */
final class MergingCursor {
    private final SkipList.Cursor[] heap;
    private final int[] sources; // sources[i] is the source number of heap[i]
    private int count;

    /** Creates an empty merge with room for {@code capacity} inputs. */
    MergingCursor(int capacity) {
        heap = new SkipList.Cursor[capacity];
        sources = new int[capacity];
    }

    /** Adds an input with the given source number; an invalid (exhausted) cursor is ignored. */
    void add(SkipList.Cursor cursor, int source) {
        if (!cursor.valid()) {
            return;
        }
        assert count < heap.length : "more inputs than the capacity given";
        heap[count] = cursor;
        sources[count] = source;
        siftUp(count++);
    }

    /** True while some input has an entry left. */
    boolean valid() {
        return count > 0;
    }

    /** The smallest current key over all inputs (requires {@link #valid()}). */
    byte[] key() {
        return heap[0].key();
    }

    /** The value paired with {@link #key()} (requires {@link #valid()}). */
    byte[] value() {
        return heap[0].value();
    }

    /** Moves past the current entry (requires {@link #valid()}). */
    void next() {
        heap[0].next();
        if (!heap[0].valid()) {
            count--;
            heap[0] = heap[count];
            sources[0] = sources[count];
            heap[count] = null;
        }
        siftDown(0);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(i, parent)) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int child = 2 * i + 1;
            if (child >= count) {
                return;
            }
            if (child + 1 < count && before(child + 1, child)) {
                child++;
            }
            if (!before(child, i)) {
                return;
            }
            swap(i, child);
            i = child;
        }
    }

    /** True if heap slot {@code a} must come out before slot {@code b}. */
    private boolean before(int a, int b) {
        int order = Arrays.compareUnsigned(heap[a].key(), heap[b].key());
        return order < 0 || (order == 0 && sources[a] < sources[b]);
    }

    private void swap(int a, int b) {
        SkipList.Cursor cursor = heap[a];
        heap[a] = heap[b];
        heap[b] = cursor;
        int source = sources[a];
        sources[a] = sources[b];
        sources[b] = source;
    }
}
