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

    /** The value as the body, its version as the ETag (for a later If-Match); 404 when the key has none. */
    void get(RoutingContext ctx) {
        run(ctx, "get", new Request.GetVersion(key(ctx)), r -> {
            Response.Versioned found = (Response.Versioned) r;
            if (found.value() == null) {
                ctx.response().setStatusCode(404).end();
            } else {
                ctx.response().putHeader("Content-Type", "application/octet-stream")
                        .putHeader("ETag", Preconditions.etag(found.version())).end(Buffer.buffer(found.value()));
            }
        });
    }

    /** An upsert; with If-Match or If-None-Match a compare-and-set (412 and the current ETag when it does not hold). */
    void put(RoutingContext ctx) {
        byte[] key = key(ctx);
        Request.Condition expect = Preconditions.of(ctx.request());
        // One byte over the limit is read so that the node, not the reader, reports VALUE_TOO_LARGE.
        BodyReader.read(ctx.request(), fe.node().config().limits().maxValueBytes() + 1L, ErrorCode.VALUE_TOO_LARGE)
                .onFailure(ctx::fail)
                .onSuccess(body -> {
                    if (expect == null) {
                        run(ctx, "put", new Request.Put(key, body.getBytes()), r -> ctx.response().setStatusCode(204).end());
                    } else {
                        run(ctx, "put", new Request.Cas(key, expect, body.getBytes()), r -> swapped(ctx, (Response.Swapped) r,
                                () -> ctx.response().setStatusCode(204).putHeader("ETag",
                                        Preconditions.etag(((Response.Swapped) r).version())).end()));
                    }
                });
    }

    /** Removes the key; with If-Match only when its version is that ETag (412 otherwise). */
    void delete(RoutingContext ctx) {
        byte[] key = key(ctx);
        Request.Condition expect = Preconditions.of(ctx.request());
        if (expect == null) {
            run(ctx, "delete", new Request.Delete(key),
                    r -> json(ctx, 200, new JsonObject().put("existed", ((Response.Deleted) r).existed())));
        } else {
            run(ctx, "delete", new Request.Cas(key, expect, null), r -> swapped(ctx, (Response.Swapped) r,
                    () -> json(ctx, 200, new JsonObject().put("existed", expect.version() != 0))));
        }
    }

    /** A conditional write's answer: {@code applied} when it was, else 412 with the key's current ETag. */
    private static void swapped(RoutingContext ctx, Response.Swapped r, Runnable applied) {
        if (r.applied()) {
            applied.run();
            return;
        }
        if (r.version() != 0) {
            ctx.response().putHeader("ETag", Preconditions.etag(r.version()));
        }
        ApiErrors.send(ctx, ErrorCode.CONDITION_FAILED, r.version() == 0 ? "the key has no value"
                : "the key's version is " + r.version() + "; nothing was written");
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
