package io.amdb.node.storage;

import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;
import io.amdb.protocol.WireWriter;

/**
 * The byte format of the entries and changes a migration ships from source to target: a sequence of
 * {@code u8 op, i64 version, bytes key[, bytes value]} ({@code bytes} = u32 length + data), op
 * {@link #PUT} or {@link #DELETE}, applied in order. The version is the write's partition sequence number,
 * which the target keeps (see {@link ShardStore}). Copied entries are PUTs; the changes logged during the copy follow.
 */
public final class Changes {
    public static final int PUT = 1;
    public static final int DELETE = 2;

    private Changes() {}

    public static void put(WireWriter out, byte[] key, byte[] value, long version) {
        out.u8(PUT).i64(version).bytes(key).bytes(value);
    }

    public static void delete(WireWriter out, byte[] key, long version) {
        out.u8(DELETE).i64(version).bytes(key);
    }

    /** A put, or for a null {@code valueOrNull} a delete. */
    public static void change(WireWriter out, byte[] key, byte[] valueOrNull, long version) {
        if (valueOrNull == null) {
            delete(out, key, version);
        } else {
            put(out, key, valueOrNull, version);
        }
    }

    /** Bytes one put occupies in this format. */
    public static long putBytes(byte[] key, byte[] value) {
        return 17L + key.length + value.length;
    }

    /**
     * Applies {@code ops[off, off+len)} to the partition with their versions, bypassing the write observer
     * (these are copies, not client writes), and returns how many operations it applied.
     *
     * @throws ProtocolException if the bytes are not in this format (nothing after the bad op is applied)
     */
    public static int apply(ShardStore store, int partition, byte[] ops, int off, int len) throws ProtocolException {
        WireReader r = new WireReader(ops, off, len);
        int n = 0;
        while (r.remaining() > 0) {
            applyNext(store, partition, r);
            n++;
        }
        return n;
    }

    /** Applies the next operation {@code r} holds (it must hold one), so a caller can stop between any two. */
    public static void applyNext(ShardStore store, int partition, WireReader r) throws ProtocolException {
        applyNext(store, partition, r, false);
    }

    /**
     * As {@link #applyNext(ShardStore, int, WireReader)}; {@code history}: the operation is a change of the partition's
     * history taken from its primary (see {@link ShardStore#applyChange}), not an entry of a copy.
     */
    public static void applyNext(ShardStore store, int partition, WireReader r, boolean history)
            throws ProtocolException {
        int op = r.u8();
        long version = r.i64();
        byte[] key = r.bytes();
        if (op == PUT) {
            byte[] value = r.bytes();
            if (history) {
                store.applyChange(partition, key, value, version);
            } else {
                store.apply(partition, key, value, version);
            }
        } else if (op == DELETE) {
            if (history) {
                store.applyChange(partition, key, null, version);
            } else {
                store.applyDelete(partition, key, version);
            }
        } else {
            throw new ProtocolException(io.amdb.protocol.ErrorCode.MALFORMED_FRAME, "unknown change op " + op);
        }
    }

    /**
     * Whether the changes in {@code bytes[off, off + len)} are numbered {@code from + 1, from + 2, ...}: each the next of
     * a history that stood at {@code from}.
     *
     * @throws ProtocolException if the bytes are not in this format
     */
    public static boolean numberedFrom(byte[] bytes, int off, int len, long from) throws ProtocolException {
        WireReader r = new WireReader(bytes, off, len);
        long next = from + 1;
        while (r.remaining() > 0) {
            int op = r.u8();
            if (r.i64() != next++) {
                return false;
            }
            r.skipBytes();
            if (op == PUT) {
                r.skipBytes();
            }
        }
        return true;
    }
}
