package io.amdb.client;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The fake node's data: a TreeMap in unsigned byte order, executing requests as PROTOCOL.md describes. */
final class FakeStore {
    private final Limits limits = Limits.DEFAULTS;
    private final TreeMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
    private final String nodeId;

    FakeStore(String nodeId) {
        this.nodeId = nodeId;
    }

    synchronized void put(byte[] key, byte[] value) {
        map.put(key, value);
    }

    synchronized byte[] get(byte[] key) {
        return map.get(key);
    }

    synchronized void remove(byte[] key) {
        map.remove(key);
    }

    /** A copy of every entry, in key order. */
    synchronized NavigableMap<byte[], byte[]> snapshot() {
        return new TreeMap<>(map);
    }

    /** Applies one BATCH item and returns its status. */
    synchronized ErrorCode applyItem(Request.BatchItem item) {
        return apply(item);
    }

    synchronized Response execute(Request request) {
        if (request instanceof Request.Ping || request instanceof Request.Info) {
            return request instanceof Request.Ping ? Response.DONE : info();
        } else if (request instanceof Request.Get get) {
            ErrorCode bad = limits.checkKey(get.key());
            return bad != ErrorCode.OK ? error(bad) : new Response.Value(map.get(get.key()));
        } else if (request instanceof Request.Put put) {
            ErrorCode bad = apply(Request.BatchItem.put(put.key(), put.value()));
            return bad != ErrorCode.OK ? error(bad) : Response.DONE;
        } else if (request instanceof Request.Delete delete) {
            ErrorCode bad = limits.checkKey(delete.key());
            return bad != ErrorCode.OK ? error(bad) : new Response.Deleted(map.remove(delete.key()) != null);
        } else if (request instanceof Request.MGet mget) {
            List<byte[]> values = new ArrayList<>();
            mget.keys().forEach(k -> values.add(map.get(k)));
            return new Response.Values(values);
        } else if (request instanceof Request.Batch batch) {
            List<ErrorCode> statuses = new ArrayList<>();
            batch.items().forEach(item -> statuses.add(apply(item)));
            return new Response.Statuses(statuses);
        } else if (request instanceof Request.Scan scan) {
            return scan(scan);
        }
        return error(ErrorCode.UNKNOWN_OPCODE);
    }

    private ErrorCode apply(Request.BatchItem item) {
        ErrorCode bad = limits.checkKey(item.key());
        if (bad == ErrorCode.OK && item.isPut()) {
            bad = limits.checkValue(item.value());
        }
        if (bad == ErrorCode.OK) {
            if (item.isPut()) {
                map.put(item.key(), item.value());
            } else {
                map.remove(item.key());
            }
        }
        return bad;
    }

    private Response scan(Request.Scan scan) {
        NavigableMap<byte[], byte[]> range;
        if (scan.end().length == 0) {
            range = map.tailMap(scan.start(), true);
        } else if (Arrays.compareUnsigned(scan.start(), scan.end()) < 0) {
            range = map.subMap(scan.start(), true, scan.end(), false);
        } else {
            range = new TreeMap<>();
        }
        List<Response.Entry> entries = new ArrayList<>();
        byte[] next = null;
        for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
            if (entries.size() == Math.min(scan.limit(), limits.maxScanLimit())) {
                byte[] last = entries.get(entries.size() - 1).key();
                next = Arrays.copyOf(last, last.length + 1); // the last key followed by 0x00
                break;
            }
            entries.add(new Response.Entry(e.getKey(), e.getValue()));
        }
        return new Response.ScanPage(entries, next);
    }

    private Response info() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("node_id", nodeId);
        fields.put("protocol_version", "1");
        fields.put("keys", Integer.toString(map.size()));
        return new Response.Info(fields);
    }

    private static Response error(ErrorCode code) {
        return new Response.Error(code, code.name().toLowerCase().replace('_', ' '));
    }
}
