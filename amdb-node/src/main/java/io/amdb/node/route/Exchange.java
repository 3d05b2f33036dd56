package io.amdb.node.route;

import io.amdb.node.shard.PointBatch;
import io.amdb.node.shard.ShardTask;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The requests decoded from one network read, routed to shards and gathered into one reply.
 *
 * <p>Each request takes one of three paths: the local one ({@link LocalRoutes}: point operations appended to
 * one {@link PointBatch} per shard, so a pipelined burst costs one event-bus message per shard; SCAN and INFO
 * first send the batches built so far, keeping per-connection order), the coordinator's (unrouted keyed
 * requests and SCAN when this node owns less than everything), or, for a request routed with a newer table
 * than this node has, the local one after the table catches up ({@link #deferring()}). Operations a shard
 * refused because their partition is in its cutover wait for that partition to move (see
 * {@link #partDone}). When every part has answered, the callback given to {@link #seal} runs once, on the
 * connection's context, and the replies are read in request order with {@link #replies()}.
 *
 * <p>Not thread-safe: used only on the owning connection's event loop.
 */
public final class Exchange {
    /** Longest a request refused for a cutover waits for its partition's new owner before it is answered anyway. */
    static final long MAX_WAIT_NANOS = 5_000_000_000L;

    /** One reply: the request it answers and how to build the response once the shards are done. */
    public record Reply(int requestId, int opcode, Supplier<Response> response) {}

    private final ShardDispatcher shards;
    private final Limits limits;
    private final NodeStatus status;
    private final Coordinator coordinator;
    private final Fence fence;
    private final LocalRoutes routes;
    private Runnable onComplete;
    private final List<Reply> replies = new ArrayList<>();
    private final PointBatch[] batches;
    private final Map<ShardTask, String> failures = new IdentityHashMap<>();
    private final List<PointBatch> sent = new ArrayList<>();
    private final long parkingVersion;
    private int outstanding = 1; // the seal() sentinel keeps it above zero while requests are added
    private boolean parked;
    private List<Deferred> deferred; // null unless a request waits for this node's table to catch up
    private long deferUntil;
    private boolean deferredRouted;
    private Runnable afterRouted;
    private long parkedAt;

    /** An exchange that serves only what this node owns: for forwarded pieces, and standalone nodes. */
    public Exchange(ShardDispatcher shards, Limits limits, NodeStatus status) {
        this(shards, limits, status, null);
    }

    /**
     * @param coordinator where requests go that this node cannot answer alone: SCAN when it does not own every
     *                    partition, and keyed requests that arrive unrouted (epoch 0); null: answer them here
     */
    public Exchange(ShardDispatcher shards, Limits limits, NodeStatus status, Coordinator coordinator) {
        this.coordinator = coordinator;
        this.fence = new Fence(status, shards.partitioner());
        this.routes = new LocalRoutes(this, shards, limits, status, fence);
        this.shards = shards;
        this.limits = limits;
        this.status = status;
        this.batches = new PointBatch[shards.shards()];
        this.parkingVersion = status.parkingVersion(); // before any routing: no table change can be missed
    }

    public int size() {
        return replies.size();
    }

    public List<Reply> replies() {
        return replies;
    }

    public void addError(int requestId, int opcode, ErrorCode code, String message) {
        Response error = new Response.Error(code, message);
        replies.add(new Reply(requestId, opcode, () -> error));
    }

    /** Routes one decoded request that came unrouted (epoch 0). */
    public void add(int requestId, Request request) {
        add(requestId, 0, request);
    }

    /**
     * Routes one decoded request. {@code epoch} is the table epoch the client routed it with, 0 for none: a
     * routed request is fenced here (WRONG_OWNER for keys this node does not own), an unrouted one is
     * coordinated (forwarded to the owners). SCAN spans every owner, so it is always coordinated.
     */
    public void add(int requestId, long epoch, Request request) {
        int opcode = request.opcode().code();
        if (deferred != null || (epoch > status.table().epoch() && Coordinator.isKeyed(request))) {
            defer(requestId, opcode, epoch, request);
            return;
        }
        if (coordinator != null && Coordinator.coordinates(request, epoch) && mayMove()) {
            addAsync(requestId, opcode, coordinator.execute(request));
            return;
        }
        Supplier<Response> response;
        try {
            response = routes.route(request);
        } catch (Rejected e) {
            addError(requestId, opcode, e.code, e.getMessage());
            return;
        }
        replies.add(new Reply(requestId, opcode, response));
    }

    /**
     * Whether a partition may be elsewhere or move: true unless this node owns everything in a one-member
     * table. Even a node that owns every partition must coordinate unrouted requests once others have joined:
     * its partitions are about to move, and only the coordinator path follows them.
     */
    private boolean mayMove() {
        return !status.ownsAllPartitions() || status.table().members().size() > 1;
    }

    /**
     * The client routed this request with a newer table than this node holds (a cutover published a moment
     * ago, not installed here yet): routing it now would answer WRONG_OWNER for a partition this node is about
     * to own. It is routed once the table catches up (bounded by {@link #MAX_WAIT_NANOS}), and so is every
     * request after it in this exchange, to keep their order.
     */
    private void defer(int requestId, int opcode, long epoch, Request request) {
        if (deferred == null) {
            deferred = new ArrayList<>();
        }
        @SuppressWarnings("unchecked")
        Supplier<Response>[] slot = new Supplier[1];
        replies.add(new Reply(requestId, opcode, () -> slot[0].get()));
        deferred.add(new Deferred(slot, request));
        deferUntil = Math.max(deferUntil, epoch);
    }

    private record Deferred(Supplier<Response>[] slot, Request request) {}

    /** True from {@link #seal} until the deferred requests are routed (see {@link #whenRouted}). */
    public boolean deferring() {
        return deferred != null && !deferredRouted;
    }

    /** Runs {@code then} once the deferred requests have been routed (at once if there are none left). */
    public void whenRouted(Runnable then) {
        if (deferring()) {
            afterRouted = then;
        } else {
            then.run();
        }
    }

    private void routeDeferred() {
        for (Deferred d : deferred) {
            try {
                d.slot()[0] = routes.route(d.request());
            } catch (Rejected e) {
                Response error = new Response.Error(e.code, e.getMessage());
                d.slot()[0] = () -> error;
            }
        }
        flushBatches();
        deferredRouted = true;
        if (afterRouted != null) {
            afterRouted.run();
        }
        partDone();
    }

    /** A reply computed elsewhere (the coordinator); its place in the reply order is kept. */
    private void addAsync(int requestId, int opcode, Future<Response> pending) {
        outstanding++;
        Response[] slot = new Response[1];
        replies.add(new Reply(requestId, opcode, () -> slot[0]));
        pending.onComplete(ar -> {
            slot[0] = ar.succeeded() ? ar.result()
                    : new Response.Error(ErrorCode.INTERNAL_ERROR, "coordinating failed: " + ar.cause().getMessage());
            partDone();
        });
    }

    /**
     * A local SCAN of exactly the partitions {@code only} marks (a coordinator's piece of a cluster-wide
     * SCAN; the caller checked this node owns them).
     */
    public void addScan(int requestId, Request.Scan scan, boolean[] only) {
        try {
            replies.add(new Reply(requestId, scan.opcode().code(), routes.localScan(scan, only)));
        } catch (Rejected e) {
            addError(requestId, scan.opcode().code(), e.code, e.getMessage());
        }
    }

    /**
     * Ends the exchange: sends what is still buffered. {@code onComplete} runs once every part has answered
     * (at once if nothing went to a shard), on the caller's context.
     */
    public void seal(Runnable onComplete) {
        this.onComplete = onComplete;
        flushBatches();
        if (deferred != null) {
            outstanding++;
            status.waitingForTable(1);
            TableWait.until(status, deferUntil, status.parkingVersion()).onComplete(v -> {
                status.waitingForTable(-1);
                routeDeferred();
            });
        }
        partDone();
    }

    PointBatch point(byte op, int partition, byte[] key, byte[] value) {
        int shard = shards.shardOf(partition);
        PointBatch b = batches[shard];
        if (b == null) {
            b = batches[shard] = new PointBatch();
        }
        b.add(op, partition, key, value);
        return b;
    }

    void flushBatches() {
        for (int s = 0; s < batches.length; s++) {
            if (batches[s] != null) {
                sent.add(batches[s]);
                send(s, batches[s]);
                batches[s] = null;
            }
        }
    }

    <T extends ShardTask> T send(int shard, T task) {
        outstanding++;
        Future<T> done = shards.send(shard, task);
        done.onComplete(ar -> {
            if (ar.failed()) {
                failures.put(task, "shard " + shard + " failed: " + ar.cause().getMessage());
            }
            partDone();
        });
        return task;
    }

    /**
     * When every part has answered: if a shard refused operations because their partition is in its cutover,
     * waits once for the table to move on (so the replies can name the new owner), then completes.
     */
    private void partDone() {
        if (--outstanding > 0) {
            return;
        }
        if (sent.stream().anyMatch(PointBatch::anyFenced)) {
            long now = System.nanoTime();
            if (!parked) {
                parked = true;
                parkedAt = now;
                outstanding = 1;
                status.park(parkingVersion, this::partDone);
                return;
            }
            long seen = status.parkingVersion(); // before looking at the table, so no change is missed
            if (now - parkedAt < MAX_WAIT_NANOS && fencedStillHere()) {
                outstanding = 1; // another partition's cutover woke us: this one is still moving
                status.park(seen, this::partDone);
                return;
            }
        }
        onComplete.run();
    }

    /** Whether a partition whose operations were refused for its cutover is still this node's in the table. */
    private boolean fencedStillHere() {
        PartitionTable table = status.table();
        for (PointBatch b : sent) {
            for (int i = 0; b.anyFenced() && i < b.size(); i++) {
                Member owner = b.fenced(i) ? table.owner(b.partition(i)) : null;
                if (owner != null && owner.nodeId().equals(status.nodeId())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The response, unless a task it depends on failed: then INTERNAL_ERROR naming the failure. */
    Supplier<Response> guarded(List<? extends ShardTask> deps, Supplier<Response> ok) {
        return () -> {
            for (ShardTask t : deps) {
                String failure = failures.get(t);
                if (failure != null) {
                    return new Response.Error(ErrorCode.INTERNAL_ERROR, failure);
                }
            }
            return ok.get();
        };
    }
}
