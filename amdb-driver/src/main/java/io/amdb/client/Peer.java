package io.amdb.client;

import io.amdb.protocol.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * One node the client talks to: {@link ClientOptions#connectionsPerNode()} connections to one address, all
 * served by the client's single {@link IoLoop}.
 *
 * <p>Life: <em>connecting</em> (calls queue on their connection) → <em>ready</em> (every connection is up)
 * → <em>lost</em> as soon as any connection fails to connect or breaks. Lost is final: calls already on the
 * peer fail with CONNECTION_LOST, and later calls routed here fail fast with {@link #rejection()}. They are
 * never sent to another node instead, since only the owner may serve a key. The {@link Router} replaces a
 * lost peer by a fresh one when a newer partition table names its address again.
 *
 * <p>Threading: the state fields are volatile; {@link #connectionReady} and {@link #connectionLost} run on
 * the I/O thread (or, for a peer that could not even start connecting, on the creating thread before the
 * peer is published).
 */
final class Peer {
    private final String label;
    private final Connection[] connections;
    private final LongConsumer epochObserver;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private int connected; // I/O thread
    private volatile String lostMessage;

    private Peer(String label, int connections, LongConsumer epochObserver) {
        this.label = label;
        this.connections = new Connection[connections];
        this.epochObserver = epochObserver;
    }

    /**
     * Starts connecting, without blocking, and hands the connections to the loop. A failure to even start
     * (unknown host, no local port) yields a peer that is lost from the start.
     *
     * @param label         "host:port" as the seed list or the table spells it, for messages
     * @param epochObserver receives the table epoch of every response header
     */
    static Peer open(IoLoop loop, String label, InetSocketAddress address, ClientOptions options,
                     LongConsumer epochObserver) {
        Peer peer = new Peer(label, options.connectionsPerNode(), epochObserver);
        SocketChannel[] channels = new SocketChannel[peer.connections.length];
        try {
            if (address.isUnresolved()) {
                throw new IOException("unknown host " + address.getHostString());
            }
            for (int i = 0; i < channels.length; i++) {
                channels[i] = SocketChannel.open();
                channels[i].setOption(StandardSocketOptions.TCP_NODELAY, true);
                channels[i].configureBlocking(false);
                channels[i].connect(address);
            }
        } catch (IOException | RuntimeException e) {
            for (SocketChannel c : channels) {
                IoLoop.closeQuietly(c);
            }
            peer.connectionLost("cannot connect to " + label + ": " + IoLoop.describe(e));
            return peer;
        }
        for (int i = 0; i < channels.length; i++) {
            peer.connections[i] = new Connection(peer, channels[i], options.maxInboundFrameBytes());
        }
        for (Connection c : peer.connections) {
            loop.add(c);
        }
        return peer;
    }

    String label() {
        return label;
    }

    /** Completes once every connection is up; fails with CONNECTION_LOST once the peer is lost. */
    CompletableFuture<Void> ready() {
        return ready;
    }

    boolean isLost() {
        return lostMessage != null;
    }

    /** Null while calls may be sent here; else the CONNECTION_LOST failure to give them at once. */
    AmDbException rejection() {
        String lost = lostMessage;
        return lost == null ? null : new AmDbException(ErrorCode.CONNECTION_LOST,
                lost + " (no reconnect until a new partition table names " + label + ")");
    }

    /**
     * The connection for requests on this key: always the same one, so requests on one key keep their
     * order. It uses the hash's high half; the partition uses the low bits, so the two are independent.
     * Only for a peer that is not lost.
     */
    /** The connection for a key whose {@code KeyHash.hash64} is {@code keyHash} (the caller has it already). */
    Connection connectionFor(long keyHash) {
        return connections[connectionIndex(keyHash, connections.length)];
    }

    /** Round-robin, for requests with no key. Only for a peer that is not lost. */
    Connection anyConnection() {
        return connections[Math.floorMod(roundRobin.getAndIncrement(), connections.length)];
    }

    /** High bits pick the connection; the low bits already picked the partition. */
    static int connectionIndex(long keyHash, int connections) {
        return connections == 1 ? 0 : (int) Long.remainderUnsigned(keyHash >>> 32, connections);
    }

    /** Stops using this peer (a seed that did not answer): marks it lost and closes its connections. */
    void retire(IoLoop loop, String why) {
        connectionLost(why);
        for (Connection c : connections) {
            if (c != null) {
                loop.retire(c, why);
            }
        }
    }

    void observeEpoch(long epoch) {
        epochObserver.accept(epoch);
    }

    /** I/O thread: one more connection is up. */
    void connectionReady() {
        if (++connected == connections.length) {
            ready.complete(null);
        }
    }

    /** A connection failed to connect or broke; the first message is kept. */
    void connectionLost(String message) {
        if (lostMessage == null) {
            lostMessage = message;
            ready.completeExceptionally(new AmDbException(ErrorCode.CONNECTION_LOST, message));
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
