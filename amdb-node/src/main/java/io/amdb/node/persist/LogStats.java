package io.amdb.node.persist;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of a node's logs and snapshots, for INFO and metrics. Written by the log writer threads and the
 * snapshot thread, read from anywhere: every field is atomic, and a reading is a consistent-enough sample.
 */
public final class LogStats {
    private static final int LATENCY_SAMPLES = 1024;

    public final AtomicLong bytesWritten = new AtomicLong();
    public final AtomicLong recordsWritten = new AtomicLong();
    public final AtomicLong fsyncs = new AtomicLong();
    public final AtomicLong recordsSynced = new AtomicLong();
    public final AtomicLong logBytesOnDisk = new AtomicLong();
    public final AtomicLong snapshotsDone = new AtomicLong();
    public final AtomicLong snapshotEntriesWritten = new AtomicLong();
    public final AtomicLong snapshotsRunning = new AtomicLong();
    public final AtomicLong fullShards = new AtomicLong();
    public final AtomicLong recoveryMillis = new AtomicLong(-1);
    public final AtomicLong recoveredKeys = new AtomicLong();
    public final AtomicLong recoveredRecords = new AtomicLong();
    private final AtomicLongArray fsyncNanos = new AtomicLongArray(LATENCY_SAMPLES);
    private final AtomicLong fsyncSamples = new AtomicLong();

    /** Records one fsync's latency and how many records it made durable. */
    void fsynced(long nanos, long records) {
        fsyncs.incrementAndGet();
        recordsSynced.addAndGet(records);
        fsyncNanos.set((int) (fsyncSamples.getAndIncrement() % LATENCY_SAMPLES), nanos);
    }

    /** The 99th percentile of the last 1,024 fsyncs, in microseconds (0 before any). */
    public long fsyncP99Micros() {
        int n = (int) Math.min(fsyncSamples.get(), LATENCY_SAMPLES);
        if (n == 0) {
            return 0;
        }
        long[] sample = new long[n];
        for (int i = 0; i < n; i++) {
            sample[i] = fsyncNanos.get(i);
        }
        Arrays.sort(sample);
        return sample[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1_000;
    }

    /** Records per fsync on average: how many writes a group commit covers. */
    public double recordsPerFsync() {
        long f = fsyncs.get();
        return f == 0 ? 0 : (double) recordsSynced.get() / f;
    }
}
