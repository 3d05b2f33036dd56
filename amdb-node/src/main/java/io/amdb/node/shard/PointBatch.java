package io.amdb.node.shard;

import io.amdb.node.storage.ShardStore;
import io.amdb.node.storage.WriteObserver;
import java.util.Arrays;

/**
 * A list of point operations (get, put, delete) for one shard, applied in order.
 *
 * <p>Parallel arrays instead of an object per operation: a pipelined burst becomes one message per shard,
 * and the shard walks it without allocation. After the task runs, {@link #value(int)} holds the value a GET
 * found, {@link #existed(int)} says whether a DELETE removed something, and {@link #fenced(int)} whether the
 * operation was not run at all because its partition is being handed to another node.
 */
public final class PointBatch implements ShardTask {
    public static final byte GET = 1;
    public static final byte PUT = 2;
    public static final byte DELETE = 3;

    private byte[] ops = new byte[16];
    private int[] partitions = new int[16];
    private byte[][] keys = new byte[16][];
    private byte[][] values = new byte[16][];
    private boolean[] existed = new boolean[16];
    private boolean[] fenced = new boolean[16];
    private boolean[] refused = new boolean[16];
    private boolean[] unknown; // null until a partition's primary changed while the batch waited for its backups
    private boolean anyFenced;
    private boolean ranWrites;
    private int size;
    private int next;

    /** Appends an operation; returns its index for reading the result. */
    public int add(byte op, int partition, byte[] key, byte[] value) {
        if (size == ops.length) {
            grow();
        }
        ops[size] = op;
        partitions[size] = partition;
        keys[size] = key;
        values[size] = value;
        return size++;
    }

    public int size() {
        return size;
    }

    /** The value a GET at {@code index} found (null when absent). */
    public byte[] value(int index) {
        return values[index];
    }

    /** Whether the DELETE at {@code index} removed a value. */
    public boolean existed(int index) {
        return existed[index];
    }

    /** Whether the operation at {@code index} was refused because its partition is in its cutover. */
    public boolean fenced(int index) {
        return fenced[index];
    }

    /** Whether the write at {@code index} was refused, not applied, because the disk is full (STORAGE_FULL). */
    public boolean refused(int index) {
        return refused[index];
    }

    /**
     * Whether the operation at {@code index} ended with an unknown outcome: its partition changed primary before
     * its backups confirmed it (a write may or may not survive; a read may have seen such a write).
     */
    public boolean unknown(int index) {
        return unknown != null && unknown[index];
    }

    /** Marks every operation on {@code partition} as {@link #unknown(int)}. */
    public void markUnknown(int partition) {
        if (unknown == null) {
            unknown = new boolean[ops.length];
        }
        for (int i = 0; i < size; i++) {
            unknown[i] |= partitions[i] == partition;
        }
    }

    /** The distinct partitions the batch touches. */
    public int[] partitions() {
        int[] out = Arrays.copyOf(partitions, size);
        Arrays.sort(out);
        int n = 0;
        for (int i = 0; i < out.length; i++) {
            if (n == 0 || out[n - 1] != out[i]) {
                out[n++] = out[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Whether any operation was refused for a cutover; see {@link #fenced(int)}. */
    public boolean anyFenced() {
        return anyFenced;
    }

    /** The partition of the operation at {@code index}. */
    public int partition(int index) {
        return partitions[index];
    }

    @Override
    public boolean ranWrites() {
        return ranWrites;
    }

    @Override
    public boolean runOn(ShardStore store, int budget) {
        int end = Math.min(size, next + budget);
        WriteObserver observer = store.observer();
        for (int i = next; i < end; i++) {
            if (store.isFenced(partitions[i])) { // in its cutover: the caller waits for the new owner
                fenced[i] = anyFenced = true;
                continue;
            }
            if (ops[i] != GET && !store.acceptsWrites()) { // the log cannot take it: refuse before applying
                refused[i] = true;
                continue;
            }
            ranWrites |= ops[i] != GET;
            switch (ops[i]) {
                case GET -> values[i] = store.get(partitions[i], keys[i]);
                case PUT -> {
                    store.put(partitions[i], keys[i], values[i]);
                    if (observer != null) {
                        observer.written(partitions[i], keys[i], values[i]);
                    }
                }
                case DELETE -> {
                    existed[i] = store.remove(partitions[i], keys[i]) != null;
                    if (observer != null && existed[i]) {
                        observer.written(partitions[i], keys[i], null);
                    }
                }
                default -> throw new IllegalStateException("unknown point op " + ops[i]);
            }
        }
        next = end;
        return next == size;
    }

    private void grow() {
        int n = ops.length * 2;
        ops = Arrays.copyOf(ops, n);
        partitions = Arrays.copyOf(partitions, n);
        keys = Arrays.copyOf(keys, n);
        values = Arrays.copyOf(values, n);
        existed = Arrays.copyOf(existed, n);
        fenced = Arrays.copyOf(fenced, n);
        refused = Arrays.copyOf(refused, n);
    }
}
