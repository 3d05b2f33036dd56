package io.amdb.node.api;

import io.amdb.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;

/**
 * The binary protocol listener (docs/PROTOCOL.md). One instance per event loop; Vert.x shares the port
 * among them and spreads connections across their event loops.
 */
public final class ProtocolVerticle extends VerticleBase {
    /** How long a stopping node waits for connections to finish their in-flight requests. */
    static final long SHUTDOWN_GRACE_MS = 3_000;

    private final ProtocolContext node;
    private final String host;
    private final int port;
    private NetServer server;

    public ProtocolVerticle(ProtocolContext node, String host, int port) {
        this.node = node;
        this.host = host;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true));
        server.connectHandler(this::accept);
        return server.listen(port, host);
    }

    /** Stops accepting, lets open connections answer what they read, then closes them. */
    @Override
    public Future<?> stop() {
        return server.shutdown(SHUTDOWN_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private void accept(NetSocket socket) {
        // Increment only below the limit, so a refusal in progress never makes another accept fail.
        if (node.connections().getAndUpdate(c -> c < node.maxConnections() ? c + 1 : c) >= node.maxConnections()) {
            ClientConnection.refuse(socket, ErrorCode.TOO_MANY_CONNECTIONS,
                    "node holds " + node.maxConnections() + " connections already (max-connections)");
            return;
        }
        socket.closeHandler(v -> node.connections().decrementAndGet());
        new ClientConnection(socket, node).start();
    }
}
