package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * The client's cached partition table and the {@link Peer}s it routes to.
 *
 * <p><b>Routing.</b> {@link #routing()} is an immutable snapshot: the table and, per member index, its
 * peer. A request is routed with one snapshot and carries that snapshot's epoch, so a node can fence it.
 * Reading the snapshot is one volatile read; only {@link #adopt} replaces it.
 *
 * <p><b>Peers.</b> One per resolved socket address, so a seed and the member it turns out to be (even as
 * "localhost" vs "127.0.0.1") share connections. A new table opens peers for members not seen before, and
 * reopens lost ones: a table change is the only time this client reconnects. Resolving a member's host
 * name happens in {@link #adopt}, which may run on the I/O thread: tables should name members by address.
 *
 * <p>Thread-safe: writers synchronize on this; readers use the volatile snapshot and concurrent map.
 */
final class Router {
    /** The table and the peer of each of its members (index as in {@link PartitionTable#members()}). */
    record Routing(PartitionTable table, Peer[] peers) {
        long epoch() {
            return table.epoch();
        }

        /** The peer serving this partition, or null when the partition is LOST. */
        Peer ownerOf(int partition) {
            int i = table.ownerIndex(partition);
            return i == PartitionTable.LOST ? null : peers[i];
        }
    }

    private final IoLoop loop;
    private final ClientOptions options;
    private final Map<InetSocketAddress, Peer> peers = new ConcurrentHashMap<>(); // written under this
    private final LongConsumer epochObserver;
    private volatile Routing routing;
    private volatile InetSocketAddress seedAddress;

    /** @param epochObserver receives the epoch of every response header, from the I/O thread */
    Router(IoLoop loop, ClientOptions options, LongConsumer epochObserver) {
        this.loop = loop;
        this.options = options;
        this.epochObserver = epochObserver;
    }

    /** The current snapshot; null only before the first table is adopted (during connect). */
    Routing routing() {
        return routing;
    }

    /** The cached table's epoch; 0 before the first table. */
    long epoch() {
        Routing r = routing;
        return r == null ? 0 : r.epoch();
    }

    /** Connect time: opens (or reuses) the peer of a seed and prefers it for requests with no key. */
    synchronized Peer openSeed(Seed seed) {
        InetSocketAddress address = new InetSocketAddress(seed.host(), seed.port());
        seedAddress = address;
        return peerAt(address, seed.toString());
    }

    /** Connect time: gives up on a seed that did not answer. */
    synchronized void dropSeed(Peer peer, String why) {
        peers.values().remove(peer);
        peer.retire(loop, why);
    }

    /**
     * Makes {@code table} the cached table if its epoch is higher than the cached one's, opening peers for
     * its members. Returns whether it did.
     */
    synchronized boolean adopt(PartitionTable table) {
        if (routing != null && table.epoch() <= routing.epoch()) {
            return false;
        }
        List<Member> members = table.members();
        Peer[] byMember = new Peer[members.size()];
        for (int i = 0; i < byMember.length; i++) {
            Member m = members.get(i);
            byMember[i] = peerAt(new InetSocketAddress(m.host(), m.port()), Seed.label(m.host(), m.port()));
        }
        routing = new Routing(table, byMember);
        return true;
    }

    /**
     * A peer for a request with no key: the seed's while it lives, else the first live member's. Null
     * when no peer lives.
     */
    Peer anyLive() {
        List<Peer> live = liveCandidates(1);
        return live.isEmpty() ? null : live.get(0);
    }

    /** Up to {@code max} live peers, the seed's first, then the members' in table order. */
    List<Peer> liveCandidates(int max) {
        List<Peer> live = new ArrayList<>();
        InetSocketAddress s = seedAddress;
        Peer seed = s == null ? null : peers.get(s);
        if (seed != null && !seed.isLost()) {
            live.add(seed);
        }
        Routing r = routing;
        if (r != null) {
            for (Peer p : r.peers()) {
                if (live.size() >= max) {
                    break;
                }
                if (!p.isLost() && !live.contains(p)) {
                    live.add(p);
                }
            }
        }
        return live.size() > max ? live.subList(0, max) : live;
    }

    /** The failure of a request with no key when {@link #anyLive()} found nothing. */
    AmDbException noLivePeer() {
        InetSocketAddress s = seedAddress;
        Peer seed = s == null ? null : peers.get(s);
        AmDbException seedFailure = seed == null ? null : seed.rejection();
        return seedFailure != null ? seedFailure
                : new AmDbException(ErrorCode.CONNECTION_LOST, "no connection to any node of the cluster is left");
    }

    /** Every peer in the current table, for waiting on their connects. */
    List<Peer> memberPeers() {
        Routing r = routing;
        return r == null ? List.of() : List.of(r.peers());
    }

    private Peer peerAt(InetSocketAddress address, String label) {
        Peer p = peers.get(address);
        if (p == null || p.isLost()) {
            p = Peer.open(loop, label, address, options, epochObserver);
            peers.put(address, p);
        }
        return p;
    }
}
