package io.amdb.node.cluster;

import io.amdb.node.ring.Membership;
import io.amdb.protocol.Member;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Membership} over the Vert.x cluster manager (Hazelcast): which AmDb nodes are alive, as
 * {@link Member}s with their protocol addresses.
 *
 * <p>Each node advertises its member in the event bus's cluster-node metadata ({@link #metadata(Member)});
 * a joiner's metadata is read when Hazelcast reports it. Hazelcast calls {@link NodeListener} on its own
 * threads: every event hops onto {@code context} before touching state, so all state and the listener
 * live on that one event loop (DESIGN §5). Members are keyed by the Vert.x node id, which is new for every
 * process incarnation, so a node that restarts under the same AmDb id is a removal and then an addition.
 */
public final class HazelcastMembership implements Membership {
    /** Metadata reads right after a join can precede the joiner's publication of it: retry, bounded. */
    static final int INFO_ATTEMPTS = 100;
    static final long INFO_RETRY_MS = 50;

    private final Vertx vertx;
    private final ClusterManager manager;
    private final Context context;
    private final Map<String, Member> byVertxId = new LinkedHashMap<>();
    private final Map<String, BitSet> claimsByVertxId = new HashMap<>();
    private final Map<String, String> rackByVertxId = new HashMap<>();
    private final Map<String, Replica> replicaByVertxId = new HashMap<>();
    private final Map<String, Member> duplicates = new HashMap<>(); // later processes under a member's id
    private Listener listener;

    private HazelcastMembership(Vertx vertx, ClusterManager manager, Context context) {
        this.vertx = vertx;
        this.manager = manager;
        this.context = context;
    }

    /**
     * Where a member's replica of the table log listens, and the table group it recovered from its data
     * directory at start (null: none, a fresh or memory-only node).
     */
    public record Replica(String peerId, String address, String groupId) {}

    /** The event-bus metadata that advertises {@code self}; set it on EventBusOptions before clustering. */
    public static JsonObject metadata(Member self) {
        return metadata(self, new BitSet(), null, "");
    }

    /**
     * As {@link #metadata(Member)}, also advertising the partitions {@code self} claims (those its saved table
     * gave it, which it recovered from its data directory: see {@link Membership#claims()}) and its replica of
     * the table log (null: none).
     */
    public static JsonObject metadata(Member self, BitSet claims, Replica replica, String rack) {
        JsonObject md = new JsonObject().put("amdb.nodeId", self.nodeId()).put("amdb.host", self.host())
                .put("amdb.port", self.port());
        if (!rack.isEmpty()) {
            md.put("amdb.rack", rack);
        }
        if (!claims.isEmpty()) {
            md.put("amdb.claims", Base64.getEncoder().encodeToString(claims.toByteArray()));
        }
        if (replica != null) {
            md.put("amdb.raftPeer", replica.peerId()).put("amdb.raftAddress", replica.address());
            if (replica.groupId() != null) {
                md.put("amdb.raftGroup", replica.groupId());
            }
        }
        return md;
    }

    @Override
    public Map<String, BitSet> claims() {
        return byNodeId(claimsByVertxId);
    }

    @Override
    public Map<String, String> racks() {
        return byNodeId(rackByVertxId);
    }

    /** Each live member's table-log replica, by node id; members that advertise none are absent. */
    public Map<String, Replica> replicas() {
        return byNodeId(replicaByVertxId);
    }

    /** A map keyed by Vert.x node id, keyed instead by the AmDb node id of each live member. */
    private <T> Map<String, T> byNodeId(Map<String, T> byVertx) {
        Map<String, T> out = new HashMap<>();
        byVertx.forEach((vertxId, value) -> {
            Member m = byVertxId.get(vertxId);
            if (m != null) {
                out.put(m.nodeId(), value);
            }
        });
        return out;
    }

    /**
     * Starts tracking membership; every callback, and {@link #members()}, belong to {@code context}'s thread.
     * The future completes once the members already in the cluster are known, so a listener set after it
     * hears only later changes.
     */
    public static Future<HazelcastMembership> start(Vertx vertx, ClusterManager manager, Context context) {
        HazelcastMembership m = new HazelcastMembership(vertx, manager, context);
        manager.nodeListener(new NodeListener() {
            @Override
            public void nodeAdded(String vertxId) {
                context.runOnContext(v -> m.lookUp(vertxId, INFO_ATTEMPTS, Promise.promise()));
            }

            @Override
            public void nodeLeft(String vertxId) {
                context.runOnContext(v -> m.remove(vertxId));
            }
        });
        Promise<HazelcastMembership> ready = Promise.promise();
        context.runOnContext(v -> {
            List<Future<Void>> known = new ArrayList<>();
            for (String id : manager.getNodes()) {
                Promise<Void> looked = Promise.promise();
                m.lookUp(id, INFO_ATTEMPTS, looked);
                known.add(looked.future());
            }
            Future.join(known).onComplete(ar -> ready.complete(m));
        });
        return ready.future();
    }

    @Override
    public List<Member> members() {
        assert onContext() : "membership read off its context";
        return new ArrayList<>(byVertxId.values());
    }

    /** True on {@link #context} or one of its duplicates (event-bus handlers run on a duplicate). */
    private boolean onContext() {
        Context current = Vertx.currentContext();
        return current != null && ((io.vertx.core.internal.ContextInternal) current).unwrap()
                == ((io.vertx.core.internal.ContextInternal) context).unwrap();
    }

    /**
     * The oldest live member (Hazelcast lists members oldest first): the coordinator that plans and
     * publishes tables. Null until its advertised member has been read.
     */
    public Member oldest() {
        for (String id : manager.getNodes()) {
            Member m = byVertxId.get(id);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    @Override
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** Reads the node's advertised member and adds it; {@code done} completes when added or given up. */
    private void lookUp(String vertxId, int attemptsLeft, Promise<Void> done) {
        if (byVertxId.containsKey(vertxId) || !manager.getNodes().contains(vertxId)) {
            done.tryComplete(); // known already, or left before we could read its metadata
            return;
        }
        manager.getNodeInfo(vertxId, (info, error) -> context.runOnContext(v -> {
            Member member = error == null ? memberOf(info) : null;
            if (member != null) {
                BitSet claimed = claimsOf(info);
                if (!claimed.isEmpty()) {
                    claimsByVertxId.put(vertxId, claimed);
                }
                String rack = info.metadata().getString("amdb.rack");
                if (rack != null && !rack.isEmpty() && rack.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                        <= Member.MAX_TEXT_BYTES) {
                    rackByVertxId.put(vertxId, rack);
                }
                Replica replica = replicaOf(info);
                if (replica != null) {
                    replicaByVertxId.put(vertxId, replica);
                }
                add(vertxId, member);
                done.tryComplete();
            } else if (attemptsLeft > 1) {
                vertx.setTimer(INFO_RETRY_MS, t -> lookUp(vertxId, attemptsLeft - 1, done));
            } else {
                done.tryComplete(); // not an AmDb node, or it never said who it is: not a member
            }
        }));
    }

    private void add(String vertxId, Member member) {
        if (!manager.getNodes().contains(vertxId) || byVertxId.containsKey(vertxId)) {
            return;
        }
        String twinId = byVertxId.entrySet().stream().filter(e -> e.getValue().nodeId().equals(member.nodeId()))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        if (twinId != null) {
            // Two processes under one node id: the older Hazelcast member stays the member; the younger is
            // ignored here and refuses to start (see duplicateOf).
            List<String> byAge = new ArrayList<>(manager.getNodes());
            boolean newcomerOlder = byAge.indexOf(vertxId) >= 0 && byAge.indexOf(vertxId) < byAge.indexOf(twinId);
            String younger = newcomerOlder ? twinId : vertxId;
            Member kept = newcomerOlder ? member : byVertxId.get(twinId);
            Member ignored = newcomerOlder ? byVertxId.get(twinId) : member;
            java.util.logging.Logger.getLogger(HazelcastMembership.class.getName()).warning("ignoring a second "
                    + "process with node id " + member.nodeId() + " at " + ignored.host() + ":" + ignored.port()
                    + "; the member at " + kept.host() + ":" + kept.port() + " has that id");
            duplicates.put(younger, ignored);
            if (!newcomerOlder) {
                return;
            }
            byVertxId.remove(twinId);
            if (listener != null) {
                listener.memberRemoved(ignored);
            }
        }
        byVertxId.put(vertxId, member);
        if (listener != null) {
            listener.memberAdded(member);
        }
    }

    private void remove(String vertxId) {
        duplicates.remove(vertxId);
        Member member = byVertxId.remove(vertxId);
        claimsByVertxId.remove(vertxId);
        rackByVertxId.remove(vertxId);
        replicaByVertxId.remove(vertxId);
        if (member != null && listener != null) {
            listener.memberRemoved(member);
        }
    }

    /** The partitions a member's metadata claims; empty when it claims none or says nothing readable. */
    private static BitSet claimsOf(NodeInfo info) {
        String encoded = info.metadata().getString("amdb.claims");
        try {
            return encoded == null ? new BitSet() : BitSet.valueOf(Base64.getDecoder().decode(encoded));
        } catch (IllegalArgumentException e) {
            return new BitSet(); // a malformed claim claims nothing: its partitions stay LOST
        }
    }

    /**
     * The member already using {@code self}'s node id when this process is a later duplicate of it (it must
     * not start), or null. Call once the membership started.
     */
    public Member duplicateOf(Member self, String selfVertxId) {
        if (!duplicates.containsKey(selfVertxId)) {
            return null;
        }
        return byVertxId.values().stream().filter(m -> m.nodeId().equals(self.nodeId())).findFirst().orElse(null);
    }

    private static Replica replicaOf(NodeInfo info) {
        JsonObject md = info.metadata();
        String peer = md == null ? null : md.getString("amdb.raftPeer");
        String address = md == null ? null : md.getString("amdb.raftAddress");
        return peer == null || address == null ? null : new Replica(peer, address, md.getString("amdb.raftGroup"));
    }

    private static Member memberOf(NodeInfo info) {
        JsonObject md = info == null ? null : info.metadata();
        if (md == null || md.getString("amdb.nodeId") == null) {
            return null;
        }
        return new Member(md.getString("amdb.nodeId"), md.getString("amdb.host"), md.getInteger("amdb.port"));
    }
}
