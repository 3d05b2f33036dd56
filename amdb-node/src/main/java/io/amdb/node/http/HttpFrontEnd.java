package io.amdb.node.http;

import io.amdb.protocol.Limits;
import io.amdb.protocol.PartitionTable;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's HTTP/WebSocket front end: the state its verticles share (access guard, watches, sampler,
 * metrics) and its deployment. One {@link HttpVerticle} per event loop, all on one port.
 *
 * <p>Thread-safety: fields are set before the first verticle listens and read-only after, except the
 * volatile readiness flags.
 */
public final class HttpFrontEnd {
    private final HttpContext node;
    private final NodeMetrics metrics;
    private final AccessGuard guard;
    private final NodeSampler sampler;
    private final WatchRegistry watches = new WatchRegistry();
    private final List<String> deploymentIds = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int port = -1;
    private volatile boolean listening;
    private volatile boolean stopping;

    /**
     * Counts an accepted HTTP/WebSocket connection; false (not counted) when {@code max-connections} are
     * open already. Shared by every listener instance; the protocol listener has its own count.
     */
    boolean admit() {
        int max = node.config().maxConnections();
        return connections.getAndUpdate(c -> c < max ? c + 1 : c) < max;
    }

    /** A connection counted by {@link #admit} closed. */
    void release() {
        connections.decrementAndGet();
    }

    private HttpFrontEnd(HttpContext node, NodeMetrics metrics) {
        this.node = node;
        this.metrics = metrics;
        this.guard = new AccessGuard(node.config().http(), node.config().host());
        this.sampler = new NodeSampler(node);
    }

    /**
     * Deploys the front end on {@code node} (HTTP must be enabled in its config), one verticle per event loop
     * on one port. Port 0 becomes Vert.x's shared random port -1: every instance listening on -1 shares the
     * one free port the first bound (with 0, each would bind a port of its own).
     */
    public static Future<HttpFrontEnd> deploy(HttpContext node, NodeMetrics metrics) {
        HttpFrontEnd fe = new HttpFrontEnd(node, metrics);
        node.observeWrites().accept(fe.watches);
        metrics.bind(node, fe.sampler, fe.watches);
        int listenPort = node.config().httpPort() == 0 ? -1 : node.config().httpPort();
        if (listenPort > 0) {
            fe.guard.bind(listenPort); // a known port: allow its origins before the first request can arrive
        }
        HttpVerticle first = new HttpVerticle(fe, listenPort, true);
        Future<?> chain = fe.deployOne(first).map(id -> {
            fe.port = first.actualPort();
            fe.guard.bind(fe.port);
            return id;
        });
        for (int i = 1; i < node.config().shards(); i++) {
            chain = chain.compose(v -> fe.deployOne(new HttpVerticle(fe, listenPort, false)));
        }
        if (node.vertx().isClustered()) {
            chain = chain.compose(v -> fe.deployOne(new ClusterWatch(node.config().nodeId(), fe.watches,
                    fe.watchBufferBytes())));
        }
        return chain.map(v -> {
            fe.listening = true;
            return fe;
        });
    }

    /** The port HTTP listens on. */
    public int port() {
        return port;
    }

    /** Deployment ids of the verticles, for the node to undeploy at stop. */
    public List<String> deploymentIds() {
        return List.copyOf(deploymentIds);
    }

    /** Ready: listening, not stopping, and this node is a member of its partition table. */
    boolean ready() {
        return readiness().equals("serving its partitions");
    }

    /** The node's current partition table, or null before its first. */
    io.amdb.protocol.PartitionTable table() {
        return node.currentTable();
    }

    String readiness() {
        PartitionTable table = node.currentTable();
        if (stopping) {
            return "stopping";
        } else if (!listening) {
            return "starting";
        } else if (table == null || table.member(node.config().nodeId()) == null) {
            return "not in the partition table yet";
        }
        return "serving its partitions";
    }

    void markStopping() {
        stopping = true;
    }

    /**
     * Largest WebSocket message answered normally: a put of the largest key and value, base64 (4/3) in JSON,
     * plus room for the envelope. Messages up to twice this get a FRAME_TOO_LARGE reply; Vert.x closes
     * the connection (1009) above that.
     */
    int wsMessageLimit() {
        Limits l = node.config().limits();
        long limit = ((long) l.maxKeyBytes() + l.maxValueBytes()) * 4 / 3 + 64 * 1024;
        return (int) Math.min(limit, Integer.MAX_VALUE / 2);
    }

    /**
     * Most bytes of events a watch buffers for a slow WebSocket reader before its connection is closed: room
     * for four of the largest writes (32 MiB with default limits), at least 1 MiB.
     */
    long watchBufferBytes() {
        Limits l = node.config().limits();
        return Math.max(1L << 20, 4 * ((long) l.maxKeyBytes() + l.maxValueBytes() + 64));
    }

    HttpContext node() {
        return node;
    }

    NodeMetrics metrics() {
        return metrics;
    }

    AccessGuard guard() {
        return guard;
    }

    NodeSampler sampler() {
        return sampler;
    }

    WatchRegistry watches() {
        return watches;
    }

    private Future<String> deployOne(Deployable verticle) {
        return node.vertx().deployVerticle(verticle).onSuccess(deploymentIds::add);
    }
}
