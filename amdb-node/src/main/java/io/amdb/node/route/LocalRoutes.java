package io.amdb.node.route;

import io.amdb.node.shard.PointBatch;
import io.amdb.node.shard.ScanTask;
import io.amdb.node.shard.ShardTask;
import io.amdb.node.shard.StatsTask;
import io.amdb.node.table.NodeTable;
import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The local path of one request: checks it against the limits and this node's table ({@link Fence}), adds its
 * operations to its exchange's per-shard batches ({@link ShardParts}; scan and stats tasks are sent at once),
 * and returns how to build its response once the shards have answered. Stateless beyond those parts; same
 * thread as its exchange.
 */
final class LocalRoutes {
    private final ShardParts parts;
    private final ShardDispatcher shards;
    private final Limits limits;
    private final RouteContext node;
    private final Fence fence;

    LocalRoutes(ShardParts parts, RouteContext node, Fence fence) {
        this.parts = parts;
        this.shards = node.shards();
        this.limits = node.limits();
        this.node = node;
        this.fence = fence;
    }

    /** One case per opcode and no default: a new opcode does not compile until it is routed here. */
    Supplier<Response> route(Request request) throws Rejected {
        return switch (request.opcode()) {
            case PING -> () -> Response.DONE;
            case GET -> get(((Request.Get) request).key());
            case PUT -> put((Request.Put) request);
            case DELETE -> delete((Request.Delete) request);
            case GET_VERSION -> getVersion(((Request.GetVersion) request).key());
            case CAS -> cas((Request.Cas) request);
            case MGET -> mget(((Request.MGet) request).keys());
            case BATCH -> batch(((Request.Batch) request).items());
            case SCAN -> scan((Request.Scan) request);
            case INFO -> info();
            case TABLE -> {
                Response table = new Response.Table(node.table().current());
                yield () -> table;
            }
        };
    }

    private Supplier<Response> put(Request.Put put) throws Rejected {
        Rejected.checkKey(limits, put.key());
        Rejected.check(limits.checkValue(put.value()), "value of " + put.value().length + " bytes exceeds the limit of "
                + limits.maxValueBytes());
        PointBatch b = parts.point(PointBatch.PUT, fence.ownedPartition(put.key()), put.key(), put.value());
        int i = b.size() - 1;
        return parts.guarded(List.of(b), () -> written(b, i, Response.DONE));
    }

    private Supplier<Response> delete(Request.Delete delete) throws Rejected {
        Rejected.checkKey(limits, delete.key());
        PointBatch b = parts.point(PointBatch.DELETE, fence.ownedPartition(delete.key()), delete.key(), null);
        int i = b.size() - 1;
        return parts.guarded(List.of(b), () -> written(b, i, new Response.Deleted(b.existed(i))));
    }

    private Supplier<Response> cas(Request.Cas cas) throws Rejected {
        Rejected.checkKey(limits, cas.key());
        if (cas.value() != null) {
            Rejected.check(limits.checkValue(cas.value()), "value of " + cas.value().length
                    + " bytes exceeds the limit of " + limits.maxValueBytes());
        }
        if (cas.expect().byValue()) {
            Rejected.check(limits.checkValue(cas.expect().value()), "expected value of " + cas.expect().value().length
                    + " bytes exceeds the limit of " + limits.maxValueBytes());
        }
        PointBatch b = parts.point(fence.ownedPartition(cas.key()), cas.key(), cas.expect(), cas.value());
        int i = b.size() - 1;
        return parts.guarded(List.of(b), () -> written(b, i, new Response.Swapped(b.existed(i), b.version(i))));
    }

    private Supplier<Response> getVersion(byte[] key) throws Rejected {
        Rejected.checkKey(limits, key);
        PointBatch b = parts.point(PointBatch.GET_VERSION, fence.ownedPartition(key), key, null);
        int i = b.size() - 1;
        return parts.guarded(List.of(b), () -> b.fenced(i) || b.unknown(i) ? fence.moved(b.partition(i))
                : new Response.Versioned(b.value(i), b.version(i)));
    }

    /**
     * The answer to the write at {@code i} of {@code b}: moved, unknown, refused for a full disk or for too few in-sync
     * copies, or {@code ok}.
     */
    private Response written(PointBatch b, int i, Response ok) {
        if (b.fenced(i)) {
            return fence.moved(b.partition(i));
        }
        if (b.unknown(i)) {
            return unknownOutcome(b.partition(i));
        }
        if (b.tooFewCopies(i)) {
            return tooFewCopies(b.partition(i));
        }
        return b.refused(i) ? STORAGE_FULL : ok;
    }

    private Response tooFewCopies(int partition) {
        return new Response.Error(ErrorCode.NOT_ENOUGH_REPLICAS, "partition " + partition + " has fewer in-sync copies "
                + "than min-in-sync " + node.table().current().replicaSets().minInSync() + " (a backup is being copied "
                + "again): the write was not applied; reads still work");
    }

    /**
     * A write whose in-sync backups did not confirm it: its partition changed primary first, or they did not answer
     * within the wait bound. It may or may not survive.
     */
    private static Response unknownOutcome(int partition) {
        return new Response.Error(ErrorCode.TIMEOUT, "partition " + partition + " changed primary, or its in-sync "
                + "backups did not confirm this write in time; it may or may not have taken effect");
    }

    private static final Response STORAGE_FULL = new Response.Error(ErrorCode.STORAGE_FULL,
            "the node's disk is full: writes are refused until space is freed; reads still work");

    private Supplier<Response> get(byte[] key) throws Rejected {
        Rejected.checkKey(limits, key);
        PointBatch b = parts.point(PointBatch.GET, fence.ownedPartition(key), key, null);
        int i = b.size() - 1;
        return parts.guarded(List.of(b), () -> b.fenced(i) || b.unknown(i) ? fence.moved(b.partition(i))
                : new Response.Value(b.value(i)));
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
            owner[k] = parts.point(PointBatch.GET, partitions[k], keys.get(k), null);
            index[k] = owner[k].size() - 1;
        }
        return parts.guarded(List.of(owner), () -> {
            List<byte[]> values = new ArrayList<>(owner.length);
            for (int k = 0; k < owner.length; k++) {
                if (owner[k].fenced(index[k]) || owner[k].unknown(index[k])) {
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
                owner[k] = parts.point(item.isPut() ? PointBatch.PUT : PointBatch.DELETE, partition, item.key(), item.value());
                index[k] = owner[k].size() - 1;
                touched.add(owner[k]);
            }
        }
        return parts.guarded(touched, () -> {
            for (int k = 0; k < statuses.length; k++) {
                if (owner[k] != null && owner[k].fenced(index[k])) {
                    statuses[k] = ErrorCode.WRONG_OWNER; // handed off meanwhile: the client resends it
                } else if (owner[k] != null && owner[k].unknown(index[k])) {
                    statuses[k] = ErrorCode.TIMEOUT; // outcome unknown: never resent
                } else if (owner[k] != null && owner[k].tooFewCopies(index[k])) {
                    statuses[k] = ErrorCode.NOT_ENOUGH_REPLICAS;
                } else if (owner[k] != null && owner[k].refused(index[k])) {
                    statuses[k] = ErrorCode.STORAGE_FULL;
                }
            }
            return new Response.Statuses(List.of(statuses));
        });
    }

    private Supplier<Response> scan(Request.Scan scan) throws Rejected {
        NodeTable table = node.table();
        if (!table.ownsAll()) { // only without a forwarder: a local scan would miss other nodes' keys
            throw new Rejected(ErrorCode.WRONG_OWNER, "node " + table.selfId() + " holds only part of the key space "
                    + "at epoch " + table.current().epoch() + "; send SCAN to a node that forwards it");
        }
        return localScan(scan, null);
    }

    Supplier<Response> localScan(Request.Scan scan, boolean[] only) throws Rejected {
        Rejected.checkScanBounds(limits, scan);
        int limit = Math.min(scan.limit(), limits.maxScanLimit());
        parts.flush();
        List<ScanTask> tasks = new ArrayList<>();
        for (int s = 0; s < shards.shards(); s++) {
            tasks.add(parts.send(s, new ScanTask(scan.start(), scan.end(), limit, limits.scanPageBytes(), only)));
        }
        return parts.guarded(tasks, () -> tasks.stream().anyMatch(ScanTask::fencedHit)
                ? new Response.Error(ErrorCode.WRONG_OWNER, "a partition of this scan is moving off node "
                        + node.table().selfId() + "; ask again with a newer table")
                : ScanMerge.mergeShards(tasks, limit, limits.scanPageBytes()));
    }

    private Supplier<Response> info() {
        parts.flush();
        List<StatsTask> tasks = new ArrayList<>();
        boolean[] owned = fence.ownedMask();
        for (int s = 0; s < shards.shards(); s++) {
            tasks.add(parts.send(s, new StatsTask(owned)));
        }
        return parts.guarded(tasks, () -> {
            Map<String, String> fields = new LinkedHashMap<>(node.counters().infoFields());
            fields.put("keys", Long.toString(tasks.stream().mapToLong(StatsTask::keys).sum()));
            fields.put("keys_held", Long.toString(tasks.stream().mapToLong(StatsTask::keysHeld).sum()));
            fields.put("memory_bytes", Long.toString(tasks.stream().mapToLong(StatsTask::memoryBytes).sum()));
            return new Response.Info(Collections.unmodifiableMap(fields));
        });
    }
}
