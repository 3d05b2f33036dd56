package io.amdb.node.replicate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * This node's backup copies for INFO, metrics and the console: copies running from here, keys and bytes copied, the
 * rate while copying, and what is left with its ETA. Each shard's {@link Replicator} adds what it copies as it
 * copies, and reports its running copies and keys left about four times a second (from its lease heartbeat, which
 * walks its partitions anyway). The rate is over the time copies were running, so idle time does not dilute it; the
 * ETA is keys left at that rate. It also counts how backups were brought up to date: copied afresh (a reset), or
 * caught up from the history their primary's shard keeps (a restarted backup, or one whose stream broke). Thread-safe.
 */
public final class CopyStats {
    /** The numeric INFO fields, as {@link #fields()} names them (metrics gauges follow this list). */
    public static final java.util.List<String> FIELDS = java.util.List.of("replication_copies_running",
            "replication_copy_keys", "replication_copy_bytes", "replication_copy_keys_per_s",
            "replication_copy_bytes_per_s", "replication_copy_keys_left", "replication_copy_eta_s",
            "replication_copy_limit_bytes_per_s", "replication_resets", "replication_catch_ups");

    private final AtomicLong keys = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong catchUps = new AtomicLong();
    private final AtomicLongArray running;
    private final AtomicLongArray keysLeft;
    private final AtomicLongArray activeNanos;
    private final CopyThrottle throttle;

    public CopyStats(int shards, CopyThrottle throttle) {
        this.running = new AtomicLongArray(shards);
        this.keysLeft = new AtomicLongArray(shards);
        this.activeNanos = new AtomicLongArray(shards);
        this.throttle = throttle;
    }

    public CopyThrottle throttle() {
        return throttle;
    }

    void copied(long chunkKeys, long chunkBytes) {
        keys.addAndGet(chunkKeys);
        bytes.addAndGet(chunkBytes);
    }

    /** A backup's copy of a partition was reset: it is copied afresh. */
    void reset() {
        resets.incrementAndGet();
    }

    /** A backup's copy of a partition was caught up from history (or had missed nothing): nothing copied. */
    void caughtUp() {
        catchUps.incrementAndGet();
    }

    public long resets() {
        return resets.get();
    }

    public long catchUps() {
        return catchUps.get();
    }

    /** A shard's copies now, and the time since its last report (counted as copying time when it had copies). */
    void report(int shard, int copies, long left, long sinceLastNanos) {
        if (copies > 0 || running.get(shard) > 0) {
            activeNanos.addAndGet(shard, sinceLastNanos);
        }
        running.set(shard, copies);
        keysLeft.set(shard, left);
    }

    public long running() {
        return sum(running);
    }

    public long keysLeft() {
        return sum(keysLeft);
    }

    /** Keys per second while copying (the busiest shard's copying time). */
    public long keysPerSecond() {
        double s = activeSeconds();
        return s > 0 ? Math.round(keys.get() / s) : 0;
    }

    public long bytesPerSecond() {
        double s = activeSeconds();
        return s > 0 ? Math.round(bytes.get() / s) : 0;
    }

    /** Seconds until the copies running now are done at the rate so far; -1 when unknown (nothing copied yet). */
    public long etaSeconds() {
        long left = keysLeft();
        long rate = keysPerSecond();
        return left == 0 ? 0 : rate == 0 ? -1 : (left + rate - 1) / rate;
    }

    /** INFO fields, in display order. */
    public Map<String, String> fields() {
        long[] values = {running(), keys.get(), bytes.get(), keysPerSecond(), bytesPerSecond(), keysLeft(), etaSeconds(),
                throttle.bytesPerSecond(), resets.get(), catchUps.get()}; // in the order of FIELDS
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            f.put(FIELDS.get(i), Long.toString(values[i]));
        }
        return f;
    }

    private double activeSeconds() {
        long max = 0;
        for (int i = 0; i < activeNanos.length(); i++) {
            max = Math.max(max, activeNanos.get(i));
        }
        return max / 1e9;
    }

    private static long sum(AtomicLongArray a) {
        long n = 0;
        for (int i = 0; i < a.length(); i++) {
            n += a.get(i);
        }
        return n;
    }
}
