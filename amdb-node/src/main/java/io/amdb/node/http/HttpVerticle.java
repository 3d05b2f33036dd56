package io.amdb.node.http;

import io.amdb.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP listener instance: the REST routes, the console and the WebSocket endpoint on its event loop.
 * WebSocket handshakes are checked (path, Origin, token) before they are accepted, so a refused browser gets
 * a plain 403/401/404 and never an open socket.
 */
final class HttpVerticle extends VerticleBase {
    static final String WS_PATH = "/v1/ws";
    /** Grace period for in-flight requests and WebSocket close handshakes at stop. */
    private static final long SHUTDOWN_MS = 1000;

    private final HttpFrontEnd fe;
    private final int port;
    private final boolean samples;
    private HttpServer server;

    /** {@code samples}: this instance runs the node sampler (exactly one does). */
    HttpVerticle(HttpFrontEnd fe, int port, boolean samples) {
        this.fe = fe;
        this.port = port;
        this.samples = samples;
    }

    @Override
    public Future<?> start() {
        int hardLimit = fe.wsMessageLimit() * 2;
        // HTTP/1.1 and WebSocket only: no h2c upgrade (curl and browsers speak 1.1 to a plain-http port).
        HttpServerOptions options = new HttpServerOptions().setHost(fe.node().config().host()).setPort(port)
                .setHttp2ClearTextEnabled(false)
                // A key travels percent-encoded in the path (up to 3 bytes per byte): let the longest allowed key
                // reach the KEY_TOO_LARGE check instead of Vert.x's bare 414.
                .setMaxInitialLineLength(3 * fe.node().config().limits().maxKeyBytes() + 8192)
                .setMaxWebSocketFrameSize(hardLimit).setMaxWebSocketMessageSize(hardLimit);
        server = vertx.createHttpServer(options)
                .connectionHandler(this::admit)
                .requestHandler(HttpRoutes.withPathCheck(HttpRoutes.create(vertx, fe)))
                .webSocketHandshakeHandler(this::handshake)
                .webSocketHandler(ws -> new WsSession(ws, fe, context).start());
        if (samples) {
            fe.sampler().start(vertx);
        }
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        fe.markStopping(); // readiness goes DOWN before the listener closes
        if (samples) {
            fe.sampler().stop(vertx);
        }
        return server.shutdown(SHUTDOWN_MS, TimeUnit.MILLISECONDS);
    }

    int actualPort() {
        return server.actualPort();
    }

    /** Connections beyond max-connections (HTTP and WebSocket together) are closed at once. */
    private void admit(HttpConnection connection) {
        if (fe.admit()) {
            connection.closeHandler(v -> fe.release());
        } else {
            connection.close();
        }
    }

    private void handshake(ServerWebSocketHandshake hs) {
        if (!WS_PATH.equals(hs.path())) {
            hs.reject(404);
            return;
        }
        ErrorCode verdict = fe.guard().check(hs.headers(), hs.query(), true);
        if (verdict == ErrorCode.OK) {
            hs.accept();
        } else {
            hs.reject(ApiErrors.status(verdict));
        }
    }
}
