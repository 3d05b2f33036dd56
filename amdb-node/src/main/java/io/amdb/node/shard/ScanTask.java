package io.amdb.node.shard;

import io.amdb.node.storage.ShardStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One shard's part of a SCAN: up to {@code limit} entries in {@code [start, end)} in key order, within a
 * byte budget. {@link #more()} is true when the shard stopped early and may hold further entries after
 * the last one returned.
 */
public final class ScanTask implements ShardTask {
    private final byte[] start;
    private final byte[] end;
    private final int limit;
    private final long maxBytes;
    private final boolean[] only;
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private long bytes;
    private boolean more;
    private boolean fencedHit;

    public ScanTask(byte[] start, byte[] end, int limit, long maxBytes) {
        this(start, end, limit, maxBytes, null);
    }

    /** @param only the partitions to scan, indexed by partition; null for every partition the shard holds */
    public ScanTask(byte[] start, byte[] end, int limit, long maxBytes, boolean[] only) {
        this.only = only;
        this.start = start;
        this.end = end;
        this.limit = limit;
        this.maxBytes = maxBytes;
    }

    /**
     * Runs in one go: a page is bounded by limit and bytes, so it cannot hog the event loop. When the page
     * stopped early, one more seek peeks past its last key, so {@link #more()} is exact and a client is
     * never sent to an empty next page.
     */
    @Override
    public boolean runOn(ShardStore store, int budget) {
        for (int p = 0; only != null && p < only.length; p++) {
            if (only[p] && store.isFenced(p)) {
                fencedHit = true; // handed off, or in its cutover: this shard cannot answer for it now
                return true;
            }
        }
        store.scan(start, end, limit, maxBytes, only, (k, v) -> {
            keys.add(k);
            values.add(v);
            bytes += k.length + v.length;
        });
        boolean stoppedEarly = keys.size() >= limit || (bytes >= maxBytes && !keys.isEmpty());
        if (stoppedEarly) {
            byte[] after = Arrays.copyOf(keys.get(keys.size() - 1), keys.get(keys.size() - 1).length + 1);
            more = store.scan(after, end, 1, 1, only, (k, v) -> { }) > 0;
        }
        return true;
    }

    public List<byte[]> keys() {
        return keys;
    }

    public List<byte[]> values() {
        return values;
    }

    /** True when a partition asked for is fenced here (moving or moved away): the page must be asked again. */
    public boolean fencedHit() {
        return fencedHit;
    }

    /** True when entries in range remain after the last key returned (the page stopped at limit or bytes). */
    public boolean more() {
        return more;
    }
}
