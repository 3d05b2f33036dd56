package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * AmDb operations as JSON objects, shared by the WebSocket API and HTTP batch: a message such as
 * {@code {"op":"put","key":"k","value":"v"}} becomes a {@link Request}, and a {@link Response} becomes the
 * JSON result docs/WEBSOCKET.md lists per op. Byte fields follow {@link ByteText}.
 */
final class JsonOps {
    /** SCAN page size when the caller gives no limit. */
    static final int DEFAULT_SCAN_LIMIT = 100;

    private JsonOps() {}

    /**
     * The request for a data op ({@code get put delete cas mget scan info ping}), or null for another op name. A get
     * asks for the value's version too, for a later {@code cas}.
     */
    static Request toRequest(String op, JsonObject msg, boolean b64) {
        return switch (op) {
            case "ping" -> new Request.Ping();
            case "info" -> new Request.Info();
            case "get" -> new Request.GetVersion(bytes(msg, "key", b64));
            case "cas" -> cas(msg, b64);
            case "put" -> new Request.Put(bytes(msg, "key", b64), bytes(msg, "value", b64));
            case "delete" -> new Request.Delete(bytes(msg, "key", b64));
            case "mget" -> new Request.MGet(keys(msg, b64));
            case "scan" -> scan(optional(msg, "start", b64), optional(msg, "end", b64), optional(msg, "prefix", b64),
                    msg.getValue("limit"));
            default -> null;
        };
    }

    /**
     * {@code {"op":"cas","key":…, "value":… | "delete":true, "ifVersion":n | "ifValue":… | "ifAbsent":true}}: exactly
     * one condition, and a value unless the write is a delete.
     */
    static Request.Cas cas(JsonObject msg, boolean b64) {
        byte[] key = bytes(msg, "key", b64);
        int conditions = (msg.containsKey("ifVersion") ? 1 : 0) + (msg.containsKey("ifValue") ? 1 : 0)
                + (msg.containsKey("ifAbsent") ? 1 : 0);
        if (conditions != 1) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "cas needs exactly one of ifVersion, ifValue, ifAbsent");
        }
        Request.Condition expect;
        if (msg.containsKey("ifVersion")) {
            long version = number(msg.getValue("ifVersion"), "ifVersion");
            if (version < 0) {
                throw new ApiException(ErrorCode.INVALID_ARGUMENT, "ifVersion must be 0 (absent) or more: " + version);
            }
            expect = Request.Condition.version(version);
        } else if (msg.containsKey("ifValue")) {
            expect = Request.Condition.value(bytes(msg, "ifValue", b64));
        } else if (Boolean.TRUE.equals(msg.getValue("ifAbsent"))) {
            expect = Request.Condition.absent();
        } else {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "ifAbsent must be true when given");
        }
        boolean delete = Boolean.TRUE.equals(msg.getValue("delete"));
        if (delete == msg.containsKey("value")) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "cas needs a value, or \"delete\": true, not both");
        }
        return new Request.Cas(key, expect, delete ? null : bytes(msg, "value", b64));
    }

    /**
     * A SCAN from explicit bounds or a prefix (not both). {@code limit} may be null (the default page), a
     * number or a decimal string; it must be at least 1; the node caps it at max-scan-limit.
     */
    static Request.Scan scan(byte[] start, byte[] end, byte[] prefix, Object limit) {
        if (prefix != null && (start != null || end != null)) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "give prefix, or start/end, not both");
        }
        byte[] from = prefix != null ? prefix : start == null ? new byte[0] : start;
        byte[] to = prefix != null ? prefixEnd(prefix) : end == null ? new byte[0] : end;
        long n = limit == null ? DEFAULT_SCAN_LIMIT : number(limit, "limit");
        if (n < 1) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "limit must be at least 1: " + n);
        }
        return new Request.Scan(from, to, (int) Math.min(n, Integer.MAX_VALUE));
    }

    /** The smallest key after every key starting with {@code prefix}; empty (unbounded) when there is none. */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[0];
    }

    /** The JSON result of a response (an error becomes its {code, name, message} object). */
    static Object result(Response response, boolean b64) {
        if (response instanceof Response.Value v) {
            return ByteText.put(new JsonObject().put("found", v.value() != null), b64, "value", v.value());
        } else if (response instanceof Response.Versioned v) {
            JsonObject found = ByteText.put(new JsonObject().put("found", v.value() != null), b64, "value", v.value());
            return v.value() == null ? found : found.put("version", v.version());
        } else if (response instanceof Response.Swapped s) {
            return new JsonObject().put("applied", s.applied()).put("version", s.version());
        } else if (response instanceof Response.Deleted d) {
            return new JsonObject().put("existed", d.existed());
        } else if (response instanceof Response.Values v) {
            return new JsonObject().put("values", values(v.values(), b64));
        } else if (response instanceof Response.ScanPage p) {
            return ByteText.put(new JsonObject().put("entries", entries(p.entries(), b64)), b64, "next", p.next());
        } else if (response instanceof Response.Info i) {
            return new JsonObject(new LinkedHashMap<String, Object>(i.fields()));
        } else if (response instanceof Response.Statuses s) {
            return new JsonObject().put("statuses", new JsonArray(s.statuses().stream().map(ErrorCode::name).toList()));
        } else if (response instanceof Response.Table t) {
            return ClusterView.table(t.table());
        } else if (response instanceof Response.Error e) {
            return ApiErrors.json(e.code(), e.message());
        }
        return new JsonObject(); // Done: PING and PUT
    }

    static byte[] bytes(JsonObject msg, String field, boolean b64) {
        byte[] b = optional(msg, field, b64);
        if (b == null) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "missing string field '" + field + "'");
        }
        return b;
    }

    static byte[] optional(JsonObject msg, String field, boolean b64) {
        Object v = msg.getValue(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "field '" + field + "' must be a string");
        }
        return ByteText.decode(s, b64, field);
    }

    static long number(Object v, String field) {
        try {
            return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString());
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, field + " must be a whole number: '" + v + "'");
        }
    }

    private static List<byte[]> keys(JsonObject msg, boolean b64) {
        if (!(msg.getValue("keys") instanceof JsonArray array)) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "missing array field 'keys'");
        }
        List<byte[]> keys = new ArrayList<>(array.size());
        for (Object k : array) {
            if (!(k instanceof String s)) {
                throw new ApiException(ErrorCode.INVALID_ARGUMENT, "every key must be a string");
            }
            keys.add(ByteText.decode(s, b64, "keys"));
        }
        return keys;
    }

    /** MGET values keep their positions; each is an object so that it can say its own encoding. */
    private static JsonArray values(List<byte[]> values, boolean b64) {
        JsonArray out = new JsonArray();
        for (byte[] v : values) {
            out.add(ByteText.put(new JsonObject().put("found", v != null), b64, "value", v));
        }
        return out;
    }

    private static JsonArray entries(List<Response.Entry> entries, boolean b64) {
        JsonArray out = new JsonArray();
        for (Response.Entry e : entries) {
            out.add(ByteText.put(new JsonObject(), b64, "key", e.key(), "value", e.value()));
        }
        return out;
    }
}
