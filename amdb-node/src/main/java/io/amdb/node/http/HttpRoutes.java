package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The HTTP routes, in match order: the access guard on {@code /v1/*} and {@code /metrics}; the data API;
 * metrics; health; the console's static files at {@code /}. Errors anywhere become JSON
 * {@code {code, name, message}} with the status {@link ApiErrors} gives (docs/HTTP.md).
 */
final class HttpRoutes {
    private HttpRoutes() {}

    static Router create(Vertx vertx, HttpFrontEnd fe) {
        Router router = Router.router(vertx);
        KvHandlers kv = new KvHandlers(fe);
        router.route("/v1/*").handler(ctx -> guard(ctx, fe));
        router.route("/metrics").handler(ctx -> guard(ctx, fe));
        router.get("/v1/kv").handler(kv::scan);
        router.get("/v1/kv/*").handler(kv::get);
        router.put("/v1/kv/*").handler(kv::put);
        router.delete("/v1/kv/*").handler(kv::delete);
        router.post("/v1/batch").handler(kv::batch);
        router.get("/v1/cluster").handler(kv::cluster);
        router.post("/v1/cluster/accept-loss").handler(kv::acceptLoss);
        router.route("/v1/*").handler(ctx -> ApiErrors.send(ctx, 404, ErrorCode.UNKNOWN_OPCODE,
                "no endpoint " + ctx.request().method() + " " + ctx.request().path() + " (see docs/HTTP.md)"));
        router.get("/metrics").handler(PrometheusScrapingHandler.create(fe.metrics().registry()));
        router.get("/health/live").handler(ctx -> health(ctx, true, "the process answers"));
        router.get("/health/ready").handler(ctx -> ready(ctx, fe));
        router.route("/*").handler(StaticHandler.create("console").setCachingEnabled(false));
        router.route().failureHandler(HttpRoutes::failure);
        return router;
    }

    /**
     * The server's request handler: the router, behind a check of the path's percent-escapes. The router
     * decodes the path itself and would answer a bad escape with a bare 400 and a logged stack trace.
     */
    static Handler<HttpServerRequest> withPathCheck(Router router) {
        return request -> {
            String path = request.path();
            if (path != null && path.indexOf('%') >= 0) {
                try {
                    UrlBytes.decode(path, false);
                } catch (ApiException e) {
                    request.response().setStatusCode(ApiErrors.status(e.code()))
                            .putHeader("Content-Type", "application/json").end(ApiErrors.json(e.code(), e.getMessage()).encode());
                    return;
                }
            }
            router.handle(request);
        };
    }

    private static void guard(RoutingContext ctx, HttpFrontEnd fe) {
        ErrorCode verdict = fe.guard().check(ctx.request().headers(), ctx.request().query(), false);
        if (verdict == ErrorCode.OK) {
            ctx.next();
        } else {
            ApiErrors.send(ctx, verdict, AccessGuard.reason(verdict));
        }
    }

    /**
     * 200 UP when the node serves and every partition has R copies in sync; 200 DEGRADED when it serves but some
     * partitions are LOST or under-replicated (counts included: the node still serves every other key, so a load
     * balancer keeps it); 503 DOWN while it does not serve.
     */
    private static void ready(RoutingContext ctx, HttpFrontEnd fe) {
        io.amdb.protocol.PartitionTable t = fe.table();
        if (!fe.ready() || t == null) {
            health(ctx, false, fe.readiness());
            return;
        }
        int lost = t.lostPartitions();
        int under = t.underReplicated();
        String detail = lost > 0 ? lost + " partitions LOST: their keys fail PARTITION_LOST"
                : under > 0 ? under + " of " + t.partitions() + " partitions have fewer than " + t.replicationFactor()
                        + " copies in sync" : fe.readiness();
        KvHandlers.json(ctx, 200, new JsonObject().put("status", lost + under == 0 ? "UP" : "DEGRADED")
                .put("detail", detail).put("lostPartitions", lost).put("underReplicatedPartitions", under)
                .put("replicationFactor", t.replicationFactor()).put("members", t.members().size()));
    }

    private static void health(RoutingContext ctx, boolean up, String detail) {
        KvHandlers.json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN").put("detail", detail));
    }

    /** ApiException → its code; a body over a limit → its code; anything else is a bug: INTERNAL_ERROR. */
    private static void failure(RoutingContext ctx) {
        Throwable f = ctx.failure();
        if (f instanceof ApiException e) {
            ApiErrors.send(ctx, e.code(), e.getMessage());
        } else if (f == null && ctx.statusCode() == 404) {
            ApiErrors.send(ctx, 404, ErrorCode.UNKNOWN_OPCODE, "not found: " + ctx.request().path());
        } else if (f == null) {
            ctx.response().setStatusCode(ctx.statusCode()).end();
        } else {
            ApiErrors.send(ctx, ErrorCode.INTERNAL_ERROR, String.valueOf(f));
        }
    }
}
