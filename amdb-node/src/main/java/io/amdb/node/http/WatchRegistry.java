package io.amdb.node.http;

import io.amdb.node.storage.WriteObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's watches by key prefix, and the other nodes' interest in its writes: the {@link WriteObserver}
 * every shard reports client writes to.
 *
 * <p>Thread-safety: {@link #written} runs on every shard's event loop; it reads two volatile arrays, so with
 * no watches anywhere a write costs two volatile reads. Adding and removing copy an array under this object's
 * lock (rare). Matching watches and forwarders get the event through a non-blocking {@link EventBuffer}.
 */
final class WatchRegistry implements WriteObserver {
    private static final Watch[] NONE = new Watch[0];
    private static final WatchForwarder[] NO_REMOTES = new WatchForwarder[0];

    private volatile Watch[] watches = NONE;
    private volatile WatchForwarder[] remotes = NO_REMOTES;
    private volatile Runnable onLocalChange = () -> { };
    private final AtomicInteger connections = new AtomicInteger();

    @Override
    public void written(int partition, byte[] key, byte[] value) {
        Watch[] local = watches;
        WatchForwarder[] remote = remotes;
        if (local.length == 0 && remote.length == 0) {
            return;
        }
        deliver(local, key, value);
        for (WatchForwarder f : remote) {
            if (f.wants(key)) {
                f.offer(key, value);
            }
        }
    }

    /** Delivers a write another node forwarded: to local watches only (forwarding never loops). */
    void deliverLocal(byte[] key, byte[] value) {
        deliver(watches, key, value);
    }

    /**
     * Ends every local watch: another node's forwarder to this one overflowed, so any of them may have
     * missed events (the forwarder carries the union of their prefixes). Their sessions close SLOW_CONSUMER.
     */
    void overflowLocal() {
        for (Watch w : watches) {
            w.buffer().overflow();
        }
    }

    synchronized void add(Watch w) {
        Watch[] next = Arrays.copyOf(watches, watches.length + 1);
        next[next.length - 1] = w;
        watches = next;
        onLocalChange.run();
    }

    synchronized void remove(Watch w) {
        watches = Arrays.stream(watches).filter(x -> x != w).toArray(Watch[]::new);
        onLocalChange.run();
    }

    /** The prefixes local watches want (duplicates kept: cheap, and rare). */
    List<byte[]> localPrefixes() {
        List<byte[]> prefixes = new ArrayList<>();
        for (Watch w : watches) {
            prefixes.add(w.prefix());
        }
        return prefixes;
    }

    /** Called (on the changing thread) after each add or remove: the cluster layer republishes its interest. */
    void onLocalChange(Runnable listener) {
        onLocalChange = listener;
    }

    /** Installs the forwarders to other nodes; called by the cluster layer on its own context. */
    void setRemotes(WatchForwarder[] forwarders) {
        remotes = forwarders;
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

    private static void deliver(Watch[] local, byte[] key, byte[] value) {
        for (Watch w : local) {
            if (startsWith(key, w.prefix())) {
                w.offer(key, value);
            }
        }
    }
}
