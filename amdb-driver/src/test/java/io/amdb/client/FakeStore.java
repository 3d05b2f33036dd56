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

/**
 * The fake node's data: a TreeMap in unsigned byte order, executing requests as PROTOCOL.md describes. Each
 * write takes the next number of one sequence as its entry's version (the node numbers per partition; one
 * sequence for the whole store is a valid instance of that).
 */
final class FakeStore {
    private final Limits limits = Limits.DEFAULTS;
    private final TreeMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
    private final TreeMap<byte[], Long> versions = new TreeMap<>(Arrays::compareUnsigned);
    private long sequence;
    private final String nodeId;

    FakeStore(String nodeId) {
        this.nodeId = nodeId;
    }

    synchronized void put(byte[] key, byte[] value) {
        write(key, value);
    }

    synchronized byte[] get(byte[] key) {
        return map.get(key);
    }

    synchronized void remove(byte[] key) {
        write(key, null);
    }

    /** Moves the entry under {@code key}, value and version, to {@code to}: a migration keeps versions. */
    synchronized void moveTo(byte[] key, FakeStore to) {
        byte[] value = map.remove(key);
        Long version = versions.remove(key);
        if (value != null) {
            to.adopt(key, value, version);
        }
    }

    private synchronized void adopt(byte[] key, byte[] value, long version) {
        map.put(key, value);
        versions.put(key, version);
        sequence = Math.max(sequence, version);
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
            return bad != ErrorCode.OK ? error(bad) : new Response.Deleted(write(delete.key(), null) != null);
        } else if (request instanceof Request.GetVersion get) {
            ErrorCode bad = limits.checkKey(get.key());
            return bad != ErrorCode.OK ? error(bad) : new Response.Versioned(map.get(get.key()), version(get.key()));
        } else if (request instanceof Request.Cas cas) {
            return cas(cas);
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
            write(item.key(), item.isPut() ? item.value() : null);
        }
        return bad;
    }

    private Response cas(Request.Cas cas) {
        ErrorCode bad = limits.checkKey(cas.key());
        if (bad == ErrorCode.OK && cas.value() != null) {
            bad = limits.checkValue(cas.value());
        }
        if (bad == ErrorCode.OK && cas.expect().byValue()) {
            bad = limits.checkValue(cas.expect().value());
        }
        if (bad != ErrorCode.OK) {
            return error(bad);
        }
        long current = version(cas.key());
        if (!cas.expect().holdsFor(map.get(cas.key()), current)) {
            return new Response.Swapped(false, current);
        }
        write(cas.key(), cas.value());
        return new Response.Swapped(true, cas.value() == null ? 0 : version(cas.key()));
    }

    /** Puts {@code value} (null: removes the key) at the next version; returns the previous value. */
    private byte[] write(byte[] key, byte[] value) {
        if (value == null) {
            versions.remove(key);
            return map.remove(key);
        }
        versions.put(key, ++sequence);
        return map.put(key, value);
    }

    private long version(byte[] key) {
        return versions.getOrDefault(key, 0L);
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
