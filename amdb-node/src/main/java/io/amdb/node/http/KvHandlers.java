package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;
import io.amdb.protocol.Request;
import io.amdb.protocol.Response;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The REST data endpoints (docs/HTTP.md): {@code GET/PUT/DELETE /v1/kv/{key}} with the raw value as body,
 * {@code GET /v1/kv?start=&end=&prefix=&limit=&encoding=} (one ordered page, JSON, with {@code next}),
 * {@code POST /v1/batch} and {@code GET /v1/cluster}. Every data operation runs through
 * {@link HttpContext#execute} ({@code AmDbNode.execute}), the forwarding path, so limits and error codes are
 * the protocol's.
 * Handlers run on their HTTP verticle's event loop; a thrown {@link ApiException} reaches the router's
 * failure handler.
 */
final class KvHandlers {
    static final String KV_PREFIX = "/v1/kv/";

    private final HttpFrontEnd fe;

    KvHandlers(HttpFrontEnd fe) {
        this.fe = fe;
    }

    void get(RoutingContext ctx) {
        run(ctx, "get", new Request.Get(key(ctx)), r -> {
            byte[] value = ((Response.Value) r).value();
            if (value == null) {
                ctx.response().setStatusCode(404).end();
            } else {
                ctx.response().putHeader("Content-Type", "application/octet-stream").end(Buffer.buffer(value));
            }
        });
    }

    void put(RoutingContext ctx) {
        byte[] key = key(ctx);
        // One byte over the limit is read so that the node, not the reader, reports VALUE_TOO_LARGE.
        BodyReader.read(ctx.request(), fe.node().config().limits().maxValueBytes() + 1L, ErrorCode.VALUE_TOO_LARGE)
                .onFailure(ctx::fail)
                .onSuccess(body -> run(ctx, "put", new Request.Put(key, body.getBytes()),
                        r -> ctx.response().setStatusCode(204).end()));
    }

    void delete(RoutingContext ctx) {
        run(ctx, "delete", new Request.Delete(key(ctx)),
                r -> json(ctx, 200, new JsonObject().put("existed", ((Response.Deleted) r).existed())));
    }

    void scan(RoutingContext ctx) {
        if (!ctx.request().path().equals("/v1/kv")) {
            ctx.next(); // "/v1/kv/" is a GET of the empty key (KEY_EMPTY), not a scan
            return;
        }
        Map<String, byte[]> q = UrlBytes.query(ctx.request().query());
        boolean b64 = ByteText.isBase64(text(q.get("encoding")));
        Request.Scan scan = JsonOps.scan(bound(q.get("start"), b64), bound(q.get("end"), b64),
                bound(q.get("prefix"), b64), text(q.get("limit")));
        run(ctx, "scan", scan, r -> json(ctx, 200, (JsonObject) JsonOps.result(r, b64)));
    }

    void batch(RoutingContext ctx) {
        long start = System.nanoTime();
        BodyReader.read(ctx.request(), fe.node().config().limits().maxFrameBytes(), ErrorCode.FRAME_TOO_LARGE)
                .compose(body -> BatchOps.run(fe.node(), parseArray(body)))
                .onSuccess(results -> {
                    fe.metrics().recordApi("http", "batch", System.nanoTime() - start);
                    ctx.response().putHeader("Content-Type", "application/json").end(results.encode());
                })
                .onFailure(ctx::fail);
    }

    void cluster(RoutingContext ctx) {
        ClusterView.build(fe.node(), fe.sampler()).onSuccess(view -> json(ctx, 200, view)).onFailure(ctx::fail);
    }

    /**
     * {@code POST /v1/cluster/accept-loss}: <b>loses data on purpose</b>. The coordinator gives every LOST
     * partition, empty, to a live member; answers {@code {"reassigned": n}}, or 503 when no coordinator answered.
     */
    void acceptLoss(RoutingContext ctx) {
        fe.node().acceptLoss().get().onSuccess(n -> json(ctx, 200, new io.vertx.core.json.JsonObject().put("reassigned", n)))
                .onFailure(e -> ApiErrors.send(ctx, 503, io.amdb.protocol.ErrorCode.PARTITION_LOST,
                        "the coordinator did not accept the loss: " + e.getMessage()));
    }

    /** Runs one request, times it, and answers errors as JSON; {@code ok} writes a successful response. */
    private void run(RoutingContext ctx, String op, Request request, Consumer<Response> ok) {
        long start = System.nanoTime();
        Future<Response> reply = fe.node().execute(request);
        reply.onComplete(ar -> {
            fe.metrics().recordApi("http", op, System.nanoTime() - start);
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result() instanceof Response.Error e) {
                ApiErrors.send(ctx, e.code(), e.message());
            } else {
                ok.accept(ar.result());
            }
        });
    }

    /** The key: the raw path after /v1/kv/, percent-decoded to bytes (so %00 and %FF survive). */
    private static byte[] key(RoutingContext ctx) {
        String path = ctx.request().path();
        return path.length() <= KV_PREFIX.length() ? new byte[0]
                : UrlBytes.decode(path.substring(KV_PREFIX.length()), false);
    }

    private static byte[] bound(byte[] raw, boolean b64) {
        return raw == null || !b64 ? raw : ByteText.decode(text(raw), true, "bound");
    }

    private static String text(byte[] raw) {
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }

    static JsonArray parseArray(Buffer body) {
        try {
            Object parsed = body.length() == 0 ? null : Json.decodeValue(body);
            if (parsed instanceof JsonArray array) {
                return array;
            }
            throw new ApiException(ErrorCode.INVALID_ARGUMENT, "the body must be a JSON array of operations");
        } catch (DecodeException e) {
            throw new ApiException(ErrorCode.MALFORMED_FRAME, "the body is not valid JSON: " + e.getMessage());
        }
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
