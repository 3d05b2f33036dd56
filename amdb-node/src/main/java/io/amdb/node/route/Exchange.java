package io.amdb.node.route;

import io.amdb.node.shard.PointBatch;
import io.amdb.node.shard.ScanTask;
import io.amdb.node.shard.ShardTask;
import io.amdb.node.shard.StatsTask;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Member;
import io.amdb.protocol.PartitionTable;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The requests decoded from one network read, routed to shards and gathered into one reply.
 *
 * <p>Point operations are appended to one {@link PointBatch} per shard, so a pipelined burst costs one
 * event-bus message per shard instead of one per request. SCAN and INFO first send the batches built so
 * far, keeping per-connection order. When every part has answered, the callback given to {@link #seal}
 * runs once, on the connection's context, and the replies are read in request order with {@link #replies()}.
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
        if (coordinator != null && !status.ownsAllPartitions() && Coordinator.coordinates(request, epoch)) {
            addAsync(requestId, opcode, coordinator.execute(request));
            return;
        }
        Supplier<Response> response;
        try {
            response = route(request);
        } catch (Rejected e) {
            addError(requestId, opcode, e.code, e.getMessage());
            return;
        }
        replies.add(new Reply(requestId, opcode, response));
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
                d.slot()[0] = route(d.request());
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
            replies.add(new Reply(requestId, scan.opcode().code(), localScan(scan, only)));
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

    private Supplier<Response> route(Request request) throws Rejected {
        if (request instanceof Request.Get get) {
            return get(get.key());
        } else if (request instanceof Request.Put put) {
            Rejected.checkKey(limits, put.key());
            Rejected.check(limits.checkValue(put.value()), "value of " + put.value().length + " bytes exceeds the limit of "
                    + limits.maxValueBytes());
            PointBatch b = point(PointBatch.PUT, fence.ownedPartition(put.key()), put.key(), put.value());
            int i = b.size() - 1;
            return guarded(List.of(b), () -> b.fenced(i) ? fence.moved(b.partition(i)) : Response.DONE);
        } else if (request instanceof Request.Delete delete) {
            Rejected.checkKey(limits, delete.key());
            PointBatch b = point(PointBatch.DELETE, fence.ownedPartition(delete.key()), delete.key(), null);
            int i = b.size() - 1;
            return guarded(List.of(b), () -> b.fenced(i) ? fence.moved(b.partition(i)) : new Response.Deleted(b.existed(i)));
        } else if (request instanceof Request.MGet mget) {
            return mget(mget.keys());
        } else if (request instanceof Request.Batch batch) {
            return batch(batch.items());
        } else if (request instanceof Request.Scan scan) {
            return scan(scan);
        } else if (request instanceof Request.Info) {
            return info();
        } else if (request instanceof Request.Table) {
            Response table = new Response.Table(status.table());
            return () -> table;
        }
        return () -> Response.DONE; // PING
    }

    private Supplier<Response> get(byte[] key) throws Rejected {
        Rejected.checkKey(limits, key);
        PointBatch b = point(PointBatch.GET, fence.ownedPartition(key), key, null);
        int i = b.size() - 1;
        return guarded(List.of(b), () -> b.fenced(i) ? fence.moved(b.partition(i)) : new Response.Value(b.value(i)));
    }

    private Supplier<Response> mget(List<byte[]> keys) throws Rejected {
        Rejected.checkCount(limits, keys.size());
        int[] partitions = new int[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            Rejected.checkKey(limits, keys.get(k));
            partitions[k] = fence.ownedPartition(keys.get(k)); // all or nothing: the client splits MGET per owner
        }
        PointBatch[] owner = new PointBatch[keys.size()];
        int[] index = new int[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            owner[k] = point(PointBatch.GET, partitions[k], keys.get(k), null);
            index[k] = owner[k].size() - 1;
        }
        return guarded(List.of(owner), () -> {
            List<byte[]> values = new ArrayList<>(owner.length);
            for (int k = 0; k < owner.length; k++) {
                if (owner[k].fenced(index[k])) {
                    return fence.moved(owner[k].partition(index[k]));
                }
                values.add(owner[k].value(index[k]));
            }
            return Replies.values(values, limits);
        });
    }

    private Supplier<Response> batch(List<Request.BatchItem> items) throws Rejected {
        Rejected.checkCount(limits, items.size());
        ErrorCode[] statuses = new ErrorCode[items.size()];
        PointBatch[] owner = new PointBatch[items.size()];
        int[] index = new int[items.size()];
        List<ShardTask> touched = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            Request.BatchItem item = items.get(k);
            ErrorCode status = limits.checkKey(item.key());
            if (status == ErrorCode.OK && item.isPut()) {
                status = limits.checkValue(item.value());
            }
            int partition = -1;
            if (status == ErrorCode.OK) {
                try {
                    partition = fence.ownedPartition(item.key());
                } catch (Rejected e) {
                    status = e.code; // per item: the client resends just these after refreshing its table
                }
            }
            statuses[k] = status;
            if (status == ErrorCode.OK) {
                owner[k] = point(item.isPut() ? PointBatch.PUT : PointBatch.DELETE, partition, item.key(), item.value());
                index[k] = owner[k].size() - 1;
                touched.add(owner[k]);
            }
        }
        return guarded(touched, () -> {
            for (int k = 0; k < statuses.length; k++) {
                if (owner[k] != null && owner[k].fenced(index[k])) {
                    statuses[k] = ErrorCode.WRONG_OWNER; // handed off meanwhile: the client resends it
                }
            }
            return new Response.Statuses(List.of(statuses));
        });
    }

    private Supplier<Response> scan(Request.Scan scan) throws Rejected {
        if (!status.ownsAllPartitions()) { // only without a coordinator: a local scan would miss other nodes' keys
            throw new Rejected(ErrorCode.WRONG_OWNER, "node " + status.nodeId() + " holds only part of the key space "
                    + "at epoch " + status.table().epoch() + "; send SCAN to a node that coordinates");
        }
        return localScan(scan, null);
    }

    private Supplier<Response> localScan(Request.Scan scan, boolean[] only) throws Rejected {
        Rejected.check(limits.checkScanBound(scan.start()), "scan start is longer than " + (limits.maxKeyBytes() + 1) + " bytes");
        Rejected.check(limits.checkScanBound(scan.end()), "scan end is longer than " + (limits.maxKeyBytes() + 1) + " bytes");
        int limit = Math.min(scan.limit(), limits.maxScanLimit());
        flushBatches();
        List<ScanTask> parts = new ArrayList<>();
        for (int s = 0; s < shards.shards(); s++) {
            parts.add(send(s, new ScanTask(scan.start(), scan.end(), limit, limits.scanPageBytes(), only)));
        }
        return guarded(parts, () -> parts.stream().anyMatch(ScanTask::fencedHit)
                ? new Response.Error(ErrorCode.WRONG_OWNER, "a partition of this scan is moving off node "
                        + status.nodeId() + "; ask again with a newer table")
                : ScanMerge.mergeShards(parts, limit, limits.scanPageBytes()));
    }

    private Supplier<Response> info() {
        flushBatches();
        List<StatsTask> parts = new ArrayList<>();
        boolean[] owned = fence.ownedMask();
        for (int s = 0; s < shards.shards(); s++) {
            parts.add(send(s, new StatsTask(owned)));
        }
        return guarded(parts, () -> {
            Map<String, String> fields = new LinkedHashMap<>(status.infoFields());
            fields.put("keys", Long.toString(parts.stream().mapToLong(StatsTask::keys).sum()));
            fields.put("keys_held", Long.toString(parts.stream().mapToLong(StatsTask::keysHeld).sum()));
            fields.put("memory_bytes", Long.toString(parts.stream().mapToLong(StatsTask::memoryBytes).sum()));
            return new Response.Info(Collections.unmodifiableMap(fields));
        });
    }

    private PointBatch point(byte op, int partition, byte[] key, byte[] value) {
        int shard = shards.shardOf(partition);
        PointBatch b = batches[shard];
        if (b == null) {
            b = batches[shard] = new PointBatch();
        }
        b.add(op, partition, key, value);
        return b;
    }

    private void flushBatches() {
        for (int s = 0; s < batches.length; s++) {
            if (batches[s] != null) {
                sent.add(batches[s]);
                send(s, batches[s]);
                batches[s] = null;
            }
        }
    }

    private <T extends ShardTask> T send(int shard, T task) {
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
    private Supplier<Response> guarded(List<? extends ShardTask> deps, Supplier<Response> ok) {
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
