package io.amdb.node.http;

import io.amdb.node.storage.WriteObserver;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's watches by key prefix: the {@link WriteObserver} every shard reports client writes to.
 *
 * <p>Thread-safety: {@link #written} runs on every shard's event loop; it reads one volatile array, so with no
 * watches a write costs one volatile read. Adding and removing copy the array under this object's lock
 * (rare). Matching watches get the event through {@link Watch#offer}, which never blocks.
 */
final class WatchRegistry implements WriteObserver {
    private static final Watch[] NONE = new Watch[0];

    private volatile Watch[] watches = NONE;
    private final AtomicInteger connections = new AtomicInteger();

    @Override
    public void written(int partition, byte[] key, byte[] value) {
        Watch[] current = watches;
        if (current.length == 0) {
            return;
        }
        for (Watch w : current) {
            if (startsWith(key, w.prefix())) {
                w.offer(key, value);
            }
        }
    }

    synchronized void add(Watch w) {
        Watch[] next = Arrays.copyOf(watches, watches.length + 1);
        next[next.length - 1] = w;
        watches = next;
    }

    synchronized void remove(Watch w) {
        watches = Arrays.stream(watches).filter(x -> x != w).toArray(Watch[]::new);
    }

    int size() {
        return watches.length;
    }

    /** Open WebSocket connections (the registry is the WebSocket layer's shared state). */
    int connections() {
        return connections.get();
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
