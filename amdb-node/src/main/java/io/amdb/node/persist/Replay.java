package io.amdb.node.persist;

import io.amdb.node.storage.ShardStore;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.ProtocolException;
import io.amdb.protocol.WireReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Applies a shard's log records, in log order, to the store recovery is rebuilding. A partition that holds
 * data (from the snapshot) takes each record at once. A partition that is empty (no snapshot data, or dropped
 * by a DROP record) only gathers its records; {@link #finish()} sorts each one's by key (stably, so the last
 * record of a key wins) and builds its list by appending in key order. A log written in random key order
 * then costs a sort of a few thousand records per partition instead of a search through a large list per
 * record: the difference between replaying at snapshot speed and at half of it.
 *
 * <p>Not thread-safe: one recovery thread per shard owns it.
 */
final class Replay {
    /** A gathered PUT ({@code value} set) or DELETE ({@code value} null). */
    private record Record(byte[] key, byte[] value, long version) {}

    private static final Comparator<Record> BY_KEY = (a, b) -> Arrays.compareUnsigned(a.key, b.key);

    private final ShardStore store;
    private final boolean[] gathering;
    private final List<Record>[] gathered;

    @SuppressWarnings("unchecked")
    Replay(ShardStore store) {
        this.store = store;
        this.gathering = new boolean[store.partitions()];
        this.gathered = new List[store.partitions()];
        for (int p = 0; p < gathering.length; p++) {
            gathering[p] = store.partitionSize(p) == 0;
        }
    }

    /** Applies or gathers one record ({@code payload[0, length)}, type first). */
    void apply(byte[] payload, int length) throws ProtocolException {
        WireReader r = new WireReader(payload, 0, length);
        int type = r.u8();
        int partition = r.u32();
        if (partition < 0 || partition >= gathering.length) {
            throw malformed("partition " + partition + " out of range [0, " + gathering.length + ")");
        }
        switch (type) {
            case LogFormat.PUT -> {
                long version = r.i64();
                byte[] key = r.bytes();
                byte[] value = r.bytes();
                if (gathering[partition]) {
                    gather(partition, new Record(key, value, version));
                } else {
                    store.apply(partition, key, value, version);
                }
            }
            case LogFormat.DELETE -> {
                long version = r.i64();
                byte[] key = r.bytes();
                if (gathering[partition]) {
                    gather(partition, new Record(key, null, version));
                } else {
                    store.applyDelete(partition, key, version);
                }
            }
            case LogFormat.FOLLOW -> store.recoverHistory(partition, r.i64());
            case LogFormat.DROP -> {
                store.dropPartition(partition);
                gathering[partition] = true; // empty again: what follows is gathered
                gathered[partition] = null;
            }
            default -> throw malformed("unknown record type " + type);
        }
        r.expectEnd();
    }

    private void gather(int partition, Record record) {
        store.raiseSequence(partition, record.version); // now: a later DROP discards the record, not its number
        List<Record> list = gathered[partition];
        if (list == null) {
            list = gathered[partition] = new ArrayList<>();
        }
        list.add(record);
    }

    /** Builds every gathered partition: sorted by key, the last record of each key applied. */
    void finish() {
        for (int p = 0; p < gathered.length; p++) {
            List<Record> list = gathered[p];
            if (list == null) {
                continue;
            }
            list.sort(BY_KEY); // stable: records of one key stay in log order
            for (int i = 0; i < list.size(); i++) {
                Record rec = list.get(i);
                boolean lastOfKey = i + 1 == list.size() || !Arrays.equals(rec.key, list.get(i + 1).key);
                if (lastOfKey && rec.value != null) {
                    store.load(p, rec.key, rec.value, rec.version);
                }
            }
            gathered[p] = null;
        }
        store.endLoad();
    }

    private static ProtocolException malformed(String what) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, what);
    }
}
