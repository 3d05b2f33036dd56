package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One WebSocket connection speaking the JSON protocol of docs/WEBSOCKET.md: requests {@code {id, op, …}},
 * replies {@code {id, ok:true, result}} or {@code {id, ok:false, error:{code, name, message}}}, and watch
 * events {@code {id, watch, event, key, value}}. Replies may come in any order; the id correlates them.
 *
 * <p>Runs on the event loop of the {@link HttpVerticle} that accepted it. Bad input (malformed JSON, an
 * unknown op, an oversized message) gets an error reply and the connection stays open. Flow control: reading
 * pauses while {@link #MAX_IN_FLIGHT} requests are running or the socket's write queue is full.
 */
final class WsSession {
    static final int MAX_IN_FLIGHT = 128;
    static final int MAX_WATCHES = 64;

    private final ServerWebSocket ws;
    private final HttpFrontEnd fe;
    private final Context context;
    private final Map<String, Watch> watches = new LinkedHashMap<>();
    private int watchSeq;
    private int inFlight;
    private boolean paused;
    private boolean closed;

    WsSession(ServerWebSocket ws, HttpFrontEnd fe, Context context) {
        this.ws = ws;
        this.fe = fe;
        this.context = context;
    }

    void start() {
        fe.watches().connectionOpened();
        ws.textMessageHandler(this::onText);
        ws.binaryMessageHandler(b -> fail(null, ErrorCode.MALFORMED_FRAME, "send JSON text messages, not binary"));
        ws.drainHandler(v -> {
            List.copyOf(watches.keySet()).forEach(this::drain); // a drain may close the session
            updateFlow();
        });
        ws.closeHandler(v -> onClosed());
        ws.exceptionHandler(e -> ws.close());
    }

    private void onText(String text) {
        if (text.length() > fe.wsMessageLimit()) {
            fail(null, ErrorCode.FRAME_TOO_LARGE, "message of " + text.length() + " characters exceeds the limit of "
                    + fe.wsMessageLimit());
            return;
        }
        JsonObject msg;
        try {
            msg = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            fail(null, ErrorCode.MALFORMED_FRAME, "not a JSON object: " + e.getMessage());
            return;
        }
        Object id = msg.getValue("id");
        try {
            dispatch(id, msg);
        } catch (ApiException e) {
            fail(id, e.code(), e.getMessage());
        }
    }

    private void dispatch(Object id, JsonObject msg) {
        String op = msg.getValue("op") instanceof String s ? s : null;
        if (op == null) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "missing string field 'op'");
        }
        boolean b64 = ByteText.isBase64(msg.getString("encoding"));
        switch (op) {
            case "ping" -> reply(id, "pong");
            case "watch" -> watch(id, msg, b64);
            case "unwatch" -> unwatch(id, msg);
            case "stats" -> reply(id, new JsonObject().put("node", fe.node().config().nodeId())
                    .put("opsPerSec", fe.sampler().opsPerSecond()).put("at", System.currentTimeMillis()));
            case "cluster" -> track(id, op, ClusterView.build(fe.node(), fe.sampler()).map(v -> (Object) v));
            case "batch" -> track(id, op, BatchOps.run(fe.node(), items(msg)).map(r -> (Object) new JsonObject().put("results", r)));
            default -> {
                Request request = JsonOps.toRequest(op, msg, b64);
                if (request == null) {
                    throw new ApiException(ErrorCode.UNKNOWN_OPCODE, "unknown op '" + op + "' (see docs/WEBSOCKET.md)");
                }
                track(id, op, fe.node().execute(request).map(r -> r instanceof Response.Error e
                        ? (Object) new ApiException(e.code(), e.message()) : JsonOps.result(r, b64)));
            }
        }
    }

    /** Replies when {@code result} completes; an {@link ApiException} value or failure becomes an error reply. */
    private void track(Object id, String op, Future<Object> result) {
        long start = System.nanoTime();
        inFlight++;
        updateFlow();
        result.onComplete(ar -> {
            fe.metrics().recordApi("ws", op, System.nanoTime() - start);
            inFlight--;
            Object value = ar.succeeded() ? ar.result() : ar.cause();
            if (value instanceof ApiException e) {
                fail(id, e.code(), e.getMessage());
            } else if (value instanceof Throwable t) {
                fail(id, ErrorCode.INTERNAL_ERROR, String.valueOf(t));
            } else {
                reply(id, value);
            }
            updateFlow();
        });
    }

    private void watch(Object id, JsonObject msg, boolean b64) {
        if (watches.size() >= MAX_WATCHES) {
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "at most " + MAX_WATCHES + " watches per connection");
        }
        byte[] prefix = JsonOps.optional(msg, "prefix", b64);
        String watchId = "w" + (++watchSeq);
        EventBuffer buffer = new EventBuffer(fe.watchBufferBytes(), context, () -> drain(watchId));
        Watch w = new Watch(watchId, id, prefix == null ? new byte[0] : prefix, b64, buffer);
        watches.put(watchId, w);
        fe.watches().add(w);
        reply(id, new JsonObject().put("watch", watchId)); // sent before any event: drains run after this handler
    }

    private void unwatch(Object id, JsonObject msg) {
        Watch w = watches.remove(String.valueOf(msg.getValue("watch")));
        if (w != null) {
            fe.watches().remove(w);
        }
        reply(id, new JsonObject().put("existed", w != null));
    }

    /** Sends buffered events while the socket takes them; an overflowed watch closes the connection. */
    private void drain(String watchId) {
        Watch w = watches.get(watchId);
        if (closed || w == null) {
            return;
        }
        if (w.buffer().overflowed()) {
            fe.metrics().countSlowConsumer();
            fail(w.requestId(), ErrorCode.SLOW_CONSUMER, "watch " + w.watchId() + " buffered more than "
                    + fe.watchBufferBytes() + " bytes of events; closing");
            ws.close((short) 1008, "SLOW_CONSUMER");
            onClosed();
            return;
        }
        EventBuffer.Event e;
        while (!ws.writeQueueFull() && (e = w.buffer().poll()) != null) {
            JsonObject event = new JsonObject().put("id", w.requestId()).put("watch", w.watchId())
                    .put("event", e.value() == null ? "delete" : "put");
            send(ByteText.put(event, w.base64(), "key", e.key(), "value", e.value()));
        }
    }

    private JsonArray items(JsonObject msg) {
        if (msg.getValue("items") instanceof JsonArray items) {
            return items;
        }
        throw new ApiException(ErrorCode.INVALID_ARGUMENT, "batch needs an array field 'items'");
    }

    private void reply(Object id, Object result) {
        send(new JsonObject().put("id", id).put("ok", true).put("result", result));
    }

    private void fail(Object id, ErrorCode code, String message) {
        send(new JsonObject().put("id", id).put("ok", false).put("error", ApiErrors.json(code, message)));
    }

    private void send(JsonObject message) {
        if (!closed) {
            ws.writeTextMessage(message.encode());
        }
    }

    private void updateFlow() {
        boolean shouldPause = inFlight >= MAX_IN_FLIGHT || ws.writeQueueFull();
        if (shouldPause != paused && !closed) {
            paused = shouldPause;
            if (paused) {
                ws.pause();
            } else {
                ws.resume();
            }
        }
    }

    private void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        watches.values().forEach(fe.watches()::remove);
        watches.clear();
        fe.watches().connectionClosed();
    }
}
