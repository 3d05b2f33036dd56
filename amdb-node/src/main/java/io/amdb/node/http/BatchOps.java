package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Limits;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON list of operations ({@code put}, {@code delete}, {@code get}) run as one protocol BATCH for the
 * writes, then one MGET for the reads, so reads see the batch's writes. Each item gets a result in its
 * position: {@code {"status":"OK"}} (gets add {@code found}, {@code value}), or
 * {@code {"status":"KEY_EMPTY","code":11,"message":"…"}} for an item that failed alone. Like the protocol's
 * BATCH it is not atomic. Used by {@code POST /v1/batch} and the WebSocket {@code batch} op.
 */
final class BatchOps {
    private final List<Request.BatchItem> writes = new ArrayList<>();
    private final List<Integer> writeSlots = new ArrayList<>();
    private final List<byte[]> reads = new ArrayList<>();
    private final List<Integer> readSlots = new ArrayList<>();
    private final List<Boolean> readBase64 = new ArrayList<>();
    private final JsonObject[] results;

    private BatchOps(int size) {
        results = new JsonObject[size];
    }

    /** Runs the items; call on a Vert.x context. A list over max-batch-items fails whole (ApiException). */
    static Future<JsonArray> run(HttpContext node, JsonArray items) {
        Limits limits = node.config().limits();
        if (items.size() > limits.maxBatchItems()) {
            throw new ApiException(ErrorCode.BATCH_TOO_LARGE, items.size() + " operations; the limit is "
                    + limits.maxBatchItems());
        }
        BatchOps batch = new BatchOps(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                batch.add(i, items.getValue(i), limits);
            } catch (ApiException e) {
                batch.results[i] = failed(e.code(), e.getMessage());
            }
        }
        return batch.runWrites(node).compose(v -> batch.runReads(node)).map(v -> new JsonArray(List.of(batch.results)));
    }

    private void add(int slot, Object item, Limits limits) {
        if (!(item instanceof JsonObject op)) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "each operation must be a JSON object");
        }
        boolean b64 = ByteText.isBase64(op.getString("encoding"));
        String name = String.valueOf(op.getValue("op"));
        byte[] key = JsonOps.bytes(op, "key", b64);
        switch (name) {
            case "put" -> write(slot, Request.BatchItem.put(key, JsonOps.bytes(op, "value", b64)));
            case "delete" -> write(slot, Request.BatchItem.delete(key));
            case "get" -> {
                ErrorCode bad = limits.checkKey(key);
                if (bad != ErrorCode.OK) {
                    throw new ApiException(bad, "key of " + key.length + " bytes; keys are 1 to "
                            + limits.maxKeyBytes() + " bytes");
                }
                readSlots.add(slot);
                reads.add(key);
                readBase64.add(b64);
            }
            default -> throw new ApiException(ErrorCode.UNKNOWN_OPCODE, "batch op must be put, delete or get, not '"
                    + name + "'");
        }
    }

    private void write(int slot, Request.BatchItem item) {
        writeSlots.add(slot);
        writes.add(item);
    }

    private Future<Void> runWrites(HttpContext node) {
        if (writes.isEmpty()) {
            return Future.succeededFuture();
        }
        return node.execute(new Request.Batch(writes)).map(r -> {
            for (int j = 0; j < writeSlots.size(); j++) {
                results[writeSlots.get(j)] = r instanceof Response.Statuses s
                        ? status(s.statuses().get(j)) : error(r);
            }
            return null;
        });
    }

    private Future<Void> runReads(HttpContext node) {
        if (reads.isEmpty()) {
            return Future.succeededFuture();
        }
        return node.execute(new Request.MGet(reads)).map(r -> {
            for (int j = 0; j < readSlots.size(); j++) {
                if (r instanceof Response.Values v) {
                    byte[] value = v.values().get(j);
                    results[readSlots.get(j)] = ByteText.put(new JsonObject().put("status", "OK")
                            .put("found", value != null), readBase64.get(j), "value", value);
                } else {
                    results[readSlots.get(j)] = error(r);
                }
            }
            return null;
        });
    }

    private static JsonObject status(ErrorCode code) {
        return code == ErrorCode.OK ? new JsonObject().put("status", "OK") : failed(code, code.name());
    }

    private static JsonObject error(Response r) {
        return r instanceof Response.Error e ? failed(e.code(), e.message())
                : failed(ErrorCode.INTERNAL_ERROR, "unexpected reply " + r.getClass().getSimpleName());
    }

    private static JsonObject failed(ErrorCode code, String message) {
        return new JsonObject().put("status", code.name()).put("code", code.code()).put("message", message);
    }
}
