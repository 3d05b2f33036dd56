package io.amdb.node.sim;

import io.amdb.node.route.Forwarder;
import io.amdb.node.shard.PointBatch;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One node's request paths: the forwarding path (mirrors {@code route/Forwarder} and {@code ForwardedSplit.single}:
 * one piece to the key's owner, resent after WRONG_OWNER once the table moved on, for up to 30 s; a piece out to an
 * owner that left the table answered WRONG_OWNER at once) and the owner's side (mirrors {@code PeerEndpoint},
 * {@code Fence} and {@code LocalRoutes}: wait for a newer epoch, serve only owned partitions, an operation on a
 * fenced partition waits for the cutover and is then refused). Operations run on the node's real
 * {@code ShardStore} through the production {@link PointBatch}.
 */
final class SimRouting {
    static final long PIECE_TIMEOUT_MS = 30_000;
    static final long RETRY_MS = 30_000;

    enum Status { OK, WRONG_OWNER, LOST, TIMEOUT, UNAVAILABLE }

    /** A client operation: GET, PUT (value) or DELETE of one key. */
    record Op(byte kind, String key, byte[] value) {}

    /** An answer, with the table epoch it was given at. */
    record Reply(Status status, byte[] value, long epoch) {}

    private final SimNode node;
    private final Map<String, List<Piece>> outstanding = new HashMap<>();

    private final class Piece {
        final String owner;
        final SimCall<Reply> call;
        final boolean writes;
        long departedAt = -1;

        Piece(String owner, SimCall<Reply> call, boolean writes) {
            this.owner = owner;
            this.call = call;
            this.writes = writes;
        }
    }

    SimRouting(SimNode node) {
        this.node = node;
    }

    // ---- the forwarding node ----

    /** A client request received by this node (epoch 0: forwarded). */
    void forward(Op op, Consumer<Reply> done) {
        round(op, done, node.sim.now(), 1);
    }

    private void round(Op op, Consumer<Reply> done, long started, int attempt) {
        long seen = node.table.version();
        PartitionTable t = node.current();
        if (t == null) {
            done.accept(new Reply(Status.UNAVAILABLE, null, 0));
            return;
        }
        int p = partition(op.key());
        Member owner = t.owner(p);
        if (owner == null) {
            done.accept(new Reply(Status.LOST, null, t.epoch()));
            return;
        }
        Piece[] piece = new Piece[1];
        SimCall<Reply> call = SimCall.of(node, PIECE_TIMEOUT_MS, new Reply(Status.TIMEOUT, null, 0), reply -> {
            outstanding.get(piece[0].owner).remove(piece[0]);
            if (reply.status() == Status.TIMEOUT && reply.epoch() == 0 && piece[0].departedAt >= 0) { // epoch 0: timed out
                node.sim.checks.fail("a piece to " + piece[0].owner + " waited out its timeout although the owner left "
                        + node.id + "'s table at t=" + piece[0].departedAt);
            }
            boolean mayRetry = node.sim.now() - started < RETRY_MS;
            if (reply.status() == Status.WRONG_OWNER && mayRetry) {
                node.untilNewer(reply.epoch(), seen, () -> round(op, done, started, attempt + 1));
            } else {
                done.accept(reply);
            }
        });
        piece[0] = new Piece(owner.nodeId(), call, op.kind() != PointBatch.GET);
        outstanding.computeIfAbsent(owner.nodeId(), id -> new ArrayList<>()).add(piece[0]);
        long epoch = t.epoch();
        String self = node.id;
        node.sendOnce(owner.nodeId(), o -> o.routing.serveAfterCatchUp(op, epoch,
                reply -> o.send(self, back -> call.complete(reply))));
        if (Forwarder.departed(t, owner.nodeId())) {
            ownerLeft(piece[0], t);
        }
    }

    /** Forwarder.tableInstalled: pieces out to owners no longer in the table are answered at once. */
    void tableInstalled(PartitionTable newer) {
        for (Map.Entry<String, List<Piece>> e : outstanding.entrySet()) {
            if (newer.member(e.getKey()) == null) {
                for (Piece p : new ArrayList<>(e.getValue())) {
                    if (p.departedAt < 0) {
                        p.departedAt = node.sim.now();
                    }
                    if (Forwarder.departed(newer, e.getKey())) {
                        ownerLeft(p, newer);
                    }
                }
            }
        }
    }

    /** Forwarder.ownerLeft and Piece.asWrites: a read is sent again; a write the owner may have applied is unknown. */
    private void ownerLeft(Piece p, PartitionTable t) {
        Reply left = new Reply(p.writes ? Status.TIMEOUT : Status.WRONG_OWNER, null, t.epoch());
        node.local(() -> p.call.complete(left));
    }

    // ---- the owner ----

    /** PeerEndpoint: a piece routed with a newer epoch than this node's waits for that table first. */
    void serveAfterCatchUp(Op op, long epoch, Consumer<Reply> reply) {
        node.await(() -> node.current() != null && node.current().epoch() >= epoch, () -> serve(op, reply));
    }

    private void serve(Op op, Consumer<Reply> reply) {
        PartitionTable t = node.current();
        if (t == null) {
            reply.accept(new Reply(Status.WRONG_OWNER, null, 0));
            return;
        }
        int p = partition(op.key());
        Member owner = t.owner(p);
        if (owner == null) {
            reply.accept(new Reply(Status.LOST, null, t.epoch()));
            return;
        }
        if (!node.table.isSelf(owner)) { // Fence.ownedPartition
            reply.accept(new Reply(Status.WRONG_OWNER, null, t.epoch()));
            return;
        }
        if (!node.durable && !owner.equals(node.member())) {
            node.sim.checks.servesPreviousIncarnation(node, owner, p);
        }
        PointBatch b = new PointBatch();
        b.add(op.kind(), p, key(op.key()), op.value());
        b.runOn(node.store, Integer.MAX_VALUE);
        if (b.fenced(0)) { // in its cutover: wait for it (LocalRoutes, Fence.moved), then refuse
            long seen = node.table.version();
            node.await(() -> node.table.version() > seen,
                    () -> reply.accept(new Reply(Status.WRONG_OWNER, null, node.current().epoch())));
            return;
        }
        if (op.kind() != PointBatch.GET) {
            node.sim.checks.clientWrite(node, p, t.epoch());
        }
        reply.accept(new Reply(Status.OK, b.value(0), t.epoch()));
    }

    int partition(String key) {
        return node.sim.partitioner.partition(key(key));
    }

    static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
