package io.amdb.node.migrate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This node's migration progress for INFO: migrations in flight from here, done, keys and bytes shipped,
 * and the rates while migrating. Rates are averages over the time at least one migration was running, so
 * they describe the copy itself, not the idle time between rebalances. Thread-safe.
 */
public final class MigrationStats {
    private final LongSupplier nanos;
    private final AtomicInteger outgoing = new AtomicInteger();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong resumed = new AtomicLong();
    private final AtomicLong keysSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong keysReceived = new AtomicLong();
    private final AtomicLong activeNanos = new AtomicLong();
    private volatile long activeSince;

    public MigrationStats(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Called on the migration service's thread only, like {@link #finished}. */
    void started() {
        if (outgoing.getAndIncrement() == 0) {
            activeSince = nanos.getAsLong();
        }
    }

    void finished(boolean handedOff) {
        (handedOff ? done : aborted).incrementAndGet();
        if (outgoing.decrementAndGet() == 0) {
            activeNanos.addAndGet(nanos.getAsLong() - activeSince);
        }
    }

    /** A migration began from its target's copy (changes since its position) instead of copying the partition. */
    void resumed() {
        resumed.incrementAndGet();
    }

    public long resumedCount() {
        return resumed.get();
    }

    void shipped(long keys, long bytes) {
        keysSent.addAndGet(keys);
        bytesSent.addAndGet(bytes);
    }

    void received(long keys) {
        keysReceived.addAndGet(keys);
    }

    /** INFO fields, in display order. */
    public Map<String, String> fields() {
        long active = activeNanos.get() + (outgoing.get() > 0 ? nanos.getAsLong() - activeSince : 0);
        double seconds = active / 1e9;
        Map<String, String> f = new LinkedHashMap<>();
        f.put("migrations_outgoing", Integer.toString(outgoing.get()));
        f.put("migrations_done", Long.toString(done.get()));
        f.put("migrations_aborted", Long.toString(aborted.get()));
        f.put("migrations_resumed", Long.toString(resumed.get()));
        f.put("migration_keys_sent", Long.toString(keysSent.get()));
        f.put("migration_bytes_sent", Long.toString(bytesSent.get()));
        f.put("migration_keys_received", Long.toString(keysReceived.get()));
        f.put("migration_keys_per_s", seconds > 0 ? Long.toString(Math.round(keysSent.get() / seconds)) : "0");
        f.put("migration_bytes_per_s", seconds > 0 ? Long.toString(Math.round(bytesSent.get() / seconds)) : "0");
        f.put("migration_active_ms", Long.toString(active / 1_000_000));
        return f;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "migrations %s", fields());
    }
}
