package io.amdb.node.replicate;

import java.util.function.LongSupplier;

/**
 * The node-wide rate limit of backup copies ({@code --replication-copy-mb-per-s}): a token bucket of bytes, refilled
 * at the rate and holding at most one second of it. A shard copies a chunk only while the bucket is not empty, then
 * pays for the chunk's bytes (the bucket may go below zero: chunks are not split). Streamed changes are never
 * throttled: only copies, so writes never wait for the limit. Thread-safe (every shard of the node shares it).
 */
public final class CopyThrottle {
    /** No limit. */
    public static final CopyThrottle UNLIMITED = new CopyThrottle(0, System::nanoTime);

    private final long bytesPerSecond;
    private final LongSupplier clock;
    private double tokens;
    private long refilledAt;

    /** @param bytesPerSecond the rate; 0 for no limit */
    public CopyThrottle(long bytesPerSecond, LongSupplier clock) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("a copy rate is never negative: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.clock = clock;
        this.refilledAt = clock.getAsLong();
        this.tokens = bytesPerSecond;
    }

    /** The rate in bytes per second; 0 when unlimited. */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Whether a chunk may be copied now. */
    public synchronized boolean mayCopy() {
        if (bytesPerSecond == 0) {
            return true;
        }
        long now = clock.getAsLong();
        tokens = Math.min(bytesPerSecond, tokens + (now - refilledAt) / 1e9 * bytesPerSecond);
        refilledAt = now;
        return tokens > 0;
    }

    /** Pays for a chunk of {@code bytes} just copied. */
    public synchronized void spent(long bytes) {
        if (bytesPerSecond != 0) {
            tokens -= bytes;
        }
    }
}
