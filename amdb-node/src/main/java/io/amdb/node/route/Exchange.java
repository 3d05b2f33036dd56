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
import io.amdb.protocol.Wire;
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
    /** One reply: the request it answers and how to build the response once the shards are done. */
    public record Reply(int requestId, int opcode, Supplier<Response> response) {}

    private final ShardDispatcher shards;
    private final Limits limits;
    private final NodeStatus status;
    private Runnable onComplete;
    private final List<Reply> replies = new ArrayList<>();
    private final PointBatch[] batches;
    private final Map<ShardTask, String> failures = new IdentityHashMap<>();
    private int outstanding = 1; // the seal() sentinel keeps it above zero while requests are added

    public Exchange(ShardDispatcher shards, Limits limits, NodeStatus status) {
        this.shards = shards;
        this.limits = limits;
        this.status = status;
        this.batches = new PointBatch[shards.shards()];
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

    /** Routes one decoded request. */
    public void add(int requestId, Request request) {
        int opcode = request.opcode().code();
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
     * Ends the exchange: sends what is still buffered. {@code onComplete} runs once every part has answered
     * (at once if nothing went to a shard), on the caller's context.
     */
    public void seal(Runnable onComplete) {
        this.onComplete = onComplete;
        flushBatches();
        partDone();
    }

    private Supplier<Response> route(Request request) throws Rejected {
        if (request instanceof Request.Get get) {
            return get(get.key());
        } else if (request instanceof Request.Put put) {
            checkKey(put.key());
            check(limits.checkValue(put.value()), "value of " + put.value().length + " bytes exceeds the limit of "
                    + limits.maxValueBytes());
            PointBatch b = point(PointBatch.PUT, ownedPartition(put.key()), put.key(), put.value());
            return guarded(List.of(b), () -> Response.DONE);
        } else if (request instanceof Request.Delete delete) {
            checkKey(delete.key());
            PointBatch b = point(PointBatch.DELETE, ownedPartition(delete.key()), delete.key(), null);
            int i = b.size() - 1;
            return guarded(List.of(b), () -> new Response.Deleted(b.existed(i)));
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
        checkKey(key);
        PointBatch b = point(PointBatch.GET, ownedPartition(key), key, null);
        int i = b.size() - 1;
        return guarded(List.of(b), () -> new Response.Value(b.value(i)));
    }

    private Supplier<Response> mget(List<byte[]> keys) throws Rejected {
        checkCount(keys.size());
        int[] partitions = new int[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            checkKey(keys.get(k));
            partitions[k] = ownedPartition(keys.get(k)); // all or nothing: the client splits MGET per owner
        }
        PointBatch[] owner = new PointBatch[keys.size()];
        int[] index = new int[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            owner[k] = point(PointBatch.GET, partitions[k], keys.get(k), null);
            index[k] = owner[k].size() - 1;
        }
        return guarded(List.of(owner), () -> {
            List<byte[]> values = new ArrayList<>(owner.length);
            long bytes = Wire.HEADER_BYTES + 6L; // header, status, count
            for (int k = 0; k < owner.length; k++) {
                byte[] value = owner[k].value(index[k]);
                values.add(value);
                bytes += 4 + (value == null ? 0 : value.length);
            }
            if (bytes - Wire.LENGTH_BYTES > limits.maxFrameBytes()) {
                return new Response.Error(ErrorCode.RESPONSE_TOO_LARGE, "the " + keys.size() + " values total "
                        + bytes + " bytes, above max-frame-bytes " + limits.maxFrameBytes() + "; ask for fewer keys");
            }
            return new Response.Values(values);
        });
    }

    private Supplier<Response> batch(List<Request.BatchItem> items) throws Rejected {
        checkCount(items.size());
        ErrorCode[] statuses = new ErrorCode[items.size()];
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
                    partition = ownedPartition(item.key());
                } catch (Rejected e) {
                    status = e.code; // per item: the client resends just these after refreshing its table
                }
            }
            statuses[k] = status;
            if (status == ErrorCode.OK) {
                touched.add(point(item.isPut() ? PointBatch.PUT : PointBatch.DELETE, partition, item.key(), item.value()));
            }
        }
        List<ErrorCode> result = List.of(statuses);
        return guarded(touched, () -> new Response.Statuses(result));
    }

    private Supplier<Response> scan(Request.Scan scan) throws Rejected {
        check(limits.checkScanBound(scan.start()), "scan start is longer than " + (limits.maxKeyBytes() + 1) + " bytes");
        check(limits.checkScanBound(scan.end()), "scan end is longer than " + (limits.maxKeyBytes() + 1) + " bytes");
        if (!status.ownsAllPartitions()) {
            // Until the cluster-wide merge exists, a SCAN here would silently miss other nodes' keys.
            throw new Rejected(ErrorCode.WRONG_OWNER, "node " + status.nodeId() + " holds only part of the key space "
                    + "at epoch " + status.table().epoch() + "; a cluster-wide SCAN is not available yet");
        }
        int limit = Math.min(scan.limit(), limits.maxScanLimit());
        flushBatches();
        List<ScanTask> parts = new ArrayList<>();
        for (int s = 0; s < shards.shards(); s++) {
            parts.add(send(s, new ScanTask(scan.start(), scan.end(), limit, limits.scanPageBytes())));
        }
        return guarded(parts, () -> ScanMerge.merge(parts, limit, limits.scanPageBytes()));
    }

    private Supplier<Response> info() {
        flushBatches();
        List<StatsTask> parts = new ArrayList<>();
        for (int s = 0; s < shards.shards(); s++) {
            parts.add(send(s, new StatsTask()));
        }
        return guarded(parts, () -> {
            Map<String, String> fields = new LinkedHashMap<>(status.infoFields());
            fields.put("keys", Long.toString(parts.stream().mapToLong(StatsTask::keys).sum()));
            fields.put("memory_bytes", Long.toString(parts.stream().mapToLong(StatsTask::memoryBytes).sum()));
            return new Response.Info(Collections.unmodifiableMap(fields));
        });
    }

    /**
     * The key's partition, fenced by the node's table: PARTITION_LOST when its owner died with the data,
     * WRONG_OWNER (naming the owner and epoch) when another node owns it. Never a silent miss.
     */
    private int ownedPartition(byte[] key) throws Rejected {
        int partition = shards.partitioner().partition(key);
        PartitionTable table = status.table();
        Member owner = table.owner(partition);
        if (owner == null) {
            throw new Rejected(ErrorCode.PARTITION_LOST, "partition " + partition + " was lost with its owner "
                    + "(table epoch " + table.epoch() + ")");
        }
        if (!owner.nodeId().equals(status.nodeId())) {
            throw new Rejected(ErrorCode.WRONG_OWNER, "partition " + partition + " is owned by " + owner.nodeId()
                    + " at " + owner.host() + ":" + owner.port() + " (table epoch " + table.epoch() + ")");
        }
        return partition;
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

    private void partDone() {
        if (--outstanding == 0) {
            onComplete.run();
        }
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

    private void checkKey(byte[] key) throws Rejected {
        ErrorCode code = limits.checkKey(key);
        check(code, code == ErrorCode.KEY_EMPTY ? "keys must be at least 1 byte"
                : "key of " + key.length + " bytes exceeds the limit of " + limits.maxKeyBytes());
    }

    private void checkCount(int n) throws Rejected {
        if (n > limits.maxBatchItems()) {
            throw new Rejected(ErrorCode.BATCH_TOO_LARGE, n + " items exceed the limit of " + limits.maxBatchItems());
        }
    }

    private static void check(ErrorCode code, String message) throws Rejected {
        if (code != ErrorCode.OK) {
            throw new Rejected(code, message);
        }
    }

    /** A request refused before touching any shard. */
    private static final class Rejected extends Exception {
        final ErrorCode code;

        Rejected(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
