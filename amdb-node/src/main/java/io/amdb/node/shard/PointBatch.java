package io.amdb.node.shard;

import io.amdb.node.storage.ShardStore;
import io.amdb.node.storage.WriteObserver;
import io.amdb.protocol.Request;
import java.util.Arrays;

/**
 * A list of point operations (get, put, delete, get with version, compare-and-set) for one shard, applied in order.
 *
 * <p>Parallel arrays instead of an object per operation: a pipelined burst becomes one message per shard,
 * and the shard walks it without allocation. After the task runs, {@link #value(int)} holds the value a GET
 * found, {@link #existed(int)} says whether a DELETE removed something or a CAS was applied, {@link #version(int)}
 * the version a GET_VERSION found or a CAS wrote or found, and {@link #fenced(int)} whether the operation was not
 * run at all because its partition is being handed to another node.
 */
public final class PointBatch implements ShardTask {
    public static final byte GET = 1;
    public static final byte PUT = 2;
    public static final byte DELETE = 3;
    public static final byte GET_VERSION = 4;
    /** A compare-and-set: {@link #addCas}. */
    public static final byte CAS = 5;

    private byte[] ops = new byte[16];
    private int[] partitions = new int[16];
    private byte[][] keys = new byte[16][];
    private byte[][] values = new byte[16][];
    private boolean[] existed = new boolean[16];
    private boolean[] fenced = new boolean[16];
    private boolean[] cutover = new boolean[16];
    private boolean[] refused = new boolean[16];
    private boolean[] tooFewCopies = new boolean[16];
    private long[] versions; // null until a GET_VERSION or CAS is added
    private Request.Condition[] conditions; // null until a CAS is added
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

    /**
     * Appends a compare-and-set: when the key's state meets {@code expect}, puts {@code value} (null: deletes the key);
     * returns its index. After the task runs, {@link #existed(int)} says whether it was applied and
     * {@link #version(int)} gives the version written (0 for a delete) or, when not applied, the key's version.
     */
    public int addCas(int partition, byte[] key, Request.Condition expect, byte[] value) {
        int i = add(CAS, partition, key, value);
        if (conditions == null) {
            conditions = new Request.Condition[ops.length];
        }
        conditions[i] = expect;
        return i;
    }

    public int size() {
        return size;
    }

    /** The value a GET at {@code index} found (null when absent). */
    public byte[] value(int index) {
        return values[index];
    }

    /** The version a GET_VERSION found or a CAS wrote or found (0: no value); see {@link #addCas}. */
    public long version(int index) {
        return versions == null ? 0 : versions[index];
    }

    /** Whether the DELETE at {@code index} removed a value, or the CAS at {@code index} was applied. */
    public boolean existed(int index) {
        return existed[index];
    }

    /**
     * Whether the operation at {@code index} was refused because its partition is in its cutover, or not served
     * here yet (a promoted primary waiting out the old primary's lease).
     */
    public boolean fenced(int index) {
        return fenced[index];
    }

    /** Whether the operation at {@code index} was refused because its partition is in its cutover. */
    public boolean cutover(int index) {
        return cutover[index];
    }

    /** Whether the write at {@code index} was refused, not applied, because the disk is full (STORAGE_FULL). */
    public boolean refused(int index) {
        return refused[index];
    }

    /**
     * Whether the write at {@code index} was refused, not applied, because its partition has fewer in-sync copies than
     * the table's minimum (NOT_ENOUGH_REPLICAS).
     */
    public boolean tooFewCopies(int index) {
        return tooFewCopies[index];
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
                cutover[i] = store.inCutover(partitions[i]); // else not served here yet (a promotion's wait)
                continue;
            }
            if (ops[i] != GET && ops[i] != GET_VERSION) { // a write: refused before it is applied, or not at all
                if (!store.acceptsWrites()) { // the log cannot take it
                    refused[i] = true;
                    continue;
                }
                if (!store.enoughCopies(partitions[i])) {
                    tooFewCopies[i] = true;
                    continue;
                }
            }
            ranWrites |= ops[i] == PUT || ops[i] == DELETE;
            switch (ops[i]) {
                case GET -> values[i] = store.get(partitions[i], keys[i]);
                case GET_VERSION -> {
                    values[i] = store.get(partitions[i], keys[i]);
                    versions()[i] = store.version(partitions[i], keys[i]);
                }
                case CAS -> compareAndSet(store, observer, i);
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

    private void compareAndSet(ShardStore store, WriteObserver observer, int i) {
        int partition = partitions[i];
        byte[] current = store.get(partition, keys[i]);
        long currentVersion = store.version(partition, keys[i]);
        if (!conditions[i].holdsFor(current, currentVersion)) {
            versions()[i] = currentVersion;
            values[i] = null; // not applied: nothing to hold on to
            return;
        }
        existed[i] = true;
        ranWrites = true;
        if (values[i] != null) {
            store.put(partition, keys[i], values[i]);
            versions()[i] = store.sequence(partition);
        } else if (current != null) {
            store.remove(partition, keys[i]);
        }
        if (observer != null && (values[i] != null || current != null)) {
            observer.written(partition, keys[i], values[i]);
        }
    }

    private long[] versions() {
        if (versions == null) {
            versions = new long[ops.length];
        }
        return versions;
    }

    private void grow() {
        int n = ops.length * 2;
        ops = Arrays.copyOf(ops, n);
        partitions = Arrays.copyOf(partitions, n);
        keys = Arrays.copyOf(keys, n);
        values = Arrays.copyOf(values, n);
        existed = Arrays.copyOf(existed, n);
        fenced = Arrays.copyOf(fenced, n);
        cutover = Arrays.copyOf(cutover, n);
        refused = Arrays.copyOf(refused, n);
        tooFewCopies = Arrays.copyOf(tooFewCopies, n);
        if (versions != null) {
            versions = Arrays.copyOf(versions, n);
        }
        if (conditions != null) {
            conditions = Arrays.copyOf(conditions, n);
        }
        if (unknown != null) {
            unknown = Arrays.copyOf(unknown, n);
        }
    }
}
